package dev.simul.loop.sync;

/**
 * A condition variable for coroutines (asyncio.Condition): wait releases the lock, waits for a notification and
 * takes the lock again before returning, even when cancelled. A waiter cancelled after it was notified passes the
 * notification to the next waiter. Loop thread only.
 */
public final class Condition {

    private final Lock lock;
    private final Waiters waiters = new Waiters();

    /** A condition with its own lock. */
    public Condition() {
        this(new Lock());
    }

    /** A condition over {@code lock}. */
    public Condition(Lock lock) {
        this.lock = lock;
    }

    /** The lock this condition is over. */
    public Lock lock() {
        return lock;
    }

    /** Releases the lock, waits for a notification, and takes the lock again. The lock must be held. */
    public void await() {
        if (!lock.isLocked()) {
            throw new IllegalStateException("await on a condition whose lock is not held");
        }
        lock.release();
        RuntimeException cancelled = null;
        try {
            waiters.await(this::signal);
        } catch (RuntimeException e) {
            cancelled = e;
        }
        while (true) {
            try {
                lock.acquire(); // the caller holds the lock on return, whatever happened
                break;
            } catch (RuntimeException e) {
                cancelled = cancelled != null ? cancelled : e;
            }
        }
        if (cancelled != null) {
            throw cancelled;
        }
    }

    /** Wakes one waiter. */
    public void signal() {
        waiters.signalOne();
    }

    /** Wakes every waiter. */
    public void signalAll() {
        waiters.signalAll();
    }
}
