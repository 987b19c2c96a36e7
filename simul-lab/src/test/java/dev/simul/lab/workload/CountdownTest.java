package dev.simul.lab.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simul.runner.Runner;
import dev.simul.runner.Runners;
import java.util.List;
import org.junit.jupiter.api.Test;

class CountdownTest {

    @Test
    void sequentialRunsTheCountersOneAfterTheOther() throws Exception {
        try (Runner runner = Runners.sequential()) {
            List<Countdown.Step> steps = Countdown.play(runner, 0.01, false);
            assertThat(steps).extracting(Countdown.Step::text).containsExactly(
                    "down 5", "down 4", "down 3", "down 2", "down 1", "up 0", "up 1", "up 2", "up 3", "up 4");
            assertThat(Countdown.switches(steps)).isEqualTo(1);
            assertThat(steps).extracting(Countdown.Step::thread).containsOnly("thread main");
        }
    }

    @Test
    void everyModeProducesBothCountersInTheirOwnOrder() throws Exception {
        for (String mode : Runners.modes()) {
            try (Runner runner = Runners.of(mode)) {
                new Countdown().run(runner, 0.01); // the run checks each counter's sequence itself
            }
        }
    }

    @Test
    void switchesCountsChangesOfCounter() {
        List<Countdown.Step> alternating = List.of(step("down 5"), step("up 0"), step("down 4"), step("up 1"));
        assertThat(Countdown.switches(alternating)).isEqualTo(3);
        assertThat(Countdown.switches(List.of(step("down 5")))).isZero();
    }

    private static Countdown.Step step(String text) {
        return new Countdown.Step(text, 0, "t");
    }
}
