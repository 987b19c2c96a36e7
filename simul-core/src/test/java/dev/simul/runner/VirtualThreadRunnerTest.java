package dev.simul.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The mode beyond the runner contract, which simul-testkit runs on every mode. */
class VirtualThreadRunnerTest {

    private static Runner newRunner(int workers) {
        return Runners.virtual(workers);
    }

    @Test
    void tasksRunOnVirtualThreads() throws Exception {
        try (Runner runner = Runners.virtual()) {
            assertThat(runner.submit(() -> Thread.currentThread().isVirtual()).get()).isTrue();
            assertThat(runner.workers()).isEqualTo(Runner.UNBOUNDED);
        }
    }

    @Test
    void anUnboundedRunnerRunsAThousandBlockedTasksAtOnce() throws Exception {
        int tasks = 1000;
        CyclicBarrier everyone = new CyclicBarrier(tasks);
        try (Runner runner = Runners.virtual()) {
            List<Integer> arrivals = runner.map(i -> everyone.await(20, TimeUnit.SECONDS),
                    IntStream.range(0, tasks).boxed().toList());
            assertThat(arrivals).hasSize(tasks).doesNotHaveDuplicates();
        }
    }

    @Test
    void withALimitQueuedTasksStartInSubmissionOrder() throws Exception {
        List<Integer> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Runner runner = Runners.virtual(1)) {
            runner.map(i -> order.add(i), IntStream.range(0, 200).boxed().toList());
        }
        assertThat(order).isEqualTo(IntStream.range(0, 200).boxed().toList());
    }

    @Test
    void theRunnerIsNotTerminatedWhileACancelledTaskStillRuns() throws Exception {
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Runner runner = Runners.virtual();
        Handle<String> stubborn = runner.submit(() -> {
            started.countDown();
            while (true) {
                try {
                    release.await(); // ignores interrupts until released
                    return "done";
                } catch (InterruptedException e) {
                    // keep waiting
                }
            }
        });
        started.await();
        stubborn.cancel(true);
        runner.shutdown();
        assertThat(stubborn.isCancelled()).isTrue();
        assertThat(runner.isTerminated()).as("its virtual thread still runs").isFalse();
        release.countDown();
        assertThat(runner.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
        assertThat(runner.isTerminated()).isTrue();
    }

    @Test
    void theLimitBoundsHowManyTasksRunAtOnce() throws Exception {
        int limit = 3;
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CyclicBarrier fullHouse = new CyclicBarrier(limit);
        try (Runner runner = Runners.virtual(limit)) {
            runner.map(i -> {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                fullHouse.await(20, TimeUnit.SECONDS); // groups of exactly `limit` meet here
                running.decrementAndGet();
                return i;
            }, IntStream.range(0, 4 * limit).boxed().toList());
        }
        assertThat(most).hasValue(limit);
    }
}
