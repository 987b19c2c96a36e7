package dev.simul.runner;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed pool of platform threads taking tasks from one unbounded FIFO queue (the JDK's
 * {@link ThreadPoolExecutor}). Java has no GIL: the workers run CPU-bound tasks in parallel, one per core.
 */
final class ThreadPoolRunner extends AbstractRunner {

    private static final AtomicInteger POOLS = new AtomicInteger();

    private final ThreadPoolExecutor pool;

    ThreadPoolRunner(int workers) {
        super(ThreadsMode.NAME, workers);
        String prefix = "simul-threads-" + POOLS.incrementAndGet() + "-";
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = r -> new Thread(r, prefix + count.incrementAndGet());
        pool = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), factory);
    }

    @Override
    protected void dispatch(Promise<?> promise) {
        pool.execute(promise);
    }

    @Override
    protected void terminate() {
        pool.shutdown();
    }

    @Override
    protected boolean awaitResources(long deadlineNanos) throws InterruptedException {
        return pool.awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
}
