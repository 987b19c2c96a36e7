package dev.simul.loop.sync;

import dev.simul.loop.Coroutine;

/**
 * A mutual-exclusion lock for coroutines of one loop (asyncio.Lock): held across waits, granted in FIFO order,
 * cancellation-safe (a waiter cancelled just as the lock was handed to it passes it on). Loop thread only.
 *
 * <pre>{@code
 * lock.acquire();
 * try { ... } finally { lock.release(); }
 * }</pre>
 *
 * <p>Owned, as a {@link java.util.concurrent.locks.ReentrantLock} is by a thread: the holder is the coroutine that
 * acquired it (or, for a {@link #tryAcquire()} outside any coroutine, the loop thread's plain callbacks). Misuse
 * fails at once with an {@link IllegalStateException} where the JDK throws {@code IllegalMonitorStateException}:
 * releasing a lock that is not held or is held by another coroutine (asyncio lets any task release a held lock;
 * Trio, like the JDK, does not), and acquiring it again in the coroutine that holds it (it is not reentrant, so
 * that would wait for itself forever). Waiting ends in a {@code CancellationException}, not an
 * {@code InterruptedException}.
 */
public final class AsyncLock {

    /** The holder when the lock was taken outside any coroutine. */
    private static final Object OUTSIDE_COROUTINES = new Object();

    private final AsyncSemaphore permit = new AsyncSemaphore(1);
    /** The coroutine holding the lock; null while it is free or handed to a waiter that has not resumed yet. */
    private Object holder;

    /** Takes the lock, waiting in line if it is held. */
    public void acquire() {
        if (isHeldByCurrentCoroutine()) {
            throw new IllegalStateException("an AsyncLock is not reentrant: this coroutine holds it already");
        }
        permit.acquire();
        holder = caller();
    }

    /** Takes the lock if it is free and nobody waits; never waits. */
    public boolean tryAcquire() {
        if (!permit.tryAcquire()) {
            return false;
        }
        holder = caller();
        return true;
    }

    /** Releases the lock, handing it to the first waiter if any. Only its holder may. */
    public void release() {
        if (!isLocked()) {
            throw new IllegalStateException("release of an AsyncLock that is not held");
        }
        if (!isHeldByCurrentCoroutine()) {
            throw new IllegalStateException("release of an AsyncLock held by another coroutine");
        }
        holder = null;
        permit.release();
    }

    /** Whether the lock is held (by anyone). */
    public boolean isLocked() {
        return permit.available() == 0;
    }

    /** Whether the calling coroutine holds the lock (ReentrantLock's {@code isHeldByCurrentThread}). */
    public boolean isHeldByCurrentCoroutine() {
        return holder != null && holder == caller();
    }

    private static Object caller() {
        Coroutine<?> self = Coroutine.current();
        return self != null ? self : OUTSIDE_COROUTINES;
    }
}
