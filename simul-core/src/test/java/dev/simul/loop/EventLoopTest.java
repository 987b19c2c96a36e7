package dev.simul.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import dev.simul.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The loop's callbacks, timers, priorities and I/O, on a virtual clock wherever time matters. */
@Timeout(30)
class EventLoopTest {

    private final VirtualClock clock = new VirtualClock();

    @Test
    void callbacksRunInSchedulingOrderWithinAPriority() {
        List<String> log = new ArrayList<>();
        try (EventLoop loop = new EventLoop(clock)) {
            loop.callSoon(() -> log.add("a"));
            loop.callSoon(() -> log.add("b"));
            loop.callSoon(() -> {
                log.add("c");
                loop.stop();
            });
            loop.runForever();
        }
        assertThat(log).containsExactly("a", "b", "c");
    }

    @Test
    void higherPrioritiesRunFirstInAPass() {
        List<String> log = new ArrayList<>();
        try (EventLoop loop = new EventLoop(clock)) {
            loop.callSoon(Priority.LOW, () -> log.add("low"));
            loop.callSoon(Priority.NORMAL, () -> log.add("normal"));
            loop.callSoon(Priority.HIGH, () -> log.add("high 1"));
            loop.callSoon(Priority.HIGH, () -> log.add("high 2"));
            loop.callLater(Duration.ofMillis(1), loop::stop);
            loop.runForever();
        }
        assertThat(log).containsExactly("high 1", "high 2", "normal", "low");
    }

    @Test
    void aLowPriorityCallbackWaitsAtMostOnePassHoweverManyHighOnesArrive() {
        List<String> log = new ArrayList<>();
        try (EventLoop loop = new EventLoop(clock)) {
            // A high-priority callback that reschedules itself forever would starve a strict priority queue.
            Runnable[] flood = new Runnable[1];
            int[] floods = {0};
            flood[0] = () -> {
                log.add("high");
                if (++floods[0] < 100) {
                    loop.callSoon(Priority.HIGH, flood[0]);
                }
            };
            loop.callSoon(Priority.HIGH, flood[0]);
            loop.callSoon(Priority.LOW, () -> log.add("low"));
            loop.callLater(Duration.ofSeconds(1), loop::stop);
            loop.runForever();
        }
        assertThat(log.indexOf("low")).isEqualTo(1); // right after the one high callback of the first pass
    }

    @Test
    void timersFireInDeadlineOrderAtTheirExactTimeOnAVirtualClock() {
        List<String> log = new ArrayList<>();
        try (EventLoop loop = new EventLoop(clock)) {
            long start = loop.time();
            for (int ms : new int[] {30, 10, 20, 10}) {
                loop.callLater(Duration.ofMillis(ms), () -> log.add(ms + "ms@" + (loop.time() - start) / 1_000_000));
            }
            loop.callAt(start + Duration.ofHours(1).toNanos(), loop::stop);
            loop.runForever();
            assertThat(clock.elapsed()).isEqualTo(Duration.ofHours(1).toNanos());
        }
        assertThat(log).containsExactly("10ms@10", "10ms@10", "20ms@20", "30ms@30");
    }

    @Test
    void aDelayTooLongForTheClockSaturatesInsteadOfOverflowingOnEitherClock() {
        for (Clock c : List.of(Clock.SYSTEM, clock)) {
            List<String> log = new ArrayList<>();
            try (EventLoop loop = new EventLoop(c)) {
                Duration forever = Duration.ofSeconds(Long.MAX_VALUE); // toNanos() and now + nanos overflow
                assertThat(loop.callLater(forever, () -> log.add("forever")).deadline()).isEqualTo(Long.MAX_VALUE);
                assertThat(loop.callLater(forever, Priority.HIGH, () -> log.add("forever")).deadline())
                        .isEqualTo(Long.MAX_VALUE);
                loop.callLater(Duration.ofSeconds(Long.MIN_VALUE), () -> log.add("long past: now"));
                loop.callLater(Duration.ofMillis(1), loop::stop);
                loop.runForever();
            }
            assertThat(log).as(c == clock ? "virtual clock" : "system clock").containsExactly("long past: now");
        }
    }

    @Test
    void aVirtualClockStopsAtTheEndOfTimeInsteadOfWrappingAround() {
        clock.advance(Long.MAX_VALUE);
        assertThat(clock.nanoTime()).isEqualTo(Long.MAX_VALUE);
        clock.advance(1);
        assertThat(clock.nanoTime()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void deadlinesAreComparedAsNumbersNotDifferencesSoAnyClockOriginWorks() {
        List<String> log = new ArrayList<>();
        try (EventLoop loop = new EventLoop(() -> -1_000)) { // a Clock's origin is arbitrary: its time may be < 0
            loop.callAt(Long.MAX_VALUE, () -> log.add("end of time")); // Long.MAX_VALUE - now overflows
            loop.callAt(Long.MIN_VALUE, () -> log.add("long ago"));
            loop.callSoon(() -> loop.callSoon(loop::stop));
            loop.runForever();
        }
        assertThat(log).containsExactly("long ago");
    }

    @Test
    void aCancelledCallbackNeverRuns() {
        List<String> log = new ArrayList<>();
        try (EventLoop loop = new EventLoop(clock)) {
            Scheduled soon = loop.callSoon(() -> log.add("soon"));
            Scheduled later = loop.callLater(Duration.ofSeconds(1), () -> log.add("later"));
            soon.cancel();
            later.cancel();
            loop.callLater(Duration.ofSeconds(2), loop::stop);
            loop.runForever();
            assertThat(soon.isCancelled()).isTrue();
        }
        assertThat(log).isEmpty();
    }

    @Test
    void cancelledTimersArePurgedSoAMillionLeakNothing() {
        try (EventLoop loop = new EventLoop(clock)) {
            for (int i = 0; i < 1_000_000; i++) {
                loop.callLater(Duration.ofDays(1), () -> { }).cancel();
            }
            TimerQueue timers = timersOf(loop);
            assertThat(timers.size()).isLessThanOrEqualTo(2 * TimerQueue.MIN_CANCELLED_TO_PURGE + 2);
        }
    }

    private static TimerQueue timersOf(EventLoop loop) {
        try {
            var field = EventLoop.class.getDeclaredField("timers");
            field.setAccessible(true);
            return (TimerQueue) field.get(loop);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anotherThreadWakesTheLoopWithCallSoonThreadsafe() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (EventLoop loop = new EventLoop()) {
            Thread other = Thread.ofPlatform().start(() -> loop.callSoonThreadsafe(() -> {
                log.add("from " + (loop.inLoopThread() ? "the loop" : "elsewhere"));
                loop.stop();
            }));
            loop.runForever(); // nothing scheduled: blocks in select until the other thread wakes it
            other.join();
        }
        assertThat(log).containsExactly("from the loop");
    }

    @Test
    void noCallbackFromAnotherThreadIsLeftWaitingWhileTheLoopSleeps() throws Exception {
        // Stresses the wake-up protocol: producers post in bursts while the loop keeps going back to sleep.
        int producers = 4;
        int each = 20_000;
        java.util.concurrent.atomic.AtomicInteger ran = new java.util.concurrent.atomic.AtomicInteger();
        try (EventLoop loop = new EventLoop()) {
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < each; i++) {
                        loop.callSoonThreadsafe(() -> {
                            if (ran.incrementAndGet() == producers * each) {
                                loop.stop();
                            }
                        });
                        if (i % 1000 == 0) {
                            Thread.yield();
                        }
                    }
                }));
            }
            loop.runForever(); // returns only if every callback ran; a lost wake-up hangs here (test time-out)
            for (Thread t : threads) {
                t.join();
            }
        }
        assertThat(ran).hasValue(producers * each);
    }

    @Test
    void otherThreadsMustUseTheThreadsafeEntry() throws Exception {
        try (EventLoop loop = new EventLoop()) {
            CountDownLatch running = new CountDownLatch(1);
            List<Throwable> refused = new CopyOnWriteArrayList<>();
            loop.callSoon(running::countDown);
            Thread other = Thread.ofPlatform().start(() -> {
                try {
                    running.await();
                    loop.callSoon(() -> { });
                } catch (Throwable t) {
                    refused.add(t);
                } finally {
                    loop.stop();
                }
            });
            loop.runForever();
            other.join();
            assertThat(refused).singleElement().isInstanceOf(IllegalStateException.class)
                    .extracting(Throwable::getMessage).asString().contains("callSoonThreadsafe");
        }
    }

    @Test
    void anExceptionInACallbackGoesToTheHandlerAndTheLoopGoesOn() {
        List<String> handled = new ArrayList<>();
        List<String> log = new ArrayList<>();
        try (EventLoop loop = new EventLoop(clock)) {
            loop.setExceptionHandler((l, context, error) -> handled.add(error.getMessage()));
            loop.callSoon(() -> {
                throw new IllegalStateException("boom");
            });
            loop.callSoon(() -> log.add("still running"));
            loop.callLater(Duration.ofMillis(1), loop::stop);
            loop.runForever();
        }
        assertThat(handled).containsExactly("boom");
        assertThat(log).containsExactly("still running");
    }

    @Test
    void aSlowCallbackIsNamedInAWarning() {
        List<String> warnings;
        try (LogCapture log = LogCapture.of(EventLoop.class); EventLoop loop = new EventLoop(clock)) {
            loop.setSlowCallbackThreshold(Duration.ofMillis(20));
            loop.callSoon(new Runnable() {
                @Override
                public void run() {
                    // Blocks the loop, exactly what the warning is for, until the warning has come: however long
                    // a loaded machine keeps the watchdog from looking (the class's time-out bounds it).
                    while (log.records().isEmpty()) {
                        try {
                            Thread.sleep(5);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }

                @Override
                public String toString() {
                    return "the sleepy callback";
                }
            });
            loop.callSoon(() -> { });
            loop.callLater(Duration.ofMillis(1), loop::stop);
            loop.runForever();
            warnings = log.messages();
        }
        assertThat(warnings).singleElement().asString().contains("the sleepy callback", "has run for");
    }

    @Test
    void readersRunWhenTheirChannelIsReadableUntilRemoved() throws Exception {
        Pipe pipe = Pipe.open();
        List<String> got = new ArrayList<>();
        try (EventLoop loop = new EventLoop()) {
            loop.addReader(pipe.source(), () -> {
                ByteBuffer buffer = ByteBuffer.allocate(64);
                try {
                    int n = pipe.source().read(buffer);
                    got.add(new String(buffer.array(), 0, n));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                assertThat(loop.removeReader(pipe.source())).isTrue();
                loop.stop();
            });
            loop.addWriter(pipe.sink(), () -> {
                try {
                    pipe.sink().write(ByteBuffer.wrap("hello".getBytes()));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                loop.removeWriter(pipe.sink());
            });
            assertThat(loop.watchedChannels()).isEqualTo(2);
            loop.runForever();
            assertThat(loop.watchedChannels()).isZero();
            assertThat(loop.removeReader(pipe.source())).isFalse();
        } finally {
            pipe.source().close();
            pipe.sink().close();
        }
        assertThat(got).containsExactly("hello");
    }

    @Test
    void onAVirtualClockReadyIoRunsBeforeTheClockJumpsToTheNextTimer() throws Exception {
        Pipe pipe = Pipe.open();
        List<Long> readAt = new ArrayList<>();
        try (EventLoop loop = new EventLoop(clock)) {
            long start = loop.time();
            loop.callLater(Duration.ofHours(1), loop::stop);
            loop.addReader(pipe.source(), () -> {
                readAt.add(loop.time() - start);
                loop.removeReader(pipe.source());
            });
            pipe.sink().write(ByteBuffer.wrap(new byte[] {1})); // ready before the first pass
            loop.runForever();
        } finally {
            pipe.source().close();
            pipe.sink().close();
        }
        assertThat(readAt).as("read at once, not when the clock reached the timer").containsExactly(0L);
    }

    @Test
    void aReaderCanBeRemovedAndAddedAgainAtOnce() throws Exception {
        Pipe pipe = Pipe.open();
        List<String> got = new ArrayList<>();
        try (EventLoop loop = new EventLoop()) {
            loop.addReader(pipe.source(), () -> got.add("first"));
            loop.removeReader(pipe.source());
            loop.addReader(pipe.source(), () -> {
                got.add("second");
                loop.removeReader(pipe.source());
                loop.stop();
            });
            pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
            loop.runForever();
        } finally {
            pipe.source().close();
            pipe.sink().close();
        }
        assertThat(got).containsExactly("second");
    }

    @Test
    void aClosedLoopRefusesWorkAndCannotRun() {
        EventLoop loop = new EventLoop(clock);
        loop.close();
        assertThat(loop.isClosed()).isTrue();
        assertThatThrownBy(() -> loop.callSoon(() -> { })).hasMessageContaining("closed");
        assertThatThrownBy(() -> loop.callSoonThreadsafe(() -> { })).hasMessageContaining("closed");
        assertThatThrownBy(loop::runForever).hasMessageContaining("closed");
    }
}
