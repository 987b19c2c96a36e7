package dev.simul.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simul.task.Task;
import dev.simul.testing.LogCapture;
import dev.simul.task.Wait;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every {@link Runner} promises, whatever its mode. Each mode's test extends this class; a new mode passes it
 * before it joins {@link Runners}.
 */
@Timeout(30)
abstract class RunnerContract {

    /** A runner of the mode under test with the given worker count (a mode may ignore it). */
    protected abstract Runner newRunner(int workers);

    /** True for a mode that runs each task inside {@code submit} (sequential). */
    boolean runsOnSubmit() {
        return false;
    }

    @Test
    void submitReturnsTheTaskResult() throws Exception {
        try (Runner runner = newRunner(2)) {
            Handle<Integer> handle = runner.submit(() -> 6 * 7);
            assertThat(handle.get()).isEqualTo(42);
            assertThat(handle.get(1, TimeUnit.SECONDS)).isEqualTo(42);
            assertThat(handle.state()).isEqualTo(Future.State.SUCCESS);
        }
    }

    @Test
    void mapKeepsInputOrderWhateverTheCompletionOrder() throws Exception {
        try (Runner runner = newRunner(4)) {
            List<Integer> inputs = IntStream.range(0, 8).boxed().toList();
            // Earlier inputs sleep longer, so in concurrent modes they finish last.
            List<String> results = runner.map(i -> {
                Wait.sleep(Duration.ofMillis(5L * (8 - i)));
                return "r" + i;
            }, inputs);
            assertThat(results).containsExactly("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7");
        }
    }

    @Test
    void mapInChunksKeepsInputOrderAndFailsWithTheTasksOwnException() throws Exception {
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
    void theTasksOwnExceptionIsTheCauseUnwrapped() throws Exception {
        IOException boom = new IOException("boom");
        try (Runner runner = newRunner(2)) {
            Handle<Object> handle = runner.submit((Task<Object>) () -> {
                throw boom;
            });
            assertThatThrownBy(handle::get).isInstanceOf(ExecutionException.class).cause().isSameAs(boom);
            assertThat(handle.state()).isEqualTo(Future.State.FAILED);
            assertThat(handle.exceptionNow()).isSameAs(boom);

            assertThatThrownBy(() -> runner.map(i -> {
                if (i == 2) {
                    throw boom;
                }
                return i;
            }, List.of(0, 1, 2, 3))).isInstanceOf(ExecutionException.class).cause().isSameAs(boom);
        }
    }

    @Test
    void doneCallbacksRunOnceInOrderEvenWhenAddedLate() throws Exception {
        try (Runner runner = newRunner(2)) {
            CountDownLatch release = new CountDownLatch(runsOnSubmit() ? 0 : 1);
            List<String> calls = new CopyOnWriteArrayList<>();
            Handle<String> handle = runner.submit(() -> {
                release.await();
                return "x";
            });
            handle.onDone(h -> calls.add("first " + h.resultNow()));
            handle.onDone(h -> calls.add("second"));
            release.countDown();
            handle.get();
            handle.onDone(h -> calls.add("late"));
            while (calls.size() < 3) {
                Thread.sleep(1); // callbacks run on the completing thread, which may trail get() by a moment
            }
            Thread.sleep(20);
            assertThat(calls).containsExactlyInAnyOrder("first x", "second", "late");
            assertThat(calls.indexOf("first x")).isLessThan(calls.indexOf("second"));
        }
    }

    @Test
    void aThrowingCallbackIsLoggedAndDoesNotStopTheOthers() throws Exception {
        try (LogCapture log = LogCapture.of(Promise.class); Runner runner = newRunner(1)) {
            Handle<Integer> handle = runner.submit(() -> 1);
            handle.get();
            List<String> calls = new CopyOnWriteArrayList<>();
            handle.onDone(h -> {
                throw new IllegalStateException("callback failure");
            });
            handle.onDone(h -> calls.add("ran"));
            while (calls.isEmpty()) {
                Thread.sleep(1); // the completing thread may still be running the callbacks
            }
            assertThat(calls).containsExactly("ran");
            for (int i = 0; i < 5000 && log.records().isEmpty(); i++) {
                Thread.sleep(1);
            }
            assertThat(log.records()).singleElement().satisfies(r -> {
                assertThat(r.getLevel()).isEqualTo(Level.WARNING);
                assertThat(r.getThrown()).hasMessage("callback failure");
            });
        }
    }

    @Test
    void invokeAllWaitsForEveryTask() throws Exception {
        try (Runner runner = newRunner(2)) {
            List<Callable<Integer>> tasks = List.of(() -> 1, () -> {
                throw new IOException("two");
            }, () -> 3);
            List<Future<Integer>> done = runner.invokeAll(tasks);
            assertThat(done).allMatch(Future::isDone);
            assertThat(done.get(0).resultNow()).isEqualTo(1);
            assertThat(done.get(1).exceptionNow()).hasMessage("two");
            assertThat(done.get(2).resultNow()).isEqualTo(3);
        }
    }

    @Test
    void invokeAnyReturnsASuccessAndReportsWhenAllFail() throws Exception {
        try (Runner runner = newRunner(2)) {
            List<Callable<String>> oneGood = List.of(() -> {
                throw new IOException("bad");
            }, () -> "good");
            assertThat(runner.invokeAny(oneGood)).isEqualTo("good");

            IOException first = new IOException("first");
            List<Callable<String>> allBad = List.of(() -> {
                throw first;
            }, () -> {
                throw first;
            });
            assertThatThrownBy(() -> runner.invokeAny(allBad)).isInstanceOf(ExecutionException.class)
                    .cause().isSameAs(first);
        }
    }

    @Test
    void asCompletedYieldsEveryHandleOnce() throws Exception {
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
    void closeWaitsForSubmittedWorkThenRejectsMore() throws Exception {
        AtomicInteger finished = new AtomicInteger();
        Runner runner = newRunner(2);
        for (int i = 0; i < 6; i++) {
            runner.submit(() -> {
                Wait.sleep(Duration.ofMillis(20));
                return finished.incrementAndGet();
            });
        }
        runner.close();
        assertThat(finished).hasValue(6);
        assertThat(runner.isShutdown()).isTrue();
        assertThat(runner.isTerminated()).isTrue();
        assertThatThrownBy(() -> runner.submit(() -> 1)).isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("shut down");
    }

    @Test
    void anIdleRunnerTerminatesOnShutdown() throws Exception {
        Runner runner = newRunner(2);
        runner.shutdown();
        assertThat(runner.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void executeRunsTheCommand() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        try (Runner runner = newRunner(2)) {
            runner.execute(ran::countDown);
        }
        assertThat(ran.getCount()).isZero();
    }
}
