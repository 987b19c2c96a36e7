package dev.simul.runner;

import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A new virtual thread per task. A blocked virtual thread releases its carrier thread, so thousands of waiting
 * tasks cost little. An optional limit bounds how many tasks run at once: the others wait, in submission order,
 * on a fair semaphore inside their own virtual threads.
 */
final class VirtualThreadRunner extends AbstractRunner {

    private static final AtomicInteger RUNNERS = new AtomicInteger();

    private final ThreadFactory threads;
    private final Semaphore permits; // null when unbounded

    VirtualThreadRunner(int limit) {
        super(Runners.VIRTUAL, limit);
        threads = Thread.ofVirtual().name("simul-virtual-" + RUNNERS.incrementAndGet() + "-", 1).factory();
        permits = limit == UNBOUNDED ? null : new Semaphore(limit, true);
    }

    @Override
    protected void dispatch(Promise<?> promise) {
        Runnable body = permits == null ? promise : () -> runWithPermit(promise);
        threads.newThread(body).start();
    }

    private void runWithPermit(Promise<?> promise) {
        permits.acquireUninterruptibly(); // a task cancelled meanwhile takes its turn and returns at once
        try {
            promise.run();
        } finally {
            permits.release();
        }
    }
}
