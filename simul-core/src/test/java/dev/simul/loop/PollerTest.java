package dev.simul.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simul.testing.LogCapture;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The poller's guard against the JDK's epoll spin. Its clock is a fake that the test moves itself, so whether a
 * select counts as premature never depends on how busy the machine is.
 */
@Timeout(30)
class PollerTest {

    private static final long TEN_SECONDS = TimeUnit.SECONDS.toNanos(10);

    /** A clock that moves only by {@code step} at each reading: what the poller measures a select to have taken. */
    private static final class SteppingClock implements Clock {
        private final long step;
        private long now;

        SteppingClock(long step) {
            this.step = step;
        }

        @Override
        public long nanoTime() {
            long t = now;
            now += step;
            return t;
        }
    }

    private final List<String> ran = new ArrayList<>();
    private final ReadyQueue ready = new ReadyQueue();
    /** Never set: the wake-ups below are hidden from the poller, as a spurious return is. */
    private final AtomicBoolean noWakeupAsked = new AtomicBoolean();
    private Pipe pipe;
    private EventLoop owner;

    @BeforeEach
    void openPipe() throws Exception {
        pipe = Pipe.open();
        owner = new EventLoop(new VirtualClock());
    }

    @AfterEach
    void closePipe() throws Exception {
        owner.close();
        pipe.source().close();
        pipe.sink().close();
    }

    private void watch(Poller poller) {
        poller.set(pipe.source(), SelectionKey.OP_READ,
                new Scheduled(owner, () -> ran.add("read"), Priority.NORMAL, 0, 0));
    }

    /** A select that returns at once with nothing selected: the selector's pending wake-up ends it. */
    private void emptyReturn(Poller poller, AtomicBoolean wakeupPending) {
        poller.wakeup();
        poller.poll(TEN_SECONDS, ready, wakeupPending);
    }

    @Test
    void theSelectorIsRebuiltAfterTooManyPrematureReturnsAndKeepsItsChannels() throws Exception {
        try (LogCapture log = LogCapture.of(EventLoop.class);
                Poller poller = new Poller(new SteppingClock(0))) { // every select takes no time at all
            watch(poller);
            for (int i = 1; i < Poller.SPIN_LIMIT; i++) {
                emptyReturn(poller, noWakeupAsked);
            }
            assertThat(poller.rebuilds()).isZero();
            emptyReturn(poller, noWakeupAsked);
            assertThat(poller.rebuilds()).isEqualTo(1);
            assertThat(log.messages()).singleElement().asString().contains("epoll spin");
            pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
            poller.poll(TEN_SECONDS, ready, noWakeupAsked);
            ready.runPass(s -> s.action.run());
        }
        assertThat(ran).containsExactly("read");
    }

    @Test
    void anEmptyReturnAfterHalfAMillisecondIsNotPremature() {
        try (Poller poller = new Poller(new SteppingClock(Poller.PREMATURE_NANOS))) {
            watch(poller);
            for (int i = 0; i < 2 * Poller.SPIN_LIMIT; i++) {
                emptyReturn(poller, noWakeupAsked);
            }
            assertThat(poller.rebuilds()).isZero();
        }
    }

    @Test
    void aReturnForAWakeupAskedForDuringTheSelectIsNotPremature() throws Exception {
        AtomicBoolean asked = new AtomicBoolean(); // the loop's flag, as callSoonThreadsafe sets it
        Poller[] poller = {null};
        Thread[] sender = {null};
        // The poller reads its clock just before it selects: the sender starts there, after any look at the flag
        // made before the select, and its wake-up comes just before or during the select.
        Clock sendsAtTheStart = () -> {
            if (sender[0] == null) {
                sender[0] = Thread.ofVirtual().start(() -> {
                    asked.set(true);
                    poller[0].wakeup();
                });
            }
            return 0;
        };
        try (Poller p = new Poller(sendsAtTheStart)) {
            poller[0] = p;
            watch(p);
            for (int i = 0; i < 2 * Poller.SPIN_LIMIT; i++) {
                asked.set(false); // as the loop clears it after each poll
                p.poll(TEN_SECONDS, ready, asked);
                sender[0].join();
                sender[0] = null;
            }
            assertThat(p.rebuilds()).isZero();
        }
    }

    @Test
    void aSelectTimeoutIsRoundedUpToAMillisecondWithoutOverflowing() {
        assertThat(Poller.selectMillis(-1)).isZero(); // no limit
        assertThat(Poller.selectMillis(1)).isEqualTo(1);
        assertThat(Poller.selectMillis(1_000_000)).isEqualTo(1);
        assertThat(Poller.selectMillis(1_000_001)).isEqualTo(2);
        assertThat(Poller.selectMillis(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE / 1_000_000 + 1);
    }
}
