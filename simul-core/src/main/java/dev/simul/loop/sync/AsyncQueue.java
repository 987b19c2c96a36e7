package dev.simul.loop.sync;

import java.util.ArrayDeque;
import java.util.Objects;

/**
 * A FIFO queue between coroutines of one loop (asyncio.Queue), optionally bounded: {@link #put} waits while it is
 * full (backpressure), {@link #take} waits while it is empty. Loop thread only.
 *
 * <p>Its methods follow {@link java.util.concurrent.BlockingQueue}, with "waits" meaning the calling coroutine
 * suspends (and a wait ends early in a {@code CancellationException}, not an {@code InterruptedException}):
 * {@link #put}/{@link #take} wait, {@link #offer}/{@link #poll} never do; {@code poll} on an empty queue returns
 * null. So, as there, null items are refused with a {@link NullPointerException}. It is not a
 * {@link java.util.Collection}: no iteration, no removal from the middle.
 *
 * <p>Cancellation-safe: a wake-up is only a signal to look again, and a waiter cancelled after being woken passes
 * the wake-up on; an item leaves the queue only in a {@code take} that returns it. So a cancelled waiter loses no
 * item and no free slot.
 *
 * @param <T> the type of the items
 */
public final class AsyncQueue<T> {

    private final int capacity;
    private final ArrayDeque<T> items = new ArrayDeque<>();
    private final Waiters takers = new Waiters();
    private final Waiters putters = new Waiters();

    /** An unbounded queue. */
    public AsyncQueue() {
        this(Integer.MAX_VALUE);
    }

    /** A queue of at most {@code capacity} items. */
    public AsyncQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** Adds {@code item}, waiting while the queue is full. */
    public void put(T item) {
        requireItem(item); // before waiting: a null must not fail only once a slot frees up
        while (items.size() >= capacity) {
            putters.await(this::wakePutter);
        }
        offerNow(item);
    }

    /** Adds {@code item} if there is room; never waits. */
    public boolean offer(T item) {
        requireItem(item);
        if (items.size() >= capacity) {
            return false;
        }
        offerNow(item);
        return true;
    }

    private static void requireItem(Object item) {
        Objects.requireNonNull(item, "an AsyncQueue holds no null item (poll() returns null for an empty queue)");
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

    /** Removes and returns the oldest item, or null if the queue is empty; never waits. */
    public T poll() {
        if (items.isEmpty()) {
            return null;
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
