package dev.simul.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * What a runner that returns from {@code submit} before the task ends promises on top of {@link RunnerContract}:
 * tasks overlap, time out, and can be cancelled while they run. Overlap is proven with barriers, never with timing.
 */
abstract class ConcurrentRunnerContract extends RunnerContract {

    /** A generous bound for a barrier that all tasks reach only if they run at the same time. */
    private static final long BARRIER_SECONDS = 20;

    @Test
    void workersRunTheirTasksAtTheSameTime() throws Exception {
        int workers = 4;
        CyclicBarrier everyone = new CyclicBarrier(workers);
        try (Runner runner = newRunner(workers)) {
            // Each task returns only once all have arrived: impossible unless they all run at once.
            List<Integer> arrivals = runner.map(i -> everyone.await(BARRIER_SECONDS, TimeUnit.SECONDS),
                    List.of(0, 1, 2, 3));
            assertThat(arrivals).containsExactlyInAnyOrder(0, 1, 2, 3);
        }
    }

    @Test
    void getWithATimeoutGivesUpButTheTaskGoesOn() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (Runner runner = newRunner(1)) {
            Handle<String> handle = runner.submit(() -> {
                release.await();
                return "late";
            });
            assertThatThrownBy(() -> handle.get(10, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            release.countDown();
            assertThat(handle.get()).isEqualTo("late");
        }
    }

    @Test
    void cancelInterruptsARunningTask() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        try (Runner runner = newRunner(1)) {
            Handle<String> handle = runner.submit(() -> {
                started.countDown();
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                }
                return "never";
            });
            started.await();
            assertThat(handle.cancel(true)).isTrue();
            assertThat(interrupted.await(BARRIER_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(handle.isCancelled()).isTrue();
            assertThat(handle.state()).isEqualTo(Future.State.CANCELLED);
            assertThatThrownBy(handle::get).isInstanceOf(CancellationException.class);
        }
    }

    @Test
    void mapFailsFastAndCancelsTheUnfinishedTasks() throws Exception {
        CountDownLatch blocking = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        try (Runner runner = newRunner(2)) {
            assertThatThrownBy(() -> runner.map(i -> {
                if (i == 1) {
                    blocking.await(); // fail only once the other task runs, so that it must be interrupted
                    throw new IllegalStateException("fails first");
                }
                blocking.countDown();
                try {
                    new CountDownLatch(1).await(); // would block forever if map waited for it
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                }
                return i;
            }, List.of(0, 1))).isInstanceOf(ExecutionException.class).cause().hasMessage("fails first");
            assertThat(interrupted.await(BARRIER_SECONDS, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void shutdownNowCancelsRunningAndQueuedTasksAndReturnsTheQueuedOnes() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Runner runner = newRunner(1);
        List<Handle<Integer>> handles = new ArrayList<>();
        handles.add(runner.submit(() -> {
            started.countDown();
            new CountDownLatch(1).await();
            return 0;
        }));
        started.await();
        for (int i = 1; i <= 3; i++) {
            int n = i;
            handles.add(runner.submit(() -> n));
        }
        List<Runnable> neverStarted = runner.shutdownNow();
        assertThat(runner.awaitTermination(BARRIER_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(handles).allMatch(Future::isCancelled);
        assertThat(neverStarted).hasSize(3);
    }

    @Test
    void closeCalledFromAnInterruptedThreadCancelsTheWork() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Runner runner = newRunner(1);
        Handle<Integer> stuck = runner.submit(() -> {
            started.countDown();
            new CountDownLatch(1).await();
            return 0;
        });
        started.await();
        Thread.currentThread().interrupt();
        runner.close();
        assertThat(Thread.interrupted()).as("close keeps the interrupt").isTrue();
        assertThat(stuck.isCancelled()).isTrue();
        assertThat(runner.isTerminated()).isTrue();
    }
}
