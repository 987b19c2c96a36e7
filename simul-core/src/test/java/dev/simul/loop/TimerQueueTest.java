package dev.simul.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The timer queue's count of cancelled timers, whatever the order in which cancellations and their notices arrive.
 *
 * <p>The loop belongs to another thread, so {@link Scheduled#cancel()} called here only posts a notice to the loop's
 * inbox, which never runs. The test plays the loop thread: it hands notices to the queue itself, late or never, as
 * a busy loop might after a cancel from another thread.
 */
class TimerQueueTest {

    private final TimerQueue queue = new TimerQueue();
    private EventLoop loop;
    private long sequence;

    @BeforeEach
    void createLoopOwnedByAnotherThread() throws InterruptedException {
        AtomicReference<EventLoop> created = new AtomicReference<>();
        Thread.ofPlatform().start(() -> created.set(new EventLoop(new VirtualClock()))).join();
        loop = created.get();
        assertThat(loop.inLoopThread()).isFalse();
    }

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    private Scheduled timer(long deadline) {
        Scheduled s = new Scheduled(loop, () -> { }, Priority.NORMAL, deadline, sequence++);
        queue.add(s);
        return s;
    }

    /** Cancelled timers still in the heap, counted the slow way. */
    private int cancelledInHeap() {
        return queue.size() - queue.live().size();
    }

    @Test
    void aTimerDroppedBeforeTheNoticeOfItsCancelArrivesIsNeverCountedBelowZero() {
        Scheduled s = timer(10);
        s.cancel(); // from "another thread": the notice is still on its way
        assertThat(queue.nextDeadline()).isEqualTo(Long.MAX_VALUE); // the loop drops the cancelled head
        assertThat(queue.cancelledCount()).isZero();
        queue.cancelled(s); // the notice arrives after the timer left the heap
        assertThat(queue.cancelledCount()).isZero();
        assertThat(queue.size()).isZero();
    }

    @Test
    void aTimerDroppedAfterTheNoticeArrivedIsUncountedOnce() {
        Scheduled s = timer(10);
        timer(20);
        s.cancel();
        queue.cancelled(s);
        queue.cancelled(s); // two threads racing in cancel() can both send a notice
        assertThat(queue.cancelledCount()).isOne();
        queue.moveDue(10, new ReadyQueue());
        assertThat(queue.cancelledCount()).isZero();
        assertThat(queue.size()).isOne();
    }

    @Test
    void timersPurgedBeforeTheirNoticesArriveAreNotCountedWhenTheyDo() {
        List<Scheduled> timers = new ArrayList<>();
        for (int i = 0; i < 3 * TimerQueue.MIN_CANCELLED_TO_PURGE; i++) {
            timers.add(timer(1_000 + i));
        }
        List<Scheduled> late = timers.subList(0, TimerQueue.MIN_CANCELLED_TO_PURGE);
        late.forEach(Scheduled::cancel); // notices held back
        for (Scheduled s : timers.subList(late.size(), timers.size() - 10)) {
            s.cancel();
            queue.cancelled(s); // these purge the heap, late ones included
        }
        assertThat(queue.size()).as("purged").isLessThan(timers.size() - late.size());
        late.forEach(queue::cancelled);
        assertThat(queue.cancelledCount()).isEqualTo(cancelledInHeap());
    }

    @Test
    void theCountNeverGoesNegativeNorPastTheCancelledTimersInTheHeap() {
        Random random = new Random(42);
        List<Scheduled> timers = new ArrayList<>();
        List<Scheduled> noticesInFlight = new ArrayList<>();
        long now = 0;
        for (int step = 0; step < 20_000; step++) {
            switch (random.nextInt(5)) {
                case 0, 1 -> timers.add(timer(now + random.nextInt(1_000)));
                case 2 -> {
                    if (!timers.isEmpty()) {
                        Scheduled s = timers.get(random.nextInt(timers.size()));
                        s.cancel();
                        noticesInFlight.add(s);
                    }
                }
                case 3 -> {
                    if (!noticesInFlight.isEmpty()) {
                        queue.cancelled(noticesInFlight.remove(random.nextInt(noticesInFlight.size())));
                    }
                }
                default -> {
                    now += random.nextInt(50);
                    queue.moveDue(now, new ReadyQueue());
                }
            }
            assertThat(queue.cancelledCount()).as("step %d", step).isBetween(0, cancelledInHeap());
        }
        noticesInFlight.forEach(queue::cancelled);
        assertThat(queue.cancelledCount()).as("once every notice arrived").isEqualTo(cancelledInHeap());
    }
}
