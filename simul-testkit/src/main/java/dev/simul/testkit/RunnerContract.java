package dev.simul.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simul.runner.Handle;
import dev.simul.runner.Runner;
import dev.simul.task.Task;
import dev.simul.task.Wait;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link Runner} promises, whatever its mode: {@link java.util.concurrent.ExecutorService}'s and
 * {@link Future}'s contracts (as the JSR-166 TCK checks them) and simul's own ({@link Runner}, {@link Handle}).
 * A mode's test extends this class, or {@link ConcurrentRunnerContract} if {@code submit} returns before the task
 * ends, and implements {@link #newRunner}; a mode passes it before it is registered.
 *
 * <p>Every task here is portable ({@link Task}): serializable, it returns its result, waits through {@link Wait},
 * and signals the test through {@link Signal} files rather than shared variables, so the same suite runs on a loop,
 * in worker processes and on a cluster. Nothing here times anything: concurrency is proven with barriers, and a
 * timeout only ever bounds a wait for something that must happen.
 */
@Timeout(120)
public abstract class RunnerContract {

    /** A bound on waits for what must happen; never reached unless the runner is broken. */
    protected static final Duration PATIENCE = Duration.ofSeconds(60);

    /** A folder of this test's own, for its signals. */
    @TempDir
    protected Path signals;

    /** A runner of the mode under test with {@code workers} workers (a mode of fixed size ignores it). */
    protected abstract Runner newRunner(int workers);

    /** A new signal of this test. */
    protected Signal signal(String name) {
        return Signal.in(signals, name);
    }

    @Test
    public void submitReturnsTheTaskResult() throws Exception {
        try (Runner runner = newRunner(2)) {
            Handle<Integer> handle = runner.submit(() -> 6 * 7);
            assertThat(handle.get()).isEqualTo(42);
            assertThat(handle.get(1, TimeUnit.SECONDS)).isEqualTo(42);
            assertThat(handle.state()).isEqualTo(Future.State.SUCCESS);
            assertThat(handle.resultNow()).isEqualTo(42);
            assertThat(handle.isDone()).isTrue();
            assertThat(handle.cancel(true)).as("cancelling a done task").isFalse();
            assertThat(handle.isCancelled()).isFalse();
        }
    }

    @Test
    public void runnablesAndCallablesRunToo() throws Exception {
        Signal ran = signal("ran");
        try (Runner runner = newRunner(2)) {
            assertThat(runner.submit((Runnable & Serializable) ran::fire).get()).isNull();
            assertThat(ran.fired()).isTrue();
            assertThat(runner.submit((Runnable & Serializable) () -> { }, "given").get()).isEqualTo("given");
            assertThat(runner.submit((Callable<String> & Serializable) () -> "called").get()).isEqualTo("called");
        }
    }

    @Test
    public void nullTasksAreRefused() throws Exception {
        try (Runner runner = newRunner(1)) {
            assertThatThrownBy(() -> runner.submit((Task<?>) null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> runner.submit((Runnable) null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> runner.execute(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> runner.invokeAll(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> runner.invokeAny(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> runner.map(null, List.of(1))).isInstanceOf(NullPointerException.class);
            List<Callable<Integer>> withNull = java.util.Arrays.asList(task(() -> 1), null);
            assertThatThrownBy(() -> runner.invokeAll(withNull)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> runner.invokeAll(List.of(task(() -> 1)), 1, null))
                    .isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> runner.invokeAny(List.of(task(() -> 1)), 1, null))
                    .isInstanceOf(NullPointerException.class);
        }
    }

    @Test
    public void mapKeepsInputOrderWhateverTheCompletionOrder() throws Exception {
        try (Runner runner = newRunner(4)) {
            List<Integer> inputs = IntStream.range(0, 8).boxed().toList();
            // Earlier inputs sleep longer, so where tasks overlap they tend to finish last.
            List<String> results = runner.map(i -> {
                Wait.sleep(Duration.ofMillis(5L * (8 - i)));
                return "r" + i;
            }, inputs);
            assertThat(results).containsExactly("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7");
            assertThat(runner.map(i -> i, List.of())).isEmpty();
        }
    }

    @Test
    public void mapInChunksKeepsInputOrderAndFailsWithTheTasksOwnException() throws Exception {
        try (Runner runner = newRunner(2)) {
            List<Integer> inputs = IntStream.range(0, 11).boxed().toList();
            assertThat(runner.map(i -> i * i, inputs, 3)).containsExactlyElementsOf(
                    inputs.stream().map(i -> i * i).toList());
            assertThat(runner.map(i -> i, List.of(), 4)).isEmpty();
            assertThatThrownBy(() -> runner.map(i -> {
                if (i == 7) {
                    throw new IOException("seven");
                }
                return i;
            }, inputs, 4)).isInstanceOf(ExecutionException.class).cause().isInstanceOf(IOException.class)
                    .hasMessage("seven");
            assertThatThrownBy(() -> runner.map(i -> i, inputs, 0)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    public void theTasksOwnExceptionIsTheCauseUnwrapped() throws Exception {
        try (Runner runner = newRunner(2)) {
            Handle<Object> handle = runner.submit((Task<Object>) () -> {
                throw new IOException("boom");
            });
            assertThatThrownBy(handle::get).isInstanceOf(ExecutionException.class).cause()
                    .isExactlyInstanceOf(IOException.class).hasMessage("boom");
            assertThat(handle.state()).isEqualTo(Future.State.FAILED);
            assertThat(handle.exceptionNow()).isExactlyInstanceOf(IOException.class).hasMessage("boom");

            Handle<Object> error = runner.submit((Task<Object>) () -> {
                throw new AssertionError("an error");
            });
            assertThatThrownBy(error::get).isInstanceOf(ExecutionException.class).cause()
                    .isExactlyInstanceOf(AssertionError.class).hasMessage("an error");

            assertThatThrownBy(() -> runner.map(i -> {
                if (i == 2) {
                    throw new IllegalStateException("two");
                }
                return i;
            }, List.of(0, 1, 2, 3))).isInstanceOf(ExecutionException.class).cause()
                    .isExactlyInstanceOf(IllegalStateException.class).hasMessage("two");
        }
    }

    @Test
    public void doneCallbacksRunOnceInOrderEvenWhenAddedLate() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        Runner runner = newRunner(2);
        Handle<String> handle = runner.submit(() -> "x");
        handle.onDone(h -> calls.add("first " + h.resultNow()));
        handle.onDone(h -> calls.add("second"));
        handle.get();
        handle.onDone(h -> calls.add("late"));
        runner.close(); // a runner terminates only after its tasks' callbacks have run
        // In the order added, even where adding races with completion: none overtakes an earlier one.
        assertThat(calls).containsExactly("first x", "second", "late");
    }

    @Test
    public void aThrowingCallbackIsLoggedAndDoesNotStopTheOthers() throws Exception {
        Logger logger = Logger.getLogger("dev.simul.runner.Promise");
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        boolean parents = logger.getUseParentHandlers();
        logger.setUseParentHandlers(false);
        try {
            CountDownLatch ran = new CountDownLatch(1);
            Runner runner = newRunner(1);
            Handle<Integer> handle = runner.submit(() -> 1);
            handle.onDone(h -> {
                throw new IllegalStateException("callback failure");
            });
            handle.onDone(h -> ran.countDown());
            assertThat(ran.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            runner.close();
            assertThat(records).singleElement().satisfies(r -> {
                assertThat(r.getLevel()).isEqualTo(Level.WARNING);
                assertThat(r.getThrown()).hasMessage("callback failure");
            });
        } finally {
            logger.removeHandler(capture);
            logger.setUseParentHandlers(parents);
        }
    }

    @Test
    public void invokeAllWaitsForEveryTask() throws Exception {
        try (Runner runner = newRunner(2)) {
            List<Callable<Integer>> tasks = List.of(task(() -> 1), task(() -> {
                throw new IOException("two");
            }), task(() -> 3));
            List<Future<Integer>> done = runner.invokeAll(tasks);
            assertThat(done).hasSize(3).allMatch(Future::isDone);
            assertThat(done.get(0).resultNow()).isEqualTo(1);
            assertThat(done.get(1).exceptionNow()).isInstanceOf(IOException.class).hasMessage("two");
            assertThat(done.get(2).resultNow()).isEqualTo(3);
            assertThat(runner.invokeAll(List.<Callable<Integer>>of())).isEmpty();
        }
    }

    @Test
    public void invokeAnyReturnsASuccessAndReportsWhenAllFail() throws Exception {
        try (Runner runner = newRunner(2)) {
            List<Callable<String>> oneGood = List.of(task(() -> {
                throw new IOException("bad");
            }), task(() -> "good"));
            assertThat(runner.invokeAny(oneGood)).isEqualTo("good");

            List<Callable<String>> allBad = List.of(task(() -> {
                throw new IOException("first");
            }), task(() -> {
                throw new IOException("first");
            }));
            assertThatThrownBy(() -> runner.invokeAny(allBad)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(IOException.class).hasMessage("first");
            assertThatThrownBy(() -> runner.invokeAny(List.<Callable<String>>of()))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    public void asCompletedYieldsEveryHandleOnce() throws Exception {
        try (Runner runner = newRunner(3)) {
            List<Handle<Integer>> handles = runner.submitAll(i -> i * i, List.of(1, 2, 3, 4, 5));
            List<Integer> seen = new ArrayList<>();
            for (Handle<Integer> h : Handle.asCompleted(handles)) {
                seen.add(h.get());
            }
            assertThat(seen).containsExactlyInAnyOrder(1, 4, 9, 16, 25);
        }
    }

    @Test
    public void closeWaitsForSubmittedWorkThenRejectsMore() throws Exception {
        Runner runner = newRunner(2);
        List<Handle<Integer>> handles = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int n = i;
            handles.add(runner.submit(() -> {
                Wait.sleep(Duration.ofMillis(20));
                return n;
            }));
        }
        runner.close();
        assertThat(handles).allSatisfy(h -> assertThat(h.state()).isEqualTo(Future.State.SUCCESS));
        assertThat(handles.stream().map(Handle::resultNow)).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(runner.isShutdown()).isTrue();
        assertThat(runner.isTerminated()).isTrue();
        assertThatThrownBy(() -> runner.submit(() -> 1)).isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("shut down");
        assertThatThrownBy(() -> runner.execute((Runnable & Serializable) () -> { }))
                .isInstanceOf(RejectedExecutionException.class);
        runner.close(); // again: nothing left to do
        runner.shutdown();
        assertThat(runner.isTerminated()).isTrue();
    }

    @Test
    public void anIdleRunnerIsTerminatedAsSoonAsItIsShutDown() throws Exception {
        Runner runner = newRunner(2);
        assertThat(runner.isShutdown()).isFalse();
        assertThat(runner.isTerminated()).isFalse();
        runner.shutdown();
        assertThat(runner.isShutdown()).isTrue();
        assertThat(runner.isTerminated()).as("ExecutorService: all tasks have completed following shut down").isTrue();
        assertThat(runner.awaitTermination(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    @Test
    public void awaitTerminationWithoutShutdownGivesUpAtItsTimeout() throws Exception {
        try (Runner runner = newRunner(1)) {
            assertThat(runner.awaitTermination(10, TimeUnit.MILLISECONDS)).isFalse();
            assertThat(runner.isTerminated()).isFalse();
        }
    }

    @Test
    public void executeRunsTheCommand() throws Exception {
        Signal ran = signal("ran");
        try (Runner runner = newRunner(2)) {
            runner.execute((Runnable & Serializable) ran::fire);
        }
        assertThat(ran.fired()).isTrue();
    }

    @Test
    public void theRunnerReportsItsModeAndSize() {
        try (Runner runner = newRunner(2)) {
            assertThat(runner.mode()).isNotBlank();
            assertThat(runner.workers()).isPositive();
            assertThat(runner.toString()).contains(runner.mode());
        }
    }

    /** A portable callable: a lambda cast to {@link Task} is serializable. */
    protected static <T> Callable<T> task(Task<T> task) {
        return task;
    }

    @Test
    public void submittingFromAnInterruptedThreadRunsTheTaskAndKeepsTheInterrupt() throws Exception {
        try (Runner runner = newRunner(1)) {
            assertThat(runner.submit(() -> 1).get()).isEqualTo(1); // warm: a worker process, if any, is connected
            Handle<Integer> handle;
            Thread.currentThread().interrupt();
            try {
                handle = runner.submit(() -> 2);
            } finally {
                assertThat(Thread.interrupted()).as("submit leaves the caller's interrupt status alone").isTrue();
            }
            assertThat(handle.get()).as("the caller's interrupt is not the task's").isEqualTo(2);
            assertThat(runner.submit(() -> 3).get()).isEqualTo(3);
        }
    }

    @Test
    public void onceIsTerminatedIsTrueAwaitTerminationIsTrueAtOnce() throws Exception {
        Runner runner = newRunner(2);
        assertThat(runner.map(i -> i, List.of(1, 2, 3))).containsExactly(1, 2, 3); // the mode's threads exist
        runner.shutdown();
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!runner.isTerminated()) {
            assertThat(System.nanoTime() - deadline).as("the runner terminates").isNegative();
            Thread.onSpinWait();
        }
        assertThat(runner.awaitTermination(0, TimeUnit.NANOSECONDS))
                .as("ExecutorService: awaitTermination returns true if this executor terminated").isTrue();
        runner.close();
    }

    @Test
    public void aDoneHandleFollowsTheFutureRules() throws Exception {
        try (Runner runner = newRunner(1)) {
            Handle<String> none = runner.submit(() -> null);
            assertThat(none.get()).isNull();
            assertThat(none.state()).isEqualTo(Future.State.SUCCESS);
            assertThat(none.resultNow()).as("a null result is a result").isNull();
            assertThatThrownBy(none::exceptionNow).isInstanceOf(IllegalStateException.class);

            Handle<String> failed = runner.submit((Task<String>) () -> {
                throw new ArithmeticException("x");
            });
            assertThatThrownBy(failed::get).isInstanceOf(ExecutionException.class);
            assertThat(failed.state()).isEqualTo(Future.State.FAILED);
            assertThatThrownBy(failed::resultNow).isInstanceOf(IllegalStateException.class);

            for (Handle<String> done : List.of(none, failed)) {
                for (long timeout : new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}) {
                    if (done == none) {
                        assertThat(done.get(timeout, TimeUnit.NANOSECONDS)).isNull();
                    } else {
                        assertThatThrownBy(() -> done.get(timeout, TimeUnit.NANOSECONDS))
                                .isInstanceOf(ExecutionException.class).cause()
                                .isExactlyInstanceOf(ArithmeticException.class);
                    }
                }
                assertThatThrownBy(() -> done.get(1, null)).isInstanceOf(NullPointerException.class);
                Future.State before = done.state();
                assertThat(done.cancel(false)).isFalse();
                assertThat(done.cancel(true)).isFalse();
                assertThat(done.isCancelled()).isFalse();
                assertThat(done.state()).isEqualTo(before);
            }
        }
    }

    /** Every way in refuses work: for a runner that is shut down. */
    protected static void assertEverySubmissionIsRejected(Runner runner) {
        Callable<Integer> one = task(() -> 1);
        List<ThrowingCallable> ways = List.of(
                () -> runner.submit(() -> 1),
                () -> runner.submit(one),
                () -> runner.submit((Runnable & Serializable) () -> { }),
                () -> runner.submit((Runnable & Serializable) () -> { }, "result"),
                () -> runner.execute((Runnable & Serializable) () -> { }),
                () -> runner.invokeAll(List.of(one)),
                () -> runner.invokeAll(List.of(one), 1, TimeUnit.MINUTES),
                () -> runner.invokeAny(List.of(one)),
                () -> runner.invokeAny(List.of(one), 1, TimeUnit.MINUTES),
                () -> runner.map(i -> i, List.of(1)),
                () -> runner.map(i -> i, List.of(1, 2), 2),
                () -> runner.submitAll(i -> i, List.of(1)));
        for (ThrowingCallable way : ways) {
            assertThatThrownBy(way).isInstanceOf(RejectedExecutionException.class);
        }
    }

    @Test
    public void everyWayInRefusesWorkOnceShutDown() throws Exception {
        Runner runner = newRunner(1);
        runner.shutdown();
        assertEverySubmissionIsRejected(runner);
        assertThat(runner.isTerminated()).isTrue();
        runner.close();
    }

    @Test
    public void timedInvokeAllAndInvokeAnyWithTimeToSpareActAsTheUntimedOnes() throws Exception {
        try (Runner runner = newRunner(2)) {
            List<Callable<Integer>> tasks = List.of(task(() -> 1), task(() -> {
                throw new IOException("two");
            }), task(() -> 3));
            List<Future<Integer>> done = runner.invokeAll(tasks, PATIENCE.toSeconds(), TimeUnit.SECONDS);
            assertThat(done).hasSize(3).allMatch(Future::isDone);
            assertThat(done.get(0).resultNow()).isEqualTo(1);
            assertThat(done.get(1).exceptionNow()).isInstanceOf(IOException.class).hasMessage("two");
            assertThat(done.get(2).resultNow()).isEqualTo(3);
            assertThat(runner.invokeAll(List.<Callable<Integer>>of(), 1, TimeUnit.SECONDS)).isEmpty();

            List<Callable<String>> oneGood = List.of(task(() -> {
                throw new IOException("bad");
            }), task(() -> "good"));
            assertThat(runner.invokeAny(oneGood, PATIENCE.toSeconds(), TimeUnit.SECONDS)).isEqualTo("good");
            List<Callable<String>> allBad = List.of(task(() -> {
                throw new IOException("bad");
            }));
            assertThatThrownBy(() -> runner.invokeAny(allBad, PATIENCE.toSeconds(), TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(IOException.class).hasMessage("bad");
            assertThatThrownBy(() -> runner.invokeAny(List.<Callable<String>>of(), 1, TimeUnit.SECONDS))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(runner.invokeAny(List.of(task(() -> (String) null)))).as("a null result wins too").isNull();
        }
    }

    @Test
    public void awaitTerminationWithAnExpiredOrHugeTimeoutAnswersAtOnce() throws Exception {
        Runner runner = newRunner(1);
        for (long timeout : new long[] {Long.MIN_VALUE, -1, 0}) {
            assertThat(runner.awaitTermination(timeout, TimeUnit.NANOSECONDS)).isFalse();
            assertThat(runner.awaitTermination(timeout, TimeUnit.MILLISECONDS)).isFalse();
        }
        runner.close();
        assertThat(runner.awaitTermination(0, TimeUnit.NANOSECONDS)).isTrue();
        assertThat(runner.awaitTermination(Long.MIN_VALUE, TimeUnit.DAYS)).isTrue();
        assertThat(runner.awaitTermination(Long.MAX_VALUE, TimeUnit.DAYS)).isTrue();
    }

    @Test
    public void everyNullArgumentIsRefused() throws Exception {
        try (Runner runner = newRunner(1)) {
            List<Callable<Integer>> withNull = Arrays.asList(task(() -> 1), null);
            List<Callable<Integer>> failingThenNull = Arrays.asList(task(() -> {
                throw new IOException("x");
            }), null);
            List<ThrowingCallable> calls = List.of(
                    () -> runner.submit((Callable<Integer>) null),
                    () -> runner.submit((Runnable) null, "result"),
                    () -> runner.invokeAll(null, 1, TimeUnit.MINUTES),
                    () -> runner.invokeAll(withNull, 1, TimeUnit.MINUTES),
                    () -> runner.invokeAny(null, 1, TimeUnit.MINUTES),
                    () -> runner.invokeAny(failingThenNull),
                    () -> runner.invokeAny(failingThenNull, 1, TimeUnit.MINUTES),
                    () -> runner.submitAll(null, List.of(1)),
                    () -> runner.submitAll(i -> i, (Iterable<Integer>) null),
                    () -> runner.map(i -> i, (Iterable<Integer>) null),
                    () -> runner.map(null, List.of(1), 2),
                    () -> runner.map(i -> i, (Iterable<Integer>) null, 2));
            for (ThrowingCallable call : calls) {
                assertThatThrownBy(call).isInstanceOf(NullPointerException.class);
            }
        }
    }

    @Test
    public void timedInvokeAllWithNoTimeLeftRunsNothingAndCancelsEverything() throws Exception {
        Signal ran = signal("ran");
        Runner runner = newRunner(2);
        List<Callable<Integer>> tasks = List.of(task(() -> {
            ran.fire();
            return 1;
        }), task(() -> 2));
        for (long timeout : new long[] {0, -1, Long.MIN_VALUE}) {
            List<Future<Integer>> done = runner.invokeAll(tasks, timeout, TimeUnit.NANOSECONDS);
            assertThat(done).hasSize(2).allMatch(Future::isCancelled);
        }
        runner.close();
        assertThat(ran.fired()).isFalse();
    }
}
