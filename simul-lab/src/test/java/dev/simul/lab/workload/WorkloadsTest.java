package dev.simul.lab.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simul.runner.Runner;
import dev.simul.runner.Runners;
import org.junit.jupiter.api.Test;

class WorkloadsTest {

    @Test
    void namesTheSeedsWorkloads() {
        assertThat(Workloads.names()).containsExactly("cpu", "hash", "api", "files", "countdown", "download", "mixed");
        assertThat(Workloads.of("api").tasks()).isEqualTo(2);
        assertThatThrownBy(() -> Workloads.of("gpu")).hasMessageContaining("unknown workload 'gpu'");
    }

    @Test
    void apiCallsAnswerInEveryMode() throws Exception {
        for (String mode : Runners.modes()) {
            try (Runner runner = Runners.of(mode)) {
                Workloads.of("api").run(runner, 1e-3);
            }
        }
    }
}
