package dev.simul.loop.sync;

/**
 * A counting semaphore for coroutines of one loop (asyncio.Semaphore). Waiters get permits in FIFO order: a
 * released permit is handed straight to the first waiter, so a newcomer cannot overtake it.
 * Cancellation-safe: a waiter cancelled just after a permit was handed to it passes the permit on.
 * Loop thread only.
 */
public final class Semaphore {

    private final Waiters waiters = new Waiters();
    private int permits;

    /** A semaphore with {@code permits} permits (at least 0). */
    public Semaphore(int permits) {
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
        if (!waiters.signalOne()) {
            permits++;
        }
    }

    /** Free permits now. */
    public int available() {
        return permits;
    }
}
