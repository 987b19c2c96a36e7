package dev.simul.runner;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A new virtual thread per task. A blocked virtual thread releases its carrier thread, so thousands of waiting
 * tasks cost little. An optional limit bounds how many tasks run at once; the others wait in a FIFO queue and
 * start in submission order as running ones finish.
 *
 * <p>Overview: with a limit, {@code permits} counts the free slots. A task takes a slot or joins {@code queue};
 * whoever frees a slot, or adds to the queue, then starts queued tasks while slots are free ({@link #drain}), so a
 * task is never left queued with a slot free. {@code alive} counts the started virtual threads that have not
 * ended, so that the runner is terminated only once they all have.
 */
final class VirtualThreadRunner extends AbstractRunner {

    private static final AtomicInteger RUNNERS = new AtomicInteger();

    private final ThreadFactory threads;
    private final ConcurrentLinkedQueue<Promise<?>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger permits;
    private final LiveThreads alive = new LiveThreads();

    VirtualThreadRunner(int limit) {
        super(VirtualMode.NAME, limit);
        threads = Thread.ofVirtual().name("simul-virtual-" + RUNNERS.incrementAndGet() + "-", 1).factory();
        permits = new AtomicInteger(limit);
    }

    @Override
    protected void dispatch(Promise<?> promise) {
        if (workers() == UNBOUNDED) {
            start(promise);
        } else {
            queue.add(promise);
            drain();
        }
    }

    /** Starts queued tasks while a slot is free. */
    private void drain() {
        while (!queue.isEmpty()) {
            int free = permits.get();
            if (free == 0) {
                return; // the task that frees a slot drains again
            }
            if (!permits.compareAndSet(free, free - 1)) {
                continue;
            }
            Promise<?> next = queue.poll();
            if (next == null || next.isDone()) {
                permits.incrementAndGet(); // taken by another thread, or cancelled: give the slot back, look again
            } else {
                start(next);
            }
        }
    }

    private void start(Promise<?> promise) {
        alive.started();
        threads.newThread(() -> {
            try {
                promise.run();
            } finally {
                if (workers() != UNBOUNDED) {
                    permits.incrementAndGet();
                    drain();
                }
                alive.ended();
            }
        }).start();
    }

    @Override
    protected boolean awaitResources(long deadlineNanos) throws InterruptedException {
        return alive.awaitNone(deadlineNanos);
    }
}
