package dev.simul.lab.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simul.runner.Runner;
import dev.simul.runner.Runners;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MixedTest {

    @Test
    void eachTaskCountsItsStepsThenWaits() throws Exception {
        assertThat(Mixed.steps(1)).isEqualTo(Mixed.HALF_MILLIS * Mixed.STEPS_PER_MS);
        assertThat(Mixed.steps(1e-12)).isEqualTo(1);
        assertThat(Mixed.task(1000, Duration.ofMillis(1))).isEqualTo(1000);
        Mixed mixed = new Mixed();
        assertThat(mixed.expectedNature()).isEqualTo(Workload.MIXED);
        assertThat(mixed.tasks()).isEqualTo(16);
        assertThat(mixed.description()).contains("computing", "waiting");
    }

    @Test
    void runsOnEveryMode() throws Exception {
        for (String mode : Runners.modes()) {
            try (Runner runner = Runners.of(mode)) {
                new Mixed().run(runner, 1e-3);
            }
        }
    }
}
