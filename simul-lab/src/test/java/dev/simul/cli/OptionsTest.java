package dev.simul.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simul.lab.testing.FakeMode;
import dev.simul.runner.Mode;
import dev.simul.runner.Runners;
import org.junit.jupiter.api.Test;

/** The worker bounds and defaults of the commands come from what a mode says of its workers, not from its name. */
class OptionsTest {

    static final int PROCESSORS = Runtime.getRuntime().availableProcessors();

    /** A mode known by nothing but whether its workers are processes. */
    static Mode mode(boolean processes) {
        return FakeMode.of(processes, 1);
    }

    @Test
    void everyModeIsBoundedByItsOwnBoundAndTheCommonOne() {
        for (String name : Runners.modes()) {
            Mode mode = Runners.mode(name);
            assertThat(Options.maxWorkers(name)).as(name).isEqualTo(mode.workerIsProcess()
                    ? Mode.MAX_PROCESSES_PER_PROCESSOR * PROCESSORS : Options.MAX_WORKERS);
        }
        assertThat(Options.maxWorkers("processes")).isEqualTo(4 * PROCESSORS);
        assertThat(Options.maxWorkers("cluster")).isEqualTo(4 * PROCESSORS);
        assertThat(Options.maxWorkers("threads")).isEqualTo(10_000);
    }

    @Test
    void fetchGivesAModeOfWorkerProcessesAtMostOnePerProcessor() {
        assertThat(FetchCommand.defaultConcurrency(mode(true))).isEqualTo(Math.min(16, PROCESSORS));
        assertThat(FetchCommand.defaultConcurrency(mode(false))).isEqualTo(16);
        // Before, cluster got 16: above its own bound on a machine of fewer than 4 processors, so plain
        // `simul fetch --mode cluster` was refused there.
        assertThat(FetchCommand.defaultConcurrency(Runners.mode("cluster")))
                .isLessThanOrEqualTo(Options.maxWorkers("cluster"));
        assertThat(FetchCommand.defaultConcurrency(Runners.mode("processes"))).isEqualTo(Math.min(16, PROCESSORS));
    }
}
