package dev.simul.loop.sync;

import java.util.ArrayDeque;
import java.util.NoSuchElementException;

/**
 * A FIFO queue between coroutines of one loop (asyncio.Queue), optionally bounded: {@link #put} waits while it is
 * full (backpressure), {@link #take} waits while it is empty. Loop thread only.
 *
 * <p>Cancellation-safe: a wake-up is only a signal to look again, and a waiter cancelled after being woken passes
 * the wake-up on; an item leaves the queue only in a {@code take} that returns it. So a cancelled waiter loses no
 * item and no free slot.
 */
public final class Queue<T> {

    private final int capacity;
    private final ArrayDeque<T> items = new ArrayDeque<>();
    private final Waiters takers = new Waiters();
    private final Waiters putters = new Waiters();

    /** An unbounded queue. */
    public Queue() {
        this(Integer.MAX_VALUE);
    }

    /** A queue of at most {@code capacity} items. */
    public Queue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** Adds {@code item}, waiting while the queue is full. */
    public void put(T item) {
        while (items.size() >= capacity) {
            putters.await(this::wakePutter);
        }
        offerNow(item);
    }

    /** Adds {@code item} if there is room; never waits. */
    public boolean offer(T item) {
        if (items.size() >= capacity) {
            return false;
        }
        offerNow(item);
        return true;
    }

    private void offerNow(T item) {
        items.addLast(item);
        takers.signalOne();
    }

    /** Removes and returns the oldest item, waiting while the queue is empty. */
    public T take() {
        while (items.isEmpty()) {
            takers.await(this::wakeTaker);
        }
        return pollNow();
    }

    /** Removes and returns the oldest item; fails if empty; never waits. */
    public T poll() {
        if (items.isEmpty()) {
            throw new NoSuchElementException("the queue is empty");
        }
        return pollNow();
    }

    private T pollNow() {
        T item = items.pollFirst();
        putters.signalOne();
        return item;
    }

    private void wakeTaker() {
        if (!items.isEmpty()) {
            takers.signalOne();
        }
    }

    private void wakePutter() {
        if (items.size() < capacity) {
            putters.signalOne();
        }
    }

    /** Items in the queue now. */
    public int size() {
        return items.size();
    }

    /** Whether the queue holds no item. */
    public boolean isEmpty() {
        return items.isEmpty();
    }

    /** The bound given at construction, or {@code Integer.MAX_VALUE}. */
    public int capacity() {
        return capacity;
    }
}
