package dev.simul.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The mode beyond the runner contract, which simul-testkit runs on every mode. */
class SequentialRunnerTest {

    private static Runner newRunner(int workers) {
        return Runners.sequential();
    }

    @Test
    void runsEachTaskOnTheCallersThreadBeforeSubmitReturns() throws Exception {
        Thread caller = Thread.currentThread();
        try (Runner runner = newRunner(1)) {
            Handle<Thread> handle = runner.submit(Thread::currentThread);
            assertThat(handle.isDone()).isTrue();
            assertThat(handle.get()).isSameAs(caller);
            assertThat(runner.workers()).isEqualTo(1);
        }
    }

    @Test
    void mapStopsAtTheFirstFailure() {
        List<Integer> ran = new CopyOnWriteArrayList<>();
        try (Runner runner = newRunner(1)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> runner.map(i -> {
                ran.add(i);
                if (i == 1) {
                    throw new IllegalStateException("stop");
                }
                return i;
            }, List.of(0, 1, 2, 3))).hasCauseInstanceOf(IllegalStateException.class);
        }
        assertThat(ran).containsExactly(0, 1);
    }

    @Test
    void invokeAnyStopsAtTheFirstSuccess() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        try (Runner runner = newRunner(1)) {
            List<Callable<String>> tasks = List.of(() -> {
                ran.add("a");
                throw new IllegalStateException("a fails");
            }, () -> {
                ran.add("b");
                return "b";
            }, () -> {
                ran.add("c");
                return "c";
            });
            assertThat(runner.invokeAny(tasks)).isEqualTo("b");
        }
        assertThat(ran).containsExactly("a", "b");
    }
}
