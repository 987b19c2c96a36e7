package dev.simul.loop;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Timers ordered by deadline, then by scheduling order. Loop thread only.
 *
 * <p>A cancelled timer stays in the heap until it comes due or until cancelled timers are both more than
 * {@link #MIN_CANCELLED_TO_PURGE} and more than half of the heap; then the heap is rebuilt without them. Cancelling
 * a million timers therefore holds on to at most about as many as are alive (asyncio's rule).
 */
final class TimerQueue {

    /** Below this many cancelled timers a purge costs more than it frees. */
    static final int MIN_CANCELLED_TO_PURGE = 100;

    private PriorityQueue<Scheduled> heap = new PriorityQueue<>(TimerQueue::compare);
    private int cancelled;

    private static int compare(Scheduled a, Scheduled b) {
        int byDeadline = Long.compare(a.deadline, b.deadline);
        return byDeadline != 0 ? byDeadline : Long.compare(a.sequence, b.sequence);
    }

    void add(Scheduled timer) {
        timer.inTimerQueue = true;
        heap.add(timer);
    }

    /** Notes that a timer in the queue was cancelled, purging when cancelled timers dominate. */
    void cancelled(Scheduled timer) {
        if (!timer.inTimerQueue) {
            return;
        }
        cancelled++;
        if (cancelled > MIN_CANCELLED_TO_PURGE && cancelled * 2 > heap.size()) {
            PriorityQueue<Scheduled> live = new PriorityQueue<>(Math.max(1, heap.size() - cancelled),
                    TimerQueue::compare);
            for (Scheduled t : heap) {
                if (t.isCancelled()) {
                    t.inTimerQueue = false;
                } else {
                    live.add(t);
                }
            }
            heap = live;
            cancelled = 0;
        }
    }

    /** The earliest live deadline, or {@code Long.MAX_VALUE} if there is none. Drops cancelled heads. */
    long nextDeadline() {
        dropCancelledHead();
        Scheduled head = heap.peek();
        return head == null ? Long.MAX_VALUE : head.deadline;
    }

    /** Removes the timers due at {@code now}, in order, and hands them to {@code ready}. */
    void moveDue(long now, ReadyQueue ready) {
        while (true) {
            dropCancelledHead();
            Scheduled head = heap.peek();
            if (head == null || head.deadline - now > 0) {
                return;
            }
            heap.poll();
            head.inTimerQueue = false;
            ready.add(head);
        }
    }

    private void dropCancelledHead() {
        Scheduled head;
        while ((head = heap.peek()) != null && head.isCancelled()) {
            heap.poll();
            head.inTimerQueue = false;
            cancelled--;
        }
    }

    int size() {
        return heap.size();
    }

    /** Live timers, for the loop's dump of what is pending. */
    List<Scheduled> live() {
        List<Scheduled> live = new ArrayList<>();
        for (Scheduled t : heap) {
            if (!t.isCancelled()) {
                live.add(t);
            }
        }
        return live;
    }
}
