package dev.simul.runner;

import dev.simul.loop.LoopMode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RunnersTest {

    @Test
    void createsEveryModeByName() {
        for (String mode : Runners.modes()) {
            try (Runner runner = Runners.of(mode, 3)) {
                assertThat(runner.mode()).isEqualTo(mode);
                boolean single = mode.equals(SequentialMode.NAME) || mode.equals(LoopMode.NAME);
                // auto, undecided, runs one task per core at first, within its cap
                int expected = single ? 1 : mode.equals(AutoMode.NAME)
                        ? Math.min(3, Runtime.getRuntime().availableProcessors()) : 3;
                assertThat(runner.workers()).isEqualTo(expected);
            }
            try (Runner runner = Runners.of(mode)) {
                assertThat(runner.mode()).isEqualTo(mode);
            }
        }
    }

    @Test
    void rejectsUnknownModesAndWorkerCountsBelowOne() {
        assertThatThrownBy(() -> Runners.of("fibers", 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown mode 'fibers'; modes: sequential, threads, virtual, loop, auto, processes");
        assertThatThrownBy(() -> Runners.of("threads", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> Runners.virtual(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
