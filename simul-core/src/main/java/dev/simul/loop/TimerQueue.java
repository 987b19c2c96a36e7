package dev.simul.loop;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Timers ordered by deadline, then by scheduling order. Loop thread only.
 *
 * <p>Deadlines are compared as plain numbers, never as differences: the loop saturates them at
 * {@code Long.MAX_VALUE} instead of letting them wrap around, and with a deadline that far (or a clock below zero,
 * which a {@link Clock} may be) a difference would overflow and make the timer due at once.
 *
 * <p>A cancelled timer stays in the heap until it comes due or until cancelled timers are both more than
 * {@link #MIN_CANCELLED_TO_PURGE} and more than half of the heap; then the heap is rebuilt without them. Cancelling
 * a million timers therefore holds on to at most about as many as are alive (asyncio's rule).
 *
 * <p>The queue learns of a cancel through {@link #cancelled(Scheduled)}, which a cancel on another thread reaches
 * only later, through the loop's inbox. Meanwhile the loop may already have dropped the timer (it came due, or a
 * purge took it, since both go by {@link Scheduled#isCancelled()}), and two threads racing in {@code cancel()} may
 * send two notices. So each timer carries a flag saying whether the queue counted it: a drop uncounts a timer only
 * if it was counted, and a notice counts a timer only once, and only while it is still in the heap.
 */
final class TimerQueue {

    /** Below this many cancelled timers a purge costs more than it frees. */
    static final int MIN_CANCELLED_TO_PURGE = 100;

    private PriorityQueue<Scheduled> heap = new PriorityQueue<>(TimerQueue::compare);
    /**
     * The cancelled timers in the heap whose notice has arrived (those with {@code cancelCounted} set). Invariant:
     * never negative nor over the cancelled timers in the heap, and equal to them once every notice has arrived.
     */
    private int counted;

    private static int compare(Scheduled a, Scheduled b) {
        int byDeadline = Long.compare(a.deadline, b.deadline);
        return byDeadline != 0 ? byDeadline : Long.compare(a.sequence, b.sequence);
    }

    void add(Scheduled timer) {
        timer.inTimerQueue = true;
        heap.add(timer);
    }

    /** Notes that a timer was cancelled, purging when cancelled timers dominate. Loop thread only. */
    void cancelled(Scheduled timer) {
        if (!timer.inTimerQueue || timer.cancelCounted) {
            return; // already dropped (its notice came late), or already counted (a second notice)
        }
        timer.cancelCounted = true;
        int count = ++counted;
        if (count > MIN_CANCELLED_TO_PURGE && count * 2 > heap.size()) {
            // Drops every cancelled timer, counted or not: notices still on their way then find them gone.
            PriorityQueue<Scheduled> live = new PriorityQueue<>(Math.max(1, heap.size() - count),
                    TimerQueue::compare);
            for (Scheduled t : heap) {
                if (t.isCancelled()) {
                    t.inTimerQueue = false;
                    t.cancelCounted = false;
                } else {
                    live.add(t);
                }
            }
            heap = live;
            counted = 0;
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
            if (head == null || head.deadline > now) { // plain numbers, as the heap orders them: see the class
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
            if (head.cancelCounted) { // not counted if its notice is still on its way
                head.cancelCounted = false;
                counted--;
            }
        }
    }

    /** How many cancelled timers in the heap the queue has counted; for tests. */
    int cancelledCount() {
        return counted;
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
