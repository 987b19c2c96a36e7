package dev.simul.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simul.process.ProcessesMode;
import org.junit.jupiter.api.Test;

class ModeTest {

    /** A mode that overrides nothing it need not. */
    static final class Plain extends Mode {
        Plain() {
            super("plain", "nothing", 99);
        }

        @Override
        public int defaultWorkers() {
            return 1;
        }

        @Override
        public Runner create(int workers) {
            return new SequentialRunner();
        }
    }

    @Test
    void aModesWorkersAreThreadsUnboundedByTheModeUnlessItSaysTheyAreProcesses() {
        Mode plain = new Plain();
        assertThat(plain.workerIsProcess()).isFalse();
        assertThat(plain.maxWorkers()).isEqualTo(Runner.UNBOUNDED);
    }

    @Test
    void workerProcessesAreBoundedPerProcessor() {
        Mode processes = Runners.mode(ProcessesMode.NAME);
        assertThat(processes.workerIsProcess()).isTrue();
        assertThat(processes.maxWorkers())
                .isEqualTo(Mode.MAX_PROCESSES_PER_PROCESSOR * Runtime.getRuntime().availableProcessors());
        for (String name : Runners.modes()) {
            if (!name.equals(ProcessesMode.NAME)) {
                assertThat(Runners.mode(name).workerIsProcess()).as(name).isFalse();
            }
        }
    }
}
