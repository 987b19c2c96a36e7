package dev.simul.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simul.runner.Handle;
import dev.simul.runner.Runner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * What a runner whose {@code submit} returns before the task ends promises on top of {@link RunnerContract}: tasks
 * overlap, time out, and are cancelled as {@link Future#cancel} says: {@code cancel(true)} interrupts a running task
 * (on the loop: a {@link CancellationException} at its next wait), {@code cancel(false)} lets it finish, and a task
 * cancelled before it started never runs. {@link Runner#shutdownNow()} returns exactly the tasks that never started.
 */
public abstract class ConcurrentRunnerContract extends RunnerContract {

    @Test
    public void workersRunTheirTasksAtTheSameTime() throws Exception {
        Barrier everyone = Barrier.in(signals, "barrier", 4);
        try (Runner runner = newRunner(4)) {
            // Each task returns only once all have arrived: impossible unless they all run at once.
            List<Integer> arrivals = runner.map(i -> everyone.arrive(i, PATIENCE), List.of(0, 1, 2, 3));
            assertThat(arrivals).containsExactly(0, 1, 2, 3);
        }
    }

    /** A probe of this test called {@code name}, released by {@code release}, returning {@code result}. */
    protected Probe probe(String name, Signal release, int result) {
        return Probe.in(signals, name, release, result);
    }

    @Test
    public void getWithATimeoutGivesUpButTheTaskGoesOn() throws Exception {
        Signal release = signal("release");
        try (Runner runner = newRunner(1)) {
            Handle<Integer> handle = runner.submit(probe("task", release, 7));
            assertThatThrownBy(() -> handle.get(10, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            assertThat(handle.isDone()).isFalse();
            release.fire();
            assertThat(handle.get()).isEqualTo(7);
        }
    }

    @Test
    public void cancelTrueInterruptsARunningTask() throws Exception {
        Probe task = probe("task", signal("never"), 1);
        try (Runner runner = newRunner(1)) {
            Handle<Integer> handle = runner.submit(task);
            assertThat(task.started().await(PATIENCE)).isTrue();
            assertThat(handle.cancel(true)).isTrue();
            assertThat(handle.isCancelled()).isTrue();
            assertThat(handle.isDone()).isTrue();
            assertThat(handle.state()).isEqualTo(Future.State.CANCELLED);
            assertThatThrownBy(handle::get).isInstanceOf(CancellationException.class);
            assertThat(handle.cancel(true)).as("cancelling again").isFalse();
            assertThat(task.interrupted().await(PATIENCE)).isTrue();
        }
    }

    @Test
    public void cancelFalseLetsARunningTaskFinish() throws Exception {
        Signal release = signal("release");
        Probe task = probe("task", release, 1);
        try (Runner runner = newRunner(1)) {
            Handle<Integer> handle = runner.submit(task);
            assertThat(task.started().await(PATIENCE)).isTrue();
            assertThat(handle.cancel(false)).isTrue();
            assertThat(handle.isCancelled()).isTrue();
            assertThatThrownBy(handle::get).isInstanceOf(CancellationException.class);
            release.fire();
            assertThat(task.finished().await(PATIENCE)).as("in-progress tasks are allowed to complete").isTrue();
            assertThat(task.interrupted().fired()).isFalse();
        }
    }

    @Test
    public void aCancelledTaskThatRunsOnKeepsTheRunnerFromTerminating() throws Exception {
        Signal release = signal("release");
        Probe task = probe("task", release, 1);
        Runner runner = newRunner(1);
        Handle<Integer> handle = runner.submit(task);
        assertThat(task.started().await(PATIENCE)).isTrue();
        assertThat(handle.cancel(false)).isTrue();
        runner.shutdown();
        assertThat(runner.isTerminated()).as("its task still runs").isFalse();
        assertThat(runner.awaitTermination(10, TimeUnit.MILLISECONDS)).isFalse();
        release.fire();
        assertThat(runner.awaitTermination(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(runner.isTerminated()).isTrue();
        assertThat(task.finished().fired()).isTrue();
    }

    @Test
    public void aTaskCancelledBeforeItStartsNeverRuns() throws Exception {
        Signal release = signal("release");
        Probe busy = probe("busy", release, 1);
        Probe queued = probe("queued", release, 2);
        Runner runner = newRunner(1);
        Handle<Integer> busyHandle = runner.submit(busy);
        assertThat(busy.started().await(PATIENCE)).isTrue();
        Handle<Integer> queuedHandle = runner.submit(queued);
        boolean cancelled = queuedHandle.cancel(false);
        release.fire();
        runner.close();
        assertThat(busyHandle.resultNow()).isEqualTo(1);
        // Where a task starts as soon as it is submitted (the loop's coroutines), it may have run already.
        assertThat(cancelled).isEqualTo(!queuedHandle.state().equals(Future.State.SUCCESS));
        if (cancelled) {
            assertThat(queuedHandle.isCancelled()).isTrue();
            assertThat(queued.started().fired()).as("a task cancelled before it started").isFalse();
        }
    }

    @Test
    public void mapFailsFastAndCancelsTheUnfinishedTasks() throws Exception {
        Signal never = signal("never");
        Signal blocking = signal("blocking");
        Signal interrupted = signal("interrupted");
        try (Runner runner = newRunner(2)) {
            assertThatThrownBy(() -> runner.map(i -> {
                if (i == 1) {
                    blocking.await(); // fail only once the other task runs, so that it must be interrupted
                    throw new IllegalStateException("fails first");
                }
                blocking.fire();
                try {
                    never.await(); // would block forever if map waited for it
                } catch (InterruptedException | CancellationException e) {
                    interrupted.fire();
                    throw e;
                }
                return i;
            }, List.of(0, 1))).isInstanceOf(ExecutionException.class).cause().hasMessage("fails first");
            assertThat(interrupted.await(PATIENCE)).isTrue();
        }
    }

    @Test
    public void shutdownNowCancelsEveryTaskAndReturnsExactlyThoseThatNeverStarted() throws Exception {
        Signal release = signal("release");
        List<Probe> tasks = new ArrayList<>();
        Runner runner = newRunner(1);
        List<Handle<Integer>> handles = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Probe task = probe("task-" + i, release, i);
            tasks.add(task);
            handles.add(runner.submit(task));
            if (i == 0) {
                assertThat(task.started().await(PATIENCE)).isTrue(); // the others queue behind it where they can
            }
        }
        List<Runnable> neverStarted = runner.shutdownNow();
        assertThat(runner.isShutdown()).isTrue();
        assertThat(runner.awaitTermination(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(handles).allMatch(Future::isCancelled);
        long started = tasks.stream().filter(t -> t.started().fired()).count();
        assertThat(started + neverStarted.size()).as("started, plus returned as never started").isEqualTo(4);
        if (runner.workers() == 1 && started == 1) {
            assertThat(neverStarted).hasSize(3);
        }
        // Running a returned task runs the original task, here in the caller's thread.
        release.fire();
        for (Runnable task : neverStarted) {
            task.run();
        }
        assertThat(tasks).allMatch(t -> t.started().fired());
    }

    @Test
    public void shutdownLetsQueuedTasksFinish() throws Exception {
        Signal release = signal("release");
        Runner runner = newRunner(1);
        List<Handle<Integer>> handles = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            handles.add(runner.submit(probe("task-" + i, release, i)));
        }
        runner.shutdown();
        assertThat(runner.isTerminated()).isFalse();
        assertThat(runner.awaitTermination(10, TimeUnit.MILLISECONDS)).isFalse();
        release.fire();
        assertThat(runner.awaitTermination(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(runner.isTerminated()).isTrue();
        assertThat(handles.stream().map(Handle::resultNow)).containsExactly(1, 2, 3);
    }

    @Test
    public void invokeAllWithATimeoutCancelsWhatIsNotDone() throws Exception {
        Signal never = signal("never");
        try (Runner runner = newRunner(2)) {
            Callable<String> quick = task(() -> "quick");
            Callable<String> stuck = task(() -> {
                never.await();
                return "never";
            });
            List<Future<String>> done = runner.invokeAll(List.of(quick, stuck), 200, TimeUnit.MILLISECONDS);
            assertThat(done).hasSize(2).allMatch(Future::isDone);
            assertThat(done.get(1).isCancelled()).isTrue();
            if (!done.get(0).isCancelled()) {
                assertThat(done.get(0).resultNow()).isEqualTo("quick");
            }
        }
    }

    @Test
    public void invokeAnyWithATimeoutGivesUpWhenNoneSucceeds() throws Exception {
        Signal never = signal("never");
        try (Runner runner = newRunner(2)) {
            Callable<String> stuck = task(() -> {
                never.await();
                return "never";
            });
            assertThatThrownBy(() -> runner.invokeAny(List.of(stuck, stuck), 50, TimeUnit.MILLISECONDS))
                    .isInstanceOf(TimeoutException.class);
            // As the TCK's invokeAny3: a null task after one that cannot finish is found, not waited past.
            assertThatThrownBy(() -> runner.invokeAny(java.util.Arrays.asList(stuck, null)))
                    .isInstanceOf(NullPointerException.class);
        }
    }

    @Test
    public void closeCalledFromAnInterruptedThreadCancelsTheWork() throws Exception {
        Probe task = probe("task", signal("never"), 0);
        Runner runner = newRunner(1);
        Handle<Integer> stuck = runner.submit(task);
        assertThat(task.started().await(PATIENCE)).isTrue();
        Thread.currentThread().interrupt();
        runner.close();
        assertThat(Thread.interrupted()).as("close keeps the interrupt").isTrue();
        assertThat(stuck.isCancelled()).isTrue();
        assertThat(runner.isTerminated()).isTrue();
    }
}
