package dev.simul.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The mode beyond the runner contract, which simul-testkit runs on every mode. */
class ThreadPoolRunnerTest {

    private static Runner newRunner(int workers) {
        return Runners.threads(workers);
    }

    @Test
    void tasksRunOnTheNamedPlatformThreadsOfThePool() throws Exception {
        CyclicBarrier both = new CyclicBarrier(2);
        try (Runner runner = newRunner(2)) {
            List<Thread> threads = runner.map(i -> {
                both.await(20, TimeUnit.SECONDS);
                return Thread.currentThread();
            }, List.of(0, 1));
            assertThat(Set.copyOf(threads)).hasSize(2).allSatisfy(t -> {
                assertThat(t.isVirtual()).isFalse();
                assertThat(t.getName()).startsWith("simul-threads-");
            });
            assertThat(runner.workers()).isEqualTo(2);
        }
    }

    @Test
    void defaultsToOneWorkerPerProcessor() {
        try (Runner runner = Runners.threads()) {
            assertThat(runner.workers()).isEqualTo(Runtime.getRuntime().availableProcessors());
        }
    }
}
