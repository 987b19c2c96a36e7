package dev.simul.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simul.runner.Handle;
import dev.simul.runner.Runner;
import dev.simul.runner.Runners;
import dev.simul.task.Wait;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Coroutines, whichever strand runs them: the same suite runs on continuations and on virtual threads.
 * Time is virtual: sleeps are exact and instant.
 */
@Timeout(60)
abstract class CoroutineContract {

    abstract Strand.Kind kind();

    final VirtualClock clock = new VirtualClock();

    EventLoop newLoop() {
        return new EventLoop(clock, kind());
    }

    private long millis(EventLoop loop, long start) {
        return (loop.time() - start) / 1_000_000;
    }

    @Test
    void runReturnsTheMainCoroutinesResult() throws Exception {
        try (EventLoop loop = newLoop()) {
            assertThat(loop.run(() -> 6 * 7)).isEqualTo(42);
            assertThat(loop.pendingCoroutines()).isZero();
        }
    }

    @Test
    void sleepingCoroutinesInterleaveLikeTheSeedsCountdown() throws Exception {
        List<String> log = new ArrayList<>();
        try (EventLoop loop = newLoop()) {
            long start = loop.time();
            loop.run(() -> {
                Coroutine<Void> down = Async.spawn(() -> {
                    for (int n = 3; n > 0; n--) {
                        log.add("down " + n + " @" + millis(loop, start));
                        Async.sleep(Duration.ofMillis(250));
                    }
                    return null;
                });
                Coroutine<Void> up = Async.spawn(() -> {
                    for (int n = 0; n < 3; n++) {
                        log.add("up " + n + " @" + millis(loop, start));
                        Async.sleep(Duration.ofMillis(250));
                    }
                    return null;
                });
                Async.await(down);
                Async.await(up);
                return null;
            });
            assertThat(millis(loop, start)).isEqualTo(750);
        }
        assertThat(log).containsExactly("down 3 @0", "up 0 @0", "down 2 @250", "up 1 @250", "down 1 @500",
                "up 2 @500");
    }

    @Test
    void everyCoroutineRunsWhileTheLoopThreadWaitsForIt() throws Exception {
        // Thread identity: continuations run on the loop thread itself. Virtual-thread strands hold the baton:
        // their code runs only while the loop thread is inside their step (loop.running is set around it).
        List<Boolean> onLoop = new ArrayList<>();
        try (EventLoop loop = newLoop()) {
            Thread loopThread = Thread.currentThread();
            loop.run(() -> {
                List<Coroutine<Void>> all = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    all.add(Async.spawn(() -> {
                        for (int step = 0; step < 3; step++) {
                            boolean identity = Thread.currentThread() == loopThread;
                            boolean inItsStep = loop.running == Coroutine.current();
                            onLoop.add(inItsStep && (kind() == Strand.Kind.CONTINUATION) == identity);
                            assertThat(loop.inLoopThread()).isTrue();
                            Async.sleep(Duration.ZERO);
                        }
                        return null;
                    }));
                }
                for (Coroutine<Void> c : all) {
                    Async.await(c);
                }
                return null;
            });
        }
        assertThat(onLoop).hasSize(30).containsOnly(true);
    }

    @Test
    void awaitingAReadyFutureDoesNotSuspend() throws Exception {
        List<String> log = new ArrayList<>();
        try (EventLoop loop = newLoop()) {
            loop.run(() -> {
                LoopFuture<String> done = loop.newFuture();
                done.complete("ready");
                loop.callSoon(() -> log.add("other callback"));
                log.add(Async.await(done));
                log.add("still in the same step");
                Async.sleep(Duration.ZERO);
                return null;
            });
        }
        assertThat(log).containsExactly("ready", "still in the same step", "other callback");
    }

    @Test
    void theAwaitedWorksOwnExceptionComesThroughUnwrapped() throws Exception {
        IOException io = new IOException("disk");
        IllegalStateException state = new IllegalStateException("state");
        try (EventLoop loop = newLoop()) {
            loop.run(() -> {
                Coroutine<Object> checked = Async.spawn(() -> {
                    throw io;
                });
                Coroutine<Object> unchecked = Async.spawn(() -> {
                    throw state;
                });
                assertThatThrownBy(() -> Async.await(checked)).isInstanceOf(CompletionException.class).cause()
                        .isSameAs(io);
                assertThatThrownBy(() -> Async.await(unchecked)).isSameAs(state);
                assertThatThrownBy(() -> Wait.await(checked)).isInstanceOf(ExecutionException.class).cause()
                        .isSameAs(io);
                // A coroutine that lets a CompletionException escape fails with its cause, not the carrier.
                Coroutine<Object> relay = Async.spawn(() -> Async.await(checked));
                assertThatThrownBy(() -> Wait.await(relay)).cause().isSameAs(io);
                return null;
            });
            assertThatThrownBy(() -> loop.run(() -> {
                throw io;
            })).isSameAs(io);
        }
    }

    @Test
    void cancellationArrivesAtTheNextAwaitAndFinallyBlocksRun() throws Exception {
        List<String> log = new ArrayList<>();
        try (EventLoop loop = newLoop()) {
            loop.run(() -> {
                Coroutine<String> sleeper = Async.spawn(() -> {
                    try {
                        Async.sleep(Duration.ofDays(1));
                        return "woke";
                    } finally {
                        log.add("finally ran");
                    }
                });
                Async.sleep(Duration.ofSeconds(1));
                assertThat(sleeper.cancel(true)).isTrue();
                assertThatThrownBy(() -> Async.await(sleeper)).isInstanceOf(CancellationException.class);
                assertThat(sleeper.isCancelled()).isTrue();
                assertThat(sleeper.cancel(true)).isFalse();
                return null;
            });
            assertThat(clock.elapsed()).as("the day-long timer was cancelled, not waited for")
                    .isEqualTo(Duration.ofSeconds(1).toNanos());
        }
        assertThat(log).containsExactly("finally ran");
    }

    @Test
    void cancellingACoroutineCancelsTheFutureItAwaits() throws Exception {
        try (EventLoop loop = newLoop()) {
            loop.run(() -> {
                LoopFuture<String> never = loop.newFuture();
                Coroutine<String> waiter = Async.spawn(() -> Async.await(never));
                Async.sleep(Duration.ZERO);
                waiter.cancel(false);
                assertThatThrownBy(() -> Async.await(waiter)).isInstanceOf(CancellationException.class);
                assertThat(never.isCancelled()).isTrue();
                return null;
            });
        }
    }

    @Test
    void aCoroutineCancelledBeforeItsFirstStepNeverRuns() throws Exception {
        List<String> log = new ArrayList<>();
        try (EventLoop loop = newLoop()) {
            loop.run(() -> {
                Coroutine<Void> never = Async.spawn(() -> {
                    log.add("ran");
                    return null;
                });
                never.cancel(false);
                Async.sleep(Duration.ZERO);
                assertThat(never.isCancelled()).isTrue();
                return null;
            });
            assertThat(loop.pendingCoroutines()).isZero();
        }
        assertThat(log).isEmpty();
    }

    @Test
    void aCoroutineCanSwallowItsCancellationAndGoOn() throws Exception {
        try (EventLoop loop = newLoop()) {
            String result = loop.run(() -> {
                Coroutine<String> stubborn = Async.spawn(() -> {
                    try {
                        Async.sleep(Duration.ofDays(1));
                    } catch (CancellationException e) {
                        Async.sleep(Duration.ofMillis(5)); // clean-up that itself waits
                        return "cleaned up";
                    }
                    return "woke";
                });
                Async.sleep(Duration.ZERO);
                stubborn.cancel(false);
                return Async.await(stubborn);
            });
            assertThat(result).isEqualTo("cleaned up");
        }
    }

    @Test
    void awaitsFuturesFromOtherThreadsAndRunners() throws Exception {
        try (EventLoop loop = newLoop(); Runner pool = Runners.threads(2)) {
            String result = loop.run(() -> {
                Handle<String> fromPool = pool.submit(() -> "pool");
                CompletableFuture<String> cf = new CompletableFuture<>();
                Thread.ofPlatform().start(() -> cf.complete("thread"));
                LoopFuture<Integer> offloaded = loop.runInExecutor(pool, () -> 40 + 2);
                return Async.await(fromPool) + " " + Async.await(cf) + " " + Async.await(offloaded);
            });
            assertThat(result).isEqualTo("pool thread 42");
        }
    }

    @Test
    void waitIsThePortableWayToSleepAndOffloadInsideACoroutine() throws Exception {
        try (EventLoop loop = newLoop()) {
            long start = loop.time();
            String result = loop.run(() -> {
                Wait.sleep(Duration.ofMinutes(5)); // suspends on the virtual clock instead of blocking
                Thread loopThread = Thread.currentThread();
                return Wait.blocking(() -> Thread.currentThread() == loopThread ? "inline" : "offloaded");
            });
            assertThat(result).isEqualTo("offloaded");
            assertThat(loop.time() - start).isEqualTo(Duration.ofMinutes(5).toNanos());
        }
    }

    @Test
    void blockingOnAPendingLoopFutureFromTheLoopFailsInsteadOfDeadlocking() throws Exception {
        try (EventLoop loop = newLoop()) {
            LoopFuture<String> pending = loop.newFuture();
            List<Throwable> errors = new ArrayList<>();
            loop.callSoon(() -> {
                try {
                    pending.get(1, TimeUnit.DAYS);
                } catch (Throwable t) {
                    errors.add(t);
                }
                loop.stop();
            });
            loop.runForever();
            assertThat(errors).singleElement().isInstanceOf(IllegalStateException.class)
                    .extracting(Throwable::getMessage).asString().contains("deadlock");
        }
    }

    @Test
    void aDumpShowsWhereEachUnfinishedCoroutineIsSuspended() throws Exception {
        try (EventLoop loop = newLoop()) {
            String dump = loop.run(() -> {
                Async.spawn(CoroutineContract::sleepsForAWeek, "sleeper");
                Async.sleep(Duration.ZERO);
                Async.sleep(Duration.ZERO);
                return loop.dump();
            });
            assertThat(dump).contains("Coroutine[sleeper, RUNNING]", "sleepsForAWeek", "Coroutine[main, RUNNING]");
            assertThat(loop.pendingCoroutines()).as("run() cancels what is left").isZero();
        }
    }

    private static String sleepsForAWeek() {
        Async.sleep(Duration.ofDays(7));
        return "rested";
    }

    @Test
    void tenThousandSleepingCoroutinesAllFinish() throws Exception {
        try (EventLoop loop = newLoop()) {
            long sum = loop.run(() -> {
                List<Coroutine<Integer>> all = new ArrayList<>();
                for (int i = 0; i < 10_000; i++) {
                    int n = i;
                    all.add(Async.spawn(() -> {
                        Async.sleep(Duration.ofMillis(n % 100));
                        return n;
                    }));
                }
                long total = 0;
                for (Coroutine<Integer> c : all) {
                    total += Async.await(c);
                }
                return total;
            });
            assertThat(sum).isEqualTo(10_000L * 9_999 / 2);
        }
    }

    // ---- gather, wait, asCompleted, timeout, waitFor, shield ----

    private static Callable<Integer> after(long millis, int value) {
        return () -> {
            Async.sleep(Duration.ofMillis(millis));
            return value;
        };
    }

    @Test
    void gatherReturnsResultsInOrderAndFailsFastCancellingTheRest() throws Exception {
        try (EventLoop loop = newLoop()) {
            loop.run(() -> {
                assertThat(Async.gather(Async.spawn(after(30, 1)), Async.spawn(after(10, 2)),
                        Async.spawn(after(20, 3)))).containsExactly(1, 2, 3);
                Coroutine<Integer> slow = Async.spawn(after(1000, 1));
                Coroutine<Integer> failing = Async.spawn(() -> {
                    Async.sleep(Duration.ofMillis(10));
                    throw new IllegalStateException("failed");
                });
                long start = loop.time();
                assertThatThrownBy(() -> Async.gather(slow, failing)).hasMessage("failed");
                assertThat(loop.time() - start).isEqualTo(Duration.ofMillis(10).toNanos());
                Async.sleep(Duration.ZERO);
                assertThat(slow.isCancelled()).isTrue();
                return null;
            });
        }
    }

    @Test
    void gatherSettledCollectsEveryOutcome() throws Exception {
        try (EventLoop loop = newLoop()) {
            loop.run(() -> {
                List<Coroutine<Integer>> all = List.of(Async.spawn(after(5, 1)), Async.spawn(() -> {
                    throw new IOException("io");
                }));
                List<Coroutine<Integer>> settled = Async.gatherSettled(all);
                assertThat(settled.get(0).resultNow()).isEqualTo(1);
                assertThat(settled.get(1).exceptionNow()).hasMessage("io");
                return null;
            });
        }
    }

    @Test
    void waitSplitsDoneFromPending() throws Exception {
        try (EventLoop loop = newLoop()) {
            loop.run(() -> {
                Coroutine<Integer> fast = Async.spawn(after(10, 1));
                Coroutine<Integer> slow = Async.spawn(after(50, 2));
                Async.Waited<Coroutine<Integer>> first = Async.wait(List.of(slow, fast),
                        Async.Until.FIRST_COMPLETED, null);
                assertThat(first.done()).containsExactly(fast);
                assertThat(first.pending()).containsExactly(slow);
                Async.Waited<Coroutine<Integer>> timedOut = Async.wait(List.of(slow), Async.Until.ALL_COMPLETED,
                        Duration.ofMillis(5));
                assertThat(timedOut.pending()).containsExactly(slow);
                Async.Waited<Coroutine<Integer>> all = Async.wait(List.of(slow, fast), Async.Until.ALL_COMPLETED,
                        null);
                assertThat(all.done()).containsExactly(slow, fast);
                return null;
            });
        }
    }

    @Test
    void asCompletedYieldsInCompletionOrder() throws Exception {
        List<Integer> order = new ArrayList<>();
        try (EventLoop loop = newLoop()) {
            loop.run(() -> {
                List<Coroutine<Integer>> all = List.of(Async.spawn(after(30, 30)), Async.spawn(after(10, 10)),
                        Async.spawn(after(20, 20)));
                for (Coroutine<Integer> next : Async.asCompleted(all)) {
                    order.add(Async.await(next));
                }
                return null;
            });
        }
        assertThat(order).containsExactly(10, 20, 30);
    }

    @Test
    void timeoutCancelsTheBodyAtItsWaitAndThrowsTimeoutException() throws Exception {
        List<String> log = new ArrayList<>();
        try (EventLoop loop = newLoop()) {
            loop.run(() -> {
                assertThatThrownBy(() -> Async.timeout(Duration.ofSeconds(1), () -> {
                    try {
                        Async.sleep(Duration.ofHours(1));
                        return "slept";
                    } finally {
                        log.add("finally");
                    }
                })).isInstanceOf(TimeoutException.class);
                assertThat(Async.timeout(Duration.ofSeconds(1), () -> "quick")).isEqualTo("quick");
                Async.sleep(Duration.ofSeconds(5)); // the expired timer of the quick body was cancelled
                return null;
            });
            assertThat(clock.elapsed()).isEqualTo(Duration.ofSeconds(6).toNanos());
        }
        assertThat(log).containsExactly("finally");
    }

    @Test
    void waitForCancelsTheAwaitedWorkOnTimeOut() throws Exception {
        try (EventLoop loop = newLoop()) {
            loop.run(() -> {
                Coroutine<Integer> slow = Async.spawn(after(10_000, 1));
                assertThatThrownBy(() -> Async.waitFor(slow, Duration.ofMillis(100)))
                        .isInstanceOf(TimeoutException.class);
                Async.sleep(Duration.ZERO);
                assertThat(slow.isCancelled()).isTrue();
                assertThat(Async.waitFor(Async.spawn(after(10, 7)), Duration.ofMillis(100))).isEqualTo(7);
                return null;
            });
        }
    }

    @Test
    void sleepsAndTimeLimitsOfAnyLengthWorkOnEitherClock() throws Exception {
        Duration forever = Duration.ofSeconds(Long.MAX_VALUE); // a legitimate "no limit": it must not overflow
        for (Clock c : List.of(Clock.SYSTEM, clock)) {
            try (EventLoop loop = new EventLoop(c, kind())) {
                loop.run(() -> {
                    Coroutine<String> sleeper = Async.spawn(() -> {
                        Async.sleep(forever);
                        return "woke";
                    });
                    assertThat(Async.timeout(forever, () -> {
                        Async.sleep(Duration.ofMillis(1));
                        return "in time";
                    })).isEqualTo("in time");
                    assertThat(Async.waitFor(Async.spawn(after(1, 7)), forever)).isEqualTo(7);
                    Coroutine<Integer> quick = Async.spawn(after(1, 8));
                    assertThat(Async.wait(List.of(quick), Async.Until.ALL_COMPLETED, forever).done())
                            .containsExactly(quick);
                    assertThat(sleeper.isDone()).isFalse();
                    sleeper.cancel(false);
                    assertThatThrownBy(() -> Async.await(sleeper)).isInstanceOf(CancellationException.class);
                    return null;
                });
            }
        }
    }

    @Test
    void aShieldKeepsTheWorkGoingWhenItsWaiterIsCancelled() throws Exception {
        try (EventLoop loop = newLoop()) {
            loop.run(() -> {
                Coroutine<Integer> work = Async.spawn(after(100, 42));
                Coroutine<Integer> waiter = Async.spawn(() -> Async.await(Async.shield(work)));
                Async.sleep(Duration.ofMillis(10));
                waiter.cancel(false);
                assertThatThrownBy(() -> Async.await(waiter)).isInstanceOf(CancellationException.class);
                assertThat(Async.await(work)).isEqualTo(42);
                return null;
            });
        }
    }

    // ---- task groups ----

    @Test
    void aTaskGroupWaitsForEveryChild() throws Exception {
        try (EventLoop loop = newLoop()) {
            List<Integer> results = loop.run(() -> TaskGroup.run(group -> {
                Coroutine<Integer> a = group.spawn(after(30, 1));
                Coroutine<Integer> b = group.spawn(after(10, 2));
                return () -> List.of(a.resultNow(), b.resultNow());
            }));
            assertThat(results).containsExactly(1, 2);
            assertThat(clock.elapsed()).isEqualTo(Duration.ofMillis(30).toNanos());
        }
    }

    @Test
    void theFirstFailureCancelsTheSiblingsAndEveryFailureIsReported() throws Exception {
        List<String> log = new ArrayList<>();
        try (EventLoop loop = newLoop()) {
            loop.run(() -> {
                assertThatThrownBy(() -> TaskGroup.run(group -> {
                    group.spawn(() -> {
                        try {
                            Async.sleep(Duration.ofHours(1));
                        } finally {
                            log.add("sibling cancelled");
                        }
                        return null;
                    });
                    group.spawn(() -> {
                        Async.sleep(Duration.ofMillis(10));
                        throw new IllegalStateException("first");
                    });
                    group.spawn(() -> {
                        try {
                            Async.sleep(Duration.ofHours(1));
                        } finally {
                            throw new IOException("second, while cancelled");
                        }
                    });
                    Async.sleep(Duration.ofHours(2)); // the body is cancelled too
                    log.add("body went on");
                    return () -> null;
                })).isInstanceOfSatisfying(TaskGroupException.class, e -> assertThat(e.failures())
                        .extracting(Throwable::getMessage).containsExactly("first", "second, while cancelled"));
                return null;
            });
            assertThat(clock.elapsed()).isEqualTo(Duration.ofMillis(10).toNanos());
        }
        assertThat(log).containsExactly("sibling cancelled");
    }

    @Test
    void cancellingTheGroupsCoroutineCancelsTheChildrenAndPropagates() throws Exception {
        List<String> log = new ArrayList<>();
        try (EventLoop loop = newLoop()) {
            loop.run(() -> {
                Coroutine<Object> outer = Async.spawn(() -> TaskGroup.run(group -> {
                    group.spawn(() -> {
                        try {
                            Async.sleep(Duration.ofHours(1));
                        } finally {
                            log.add("child cancelled");
                        }
                        return null;
                    });
                    return () -> null;
                }));
                Async.sleep(Duration.ofMillis(1));
                outer.cancel(false);
                assertThatThrownBy(() -> Async.await(outer)).isInstanceOf(CancellationException.class);
                return null;
            });
        }
        assertThat(log).containsExactly("child cancelled");
    }

    @Test
    void aFailureNobodyRetrievesGoesToTheExceptionHandler() throws Exception {
        List<String> handled = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (EventLoop loop = newLoop()) {
            loop.setExceptionHandler((l, context, error) -> handled.add(context + ": " + error.getMessage()));
            loop.run(() -> {
                Async.spawn(() -> {
                    throw new IllegalStateException("lost");
                }, "forgotten"); // nobody keeps the coroutine, nobody awaits it
                Coroutine<Object> seen = Async.spawn(() -> {
                    throw new IllegalStateException("seen");
                }, "awaited");
                Async.sleep(Duration.ZERO);
                assertThatThrownBy(() -> Async.await(seen)).hasMessage("seen");
                // The report comes when the forgotten coroutine is garbage and the cleaner's thread has run: wait for
                // it, however long a loaded machine takes (the bound only keeps a broken build from hanging).
                long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (handled.isEmpty() && System.nanoTime() - giveUp < 0) {
                    System.gc();
                    Async.sleep(Duration.ofMillis(10));
                    Thread.sleep(5);
                }
                return null;
            });
        }
        assertThat(handled).singleElement().asString().contains("forgotten", "nobody retrieved", "lost");
    }

    @Test
    void closingALoopUnwindsItsUnfinishedCoroutinesOneAtATime() throws Exception {
        List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger inside = new java.util.concurrent.atomic.AtomicInteger();
        EventLoop loop = newLoop();
        for (int i = 0; i < 50; i++) {
            loop.spawn(() -> {
                try {
                    Async.sleep(Duration.ofDays(1));
                } finally {
                    if (inside.incrementAndGet() > 1) {
                        log.add("two finally blocks at once");
                    }
                    log.add("unwound");
                    inside.decrementAndGet();
                }
                return null;
            });
        }
        loop.callSoon(loop::stop);
        loop.runForever(); // every coroutine is now asleep
        loop.close();
        assertThat(log).hasSize(50).containsOnly("unwound");
        assertThat(loop.pendingCoroutines()).isZero();
    }

    @Test
    void asyncCallsOutsideACoroutineFailClearly() {
        assertThatThrownBy(() -> Async.sleep(Duration.ZERO)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("inside a coroutine");
    }
}
