package dev.simul.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simul.runner.Handle;
import dev.simul.runner.Runner;
import dev.simul.task.Wait;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The {@code loop} mode beyond the runner contract (simul-testkit runs that): what coroutines on one thread promise. */
class LoopRunnerTest {

    private static Runner newRunner(int workers) {
        return new LoopRunner();
    }

    @Test
    void tasksInterleaveAtTheirWaitsOnOneThread() throws Exception {
        int tasks = 50;
        AtomicInteger arrived = new AtomicInteger();
        try (Runner runner = newRunner(1)) {
            // Each task waits until all have arrived: only possible if each yields at its waits.
            List<Thread> threads = runner.map(i -> {
                arrived.incrementAndGet();
                while (arrived.get() < tasks) {
                    Wait.sleep(Duration.ZERO);
                }
                return Thread.currentThread();
            }, IntStream.range(0, tasks).boxed().toList());
            assertThat(Set.copyOf(threads)).singleElement().satisfies(t -> {
                assertThat(t.getName()).startsWith("simul-loop-");
                assertThat(t.isVirtual()).isFalse();
            });
        }
    }

    @Test
    void cancelArrivesAtTheTasksWait() throws Exception {
        CountDownLatch cleanedUp = new CountDownLatch(1);
        CountDownLatch sleeping = new CountDownLatch(1);
        try (Runner runner = newRunner(1)) {
            Handle<String> handle = runner.submit(() -> {
                try {
                    sleeping.countDown();
                    Wait.sleep(Duration.ofDays(1));
                    return "woke";
                } finally {
                    cleanedUp.countDown();
                }
            });
            sleeping.await();
            assertThatThrownBy(() -> handle.get(10, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            assertThat(handle.cancel(true)).isTrue();
            assertThat(cleanedUp.await(20, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(handle::get).isInstanceOf(CancellationException.class);
        }
    }

    @Test
    void shutdownNowCancelsSleepingTasksAndTheLoopStops() throws Exception {
        Runner runner = newRunner(1);
        List<Handle<String>> handles = runner.submitAll(i -> {
            Wait.sleep(Duration.ofDays(1));
            return "woke";
        }, List.of(1, 2, 3));
        runner.shutdownNow();
        assertThat(runner.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
        assertThat(handles).allMatch(Handle::isCancelled);
        runner.close(); // close, unlike awaitTermination, also waits for the loop's thread to end
        assertThat(((LoopRunner) runner).loop().isClosed()).isTrue();
    }
}
