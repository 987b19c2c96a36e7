package dev.simul.loop.sync;

/**
 * A flag that coroutines can wait for (asyncio.Event): {@link #set()} wakes every waiter, and later waits return
 * at once until {@link #clear()}. Unlike a {@link java.util.concurrent.CountDownLatch}, it can be cleared and set
 * again. Loop thread only.
 */
public final class AsyncEvent {

    private final Waiters waiters = new Waiters();
    private boolean set;

    /** Sets the flag and wakes every waiter. */
    public void set() {
        set = true;
        waiters.signalAll();
    }

    /** Clears the flag. */
    public void clear() {
        set = false;
    }

    /** Whether the flag is set. */
    public boolean isSet() {
        return set;
    }

    /** Returns when the flag is set (at once if it is). */
    public void await() {
        if (!set) {
            waiters.await(() -> { }); // a wake-up of an event is for everyone: nothing to pass on
        }
    }
}
