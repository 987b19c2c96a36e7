package dev.simul.runner;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads a runner started for its tasks that have not ended yet, and a wait until there are none: what a
 * runner's {@code awaitResources} waits for, so that {@code close} returns once the runner's threads are gone.
 */
final class LiveThreads {

    private final AtomicInteger count = new AtomicInteger();

    /** Called before a thread is started. */
    void started() {
        count.incrementAndGet();
    }

    /** Called as a started thread ends (or when it could not be started after all). */
    void ended() {
        if (count.decrementAndGet() == 0) {
            synchronized (count) {
                count.notifyAll();
            }
        }
    }

    /** Waits until no thread is alive, or until {@code deadlineNanos} ({@link System#nanoTime()}); true if none is. */
    boolean awaitNone(long deadlineNanos) throws InterruptedException {
        synchronized (count) {
            while (count.get() > 0) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(count, left);
            }
        }
        return true;
    }
}
