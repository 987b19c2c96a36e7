package dev.simul.loop.sync;

/**
 * A counting semaphore for coroutines of one loop (asyncio.Semaphore). Waiters get permits in FIFO order: a
 * released permit is handed straight to the first waiter, so a newcomer cannot overtake it.
 * Cancellation-safe: a waiter cancelled just after a permit was handed to it passes the permit on.
 * Loop thread only.
 *
 * <p>Beside {@link java.util.concurrent.Semaphore}: as there, permits are not owned, and {@link #release()} needs no
 * earlier {@link #acquire()} (it adds a permit). Unlike there, the initial count may not be negative (asyncio's
 * rule), {@link #tryAcquire()} never takes a permit ahead of a waiter (the JDK's barges in, even when fair), a
 * release past {@code Integer.MAX_VALUE} permits fails with an {@link IllegalStateException} (the JDK's throws an
 * {@code Error}), and waiting ends in a {@code CancellationException}, not an {@code InterruptedException}.
 */
public final class AsyncSemaphore {

    private final Waiters waiters = new Waiters();
    private int permits;

    /** A semaphore with {@code permits} permits (at least 0). */
    public AsyncSemaphore(int permits) {
        if (permits < 0) {
            throw new IllegalArgumentException("permits must not be negative, got " + permits);
        }
        this.permits = permits;
    }

    /** Takes a permit, waiting in line for one if none is free. */
    public void acquire() {
        if (permits > 0 && !waiters.anyWaiting()) {
            permits--;
            return;
        }
        waiters.await(this::release); // woken means a permit was handed over; cancelled meanwhile: give it back
    }

    /** Takes a permit if one is free and nobody waits; never waits. */
    public boolean tryAcquire() {
        if (permits > 0 && !waiters.anyWaiting()) {
            permits--;
            return true;
        }
        return false;
    }

    /** Returns a permit: to the first waiter if any, else to the pool. */
    public void release() {
        if (waiters.signalOne()) {
            return;
        }
        if (permits == Integer.MAX_VALUE) {
            throw new IllegalStateException("an AsyncSemaphore cannot hold more than Integer.MAX_VALUE permits");
        }
        permits++;
    }

    /** Free permits now. */
    public int available() {
        return permits;
    }
}
