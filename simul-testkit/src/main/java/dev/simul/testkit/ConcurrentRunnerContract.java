package dev.simul.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.simul.runner.Handle;
import dev.simul.runner.Runner;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
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

    /**
     * Whether the runner starts every task as soon as it is submitted, whatever its worker count (the loop's
     * coroutines, which take turns on one thread): then a task cancelled right after its submission may already
     * run. False by default: a task submitted while every worker is busy waits, and cancelled then, never starts.
     */
    protected boolean startsTasksAtOnce() {
        return false;
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
        // Where a task starts as soon as it is submitted (the loop's coroutines), it may have run already, or be
        // running: cancel(false) then lets it finish, as Future.cancel says.
        assertThat(cancelled).isEqualTo(!queuedHandle.state().equals(Future.State.SUCCESS));
        if (cancelled) {
            assertThat(queuedHandle.isCancelled()).isTrue();
            if (!startsTasksAtOnce()) {
                assertThat(queued.started().fired()).as("a task cancelled before it started").isFalse();
            }
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

    @Test
    public void anExpiredTimeoutNeverWaits() throws Exception {
        Signal never = signal("never");
        Signal release = signal("release");
        Runner runner = newRunner(2);
        try {
            for (long timeout : new long[] {0, -1, Long.MIN_VALUE}) {
                Probe stuck = probe("stuck" + timeout, never, 0);
                assertTimeoutPreemptively(PATIENCE, () -> {
                    assertThat(runner.invokeAll(List.of(stuck), timeout, TimeUnit.NANOSECONDS))
                            .allMatch(Future::isCancelled);
                    assertThatThrownBy(() -> runner.invokeAny(List.of(stuck), timeout, TimeUnit.NANOSECONDS))
                            .isInstanceOf(TimeoutException.class);
                }, "invokeAll and invokeAny with a timeout of " + timeout + " ns");
            }
            Probe runsOn = probe("runs-on", release, 1);
            Handle<Integer> handle = runner.submit(runsOn);
            assertThat(runsOn.started().await(PATIENCE)).isTrue();
            assertThat(handle.cancel(false)).isTrue();
            runner.shutdown();
            for (long timeout : new long[] {0, -1, Long.MIN_VALUE}) {
                assertTimeoutPreemptively(PATIENCE,
                        () -> assertThat(runner.awaitTermination(timeout, TimeUnit.NANOSECONDS)).isFalse(),
                        "awaitTermination with a timeout of " + timeout + " ns, a cancelled task still running");
            }
        } finally {
            release.fire();
            runner.shutdownNow();
        }
        assertThat(runner.awaitTermination(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    @Test
    public void cancellingFromAnInterruptedThreadStillInterruptsTheTask() throws Exception {
        Probe task = probe("task", signal("never"), 0);
        try (Runner runner = newRunner(1)) {
            assertThat(runner.submit(() -> 1).get()).isEqualTo(1); // warm: a worker process, if any, is connected
            Handle<Integer> handle = runner.submit(task);
            assertThat(task.started().await(PATIENCE)).isTrue();
            Thread.currentThread().interrupt();
            try {
                assertThat(handle.cancel(true)).isTrue();
            } finally {
                assertThat(Thread.interrupted()).as("cancel leaves the caller's interrupt status alone").isTrue();
            }
            assertThat(task.interrupted().await(PATIENCE)).as("the cancelled task sees its interrupt").isTrue();
            assertThat(runner.submit(() -> 3).get()).isEqualTo(3);
        }
    }

    @Test
    public void pendingAndCancelledHandlesFollowTheFutureRules() throws Exception {
        Signal release = signal("release");
        Probe task = probe("task", release, 1);
        Runner runner = newRunner(1);
        Handle<Integer> handle = runner.submit(task);
        assertThat(task.started().await(PATIENCE)).isTrue();
        assertThat(handle.state()).isEqualTo(Future.State.RUNNING);
        assertThatThrownBy(handle::resultNow).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(handle::exceptionNow).isInstanceOf(IllegalStateException.class);
        for (long timeout : new long[] {0, -1, Long.MIN_VALUE}) {
            assertThatThrownBy(() -> handle.get(timeout, TimeUnit.NANOSECONDS)).isInstanceOf(TimeoutException.class);
        }
        assertThatThrownBy(() -> handle.get(1, null)).isInstanceOf(NullPointerException.class);

        AtomicReference<Throwable> waiterSaw = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                handle.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            } catch (Throwable t) {
                waiterSaw.set(t);
            }
        });
        assertThat(handle.cancel(false)).isTrue();
        assertThat(waiter.join(PATIENCE)).isTrue();
        assertThat(waiterSaw.get()).as("a thread waiting in get").isInstanceOf(CancellationException.class);
        assertThat(handle.state()).isEqualTo(Future.State.CANCELLED);
        assertThatThrownBy(handle::resultNow).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(handle::exceptionNow).isInstanceOf(IllegalStateException.class);

        release.fire();
        runner.close(); // the task runs to its end: its result must not replace the cancellation
        assertThat(task.finished().fired()).isTrue();
        assertThat(handle.state()).isEqualTo(Future.State.CANCELLED);
        assertThatThrownBy(handle::get).isInstanceOf(CancellationException.class);
        assertThatThrownBy(handle::resultNow).isInstanceOf(IllegalStateException.class);
        assertThat(handle.cancel(true)).isFalse();
    }

    /**
     * Interrupts {@code target} once it blocks in a method called {@code method}, as the JDK's InvokeTest does;
     * interrupt the returned thread to stop it looking.
     */
    protected static Thread interruptWhenBlockedIn(Thread target, String method) {
        return Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.State state = target.getState();
                if ((state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING)
                        && Arrays.stream(target.getStackTrace()).anyMatch(e -> e.getMethodName().equals(method))) {
                    target.interrupt();
                    return;
                }
                LockSupport.parkNanos(1_000_000);
            }
        });
    }

    @Test
    public void getIsInterruptible() throws Exception {
        Signal release = signal("release");
        try (Runner runner = newRunner(1)) {
            Handle<Integer> handle = runner.submit(probe("task", release, 7));
            Thread.currentThread().interrupt();
            assertThatThrownBy(handle::get).isInstanceOf(InterruptedException.class);
            assertThat(Thread.currentThread().isInterrupted()).as("get clears the interrupt it reports").isFalse();
            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> handle.get(PATIENCE.toSeconds(), TimeUnit.SECONDS))
                    .isInstanceOf(InterruptedException.class);
            assertThat(Thread.interrupted()).isFalse();
            Thread interrupter = interruptWhenBlockedIn(Thread.currentThread(), "get");
            try {
                assertThatThrownBy(handle::get).isInstanceOf(InterruptedException.class);
            } finally {
                Thread.interrupted();
                interrupter.interrupt();
                interrupter.join();
            }
            assertThat(handle.isDone()).as("the caller's interrupt is not the task's").isFalse();
            release.fire();
            assertThat(handle.get()).isEqualTo(7);
        }
    }

    @FunctionalInterface
    protected interface Invocation {
        void invoke(List<Probe> tasks) throws Exception;
    }

    /** {@code invocation} of two stuck probes throws InterruptedException, clears it, and stops what it started. */
    private void assertInterruptible(String name, boolean interruptFirst, String method, Invocation invocation)
            throws Exception {
        Signal never = signal(name + "-never");
        List<Probe> tasks = List.of(probe(name + "-0", never, 0), probe(name + "-1", never, 1));
        Thread interrupter = null;
        if (interruptFirst) {
            Thread.currentThread().interrupt();
        } else {
            interrupter = interruptWhenBlockedIn(Thread.currentThread(), method);
        }
        try {
            assertThatThrownBy(() -> invocation.invoke(tasks)).as(name).isInstanceOf(InterruptedException.class);
            assertThat(Thread.currentThread().isInterrupted()).as(name + " clears the interrupt").isFalse();
        } finally {
            Thread.interrupted();
            if (interrupter != null) {
                interrupter.interrupt();
                interrupter.join();
            }
        }
        for (Probe task : tasks) {
            if (task.started().fired()) {
                assertThat(task.interrupted().await(PATIENCE)).as(name + ": a task it started is stopped").isTrue();
            }
        }
    }

    @Test
    public void invokeAllAndInvokeAnyAreInterruptibleAndStopWhatTheyStarted() throws Exception {
        try (Runner runner = newRunner(2)) {
            assertInterruptible("all-set", true, "invokeAll", runner::invokeAll);
            assertInterruptible("all-while", false, "invokeAll", runner::invokeAll);
            assertInterruptible("timed-all-set", true, "invokeAll", t -> runner.invokeAll(t, 1, TimeUnit.DAYS));
            assertInterruptible("timed-all-while", false, "invokeAll", t -> runner.invokeAll(t, 1, TimeUnit.DAYS));
            assertInterruptible("any-set", true, "invokeAny", runner::invokeAny);
            assertInterruptible("any-while", false, "invokeAny", runner::invokeAny);
            assertInterruptible("timed-any-set", true, "invokeAny", t -> runner.invokeAny(t, 1, TimeUnit.DAYS));
            assertInterruptible("timed-any-while", false, "invokeAny", t -> runner.invokeAny(t, 1, TimeUnit.DAYS));
        }
    }

    @Test
    public void invokeAnyStopsTheTasksThatDidNotWin() throws Exception {
        Signal never = signal("never");
        Probe loser = probe("loser", never, 0);
        try (Runner runner = newRunner(2)) {
            Callable<Integer> winner = task(() -> {
                loser.started().await(); // win only once the loser runs, so that it must be stopped
                return 1;
            });
            assertThat(runner.invokeAny(List.of(winner, loser))).isEqualTo(1);
            assertThat(loser.interrupted().await(PATIENCE)).as("upon return, unfinished tasks are cancelled").isTrue();

            List<Probe> stuck = List.of(probe("stuck-0", never, 0), probe("stuck-1", never, 1));
            assertThatThrownBy(() -> runner.invokeAny(stuck, 50, TimeUnit.MILLISECONDS))
                    .isInstanceOf(TimeoutException.class);
            for (Probe task : stuck) {
                if (task.started().fired()) {
                    assertThat(task.interrupted().await(PATIENCE)).as("a task started before the timeout").isTrue();
                }
            }
        }
    }

    @Test
    public void closeInterruptedWhileItWaitsStopsTheWorkAndKeepsTheInterrupt() throws Exception {
        Probe running = probe("running", signal("never"), 0);
        Probe queued = probe("queued", signal("go"), 1);
        Runner runner = newRunner(1);
        Handle<Integer> runningHandle = runner.submit(running);
        Handle<Integer> queuedHandle = runner.submit(queued);
        assertThat(running.started().await(PATIENCE)).isTrue();
        runner.shutdown();
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> runner.awaitTermination(PATIENCE.toSeconds(), TimeUnit.SECONDS))
                .as("awaitTermination is interruptible").isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();

        Thread interrupter = interruptWhenBlockedIn(Thread.currentThread(), "close");
        try {
            runner.close();
            assertThat(Thread.currentThread().isInterrupted()).as("close re-asserts the interrupt").isTrue();
        } finally {
            Thread.interrupted();
            interrupter.interrupt();
            interrupter.join();
        }
        assertThat(runner.isTerminated()).isTrue();
        assertThat(runner.awaitTermination(10, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(runningHandle.isCancelled()).isTrue();
        assertThat(queuedHandle.isCancelled()).isTrue();
        // Tasks that were awaiting execution are not executed; one that started at once (a coroutine) is stopped.
        assertThat(!queued.started().fired() || queued.interrupted().fired()).isTrue();
    }

    @Test
    public void workIsRefusedWhileShutDownButNotYetTerminated() throws Exception {
        Signal release = signal("release");
        Probe task = probe("task", release, 1);
        Runner runner = newRunner(1);
        Handle<Integer> handle = runner.submit(task);
        assertThat(task.started().await(PATIENCE)).isTrue();
        runner.shutdown();
        assertEverySubmissionIsRejected(runner);
        assertThat(runner.isTerminated()).isFalse();
        release.fire();
        assertThat(runner.awaitTermination(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(handle.resultNow()).isEqualTo(1);
    }

    @Test
    public void runnablesAreInterruptedByCancelAndShutdownNowToo() throws Exception {
        Probe first = probe("first", signal("never"), 0);
        Probe second = probe("second", signal("never"), 0);
        Runner runner = newRunner(2);
        Handle<?> submitted = runner.submit((Runnable & Serializable) () -> {
            try {
                first.call();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(first.started().await(PATIENCE)).isTrue();
        assertThat(submitted.cancel(true)).isTrue();
        assertThat(first.interrupted().await(PATIENCE)).as("submit(Runnable), cancel(true)").isTrue();
        runner.execute((Runnable & Serializable) () -> {
            try {
                second.call();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(second.started().await(PATIENCE)).isTrue();
        runner.shutdownNow();
        assertThat(second.interrupted().await(PATIENCE)).as("execute(Runnable), shutdownNow").isTrue();
        assertThat(runner.awaitTermination(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }
}
