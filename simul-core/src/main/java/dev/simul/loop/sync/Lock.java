package dev.simul.loop.sync;

/**
 * A mutual-exclusion lock for coroutines of one loop (asyncio.Lock): held across waits, granted in FIFO order,
 * cancellation-safe (a waiter cancelled just as the lock was handed to it passes it on). Not reentrant.
 * Loop thread only.
 *
 * <pre>{@code
 * lock.acquire();
 * try { ... } finally { lock.release(); }
 * }</pre>
 */
public final class Lock {

    private final Semaphore permit = new Semaphore(1);

    /** Takes the lock, waiting in line if it is held. */
    public void acquire() {
        permit.acquire();
    }

    /** Takes the lock if it is free and nobody waits; never waits. */
    public boolean tryAcquire() {
        return permit.tryAcquire();
    }

    /** Releases the lock, handing it to the first waiter if any. */
    public void release() {
        if (!isLocked()) {
            throw new IllegalStateException("release of a lock that is not held");
        }
        permit.release();
    }

    /** Whether the lock is held. */
    public boolean isLocked() {
        return permit.available() == 0;
    }
}
