package dev.simul.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simul.loop.LoopMode;
import dev.simul.runner.Runner;
import dev.simul.runner.Runners;
import dev.simul.runner.SequentialMode;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The runner contract, run on every mode registered on the class path: simul-core's six, and whatever a jar on
 * this module's test class path adds. Sequential runs each task inside {@code submit}, so it passes the part of
 * the contract that allows for that; every other mode passes all of it.
 */
class EveryModeTest {

    /** The modes whose {@code submit} returns before the task ends. */
    static List<String> concurrentModes() {
        return Runners.modes().stream().filter(m -> !m.equals(SequentialMode.NAME)).toList();
    }

    @Test
    void coreBringsItsSixModes() {
        assertThat(Runners.modes()).startsWith("sequential", "threads", "virtual", "loop", "auto", "processes");
        assertThat(concurrentModes()).hasSize(Runners.modes().size() - 1);
    }

    @Nested
    class Sequential extends RunnerContract {
        @Override
        protected Runner newRunner(int workers) {
            return Runners.of(SequentialMode.NAME, workers);
        }
    }

    @Nested
    @ParameterizedClass(name = "{0}")
    @MethodSource("dev.simul.testkit.EveryModeTest#concurrentModes")
    class Concurrent extends ConcurrentRunnerContract {
        @Parameter
        String mode;

        @Override
        protected Runner newRunner(int workers) {
            Runner runner = Runners.of(mode, workers);
            assertThat(runner.mode()).isEqualTo(mode);
            return runner;
        }

        @Override
        protected boolean startsTasksAtOnce() {
            return mode.equals(LoopMode.NAME);
        }
    }
}
