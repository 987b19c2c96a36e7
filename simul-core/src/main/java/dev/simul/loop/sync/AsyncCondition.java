package dev.simul.loop.sync;

import java.util.Objects;

/**
 * A condition variable for coroutines (asyncio.Condition): wait releases the lock, waits for a notification and
 * takes the lock again before returning, even when cancelled. A waiter cancelled after it was notified passes the
 * notification to the next waiter. Loop thread only.
 *
 * <p>As with {@link java.util.concurrent.locks.Condition}, {@link #await()}, {@link #signal()} and
 * {@link #signalAll()} need the lock held by the calling coroutine; without it they throw an
 * {@link IllegalStateException} (the JDK's {@code IllegalMonitorStateException}, asyncio's "cannot notify on
 * un-acquired lock"). Unlike the JDK's, {@code await} never wakes spuriously, and is ended early by a
 * {@code CancellationException}, not an {@code InterruptedException}.
 */
public final class AsyncCondition {

    private final AsyncLock lock;
    private final Waiters waiters = new Waiters();

    /** A condition with its own lock. */
    public AsyncCondition() {
        this(new AsyncLock());
    }

    /** A condition over {@code lock}. */
    public AsyncCondition(AsyncLock lock) {
        this.lock = Objects.requireNonNull(lock, "lock");
    }

    /** The lock this condition is over. */
    public AsyncLock lock() {
        return lock;
    }

    /** Releases the lock, waits for a notification, and takes the lock again. The lock must be held. */
    public void await() {
        requireLockHeld("await");
        lock.release();
        RuntimeException cancelled = null;
        try {
            // Cancelled after a notification: hand it on. Not through signal(): this waiter no longer holds the lock.
            waiters.await(waiters::signalOne);
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

    /** Wakes one waiter. The lock must be held. */
    public void signal() {
        requireLockHeld("signal");
        waiters.signalOne();
    }

    /** Wakes every waiter. The lock must be held. */
    public void signalAll() {
        requireLockHeld("signalAll");
        waiters.signalAll();
    }

    private void requireLockHeld(String what) {
        if (!lock.isHeldByCurrentCoroutine()) {
            throw new IllegalStateException(what + " on an AsyncCondition whose lock the calling coroutine does not"
                    + " hold (" + (lock.isLocked() ? "another coroutine holds it" : "nobody holds it") + ")");
        }
    }
}
