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
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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

    @Test
    void asyncCallsOutsideACoroutineFailClearly() {
        assertThatThrownBy(() -> Async.sleep(Duration.ZERO)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("inside a coroutine");
    }
}
