package dev.simul.loop;

import dev.simul.runner.AbstractRunner;
import dev.simul.runner.Promise;
import dev.simul.runner.Runners;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code loop} mode: every task runs as a coroutine on one event loop, on one platform thread of its own.
 * Tasks interleave at their waits ({@link dev.simul.task.Wait}): waiting tasks overlap, computing tasks take
 * turns. {@link #workers()} is 1, the loop's thread.
 */
public final class LoopRunner extends AbstractRunner {

    private static final AtomicInteger RUNNERS = new AtomicInteger();

    private final EventLoop loop = new EventLoop();
    private final Thread thread;

    /** Starts the loop's thread. */
    public LoopRunner() {
        super(Runners.LOOP, 1);
        thread = Thread.ofPlatform().name("simul-loop-" + RUNNERS.incrementAndGet()).start(this::runLoop);
    }

    private void runLoop() {
        try {
            loop.runForever();
            loop.finishCoroutines();
        } finally {
            loop.close();
        }
    }

    /** The loop the tasks run on. */
    public EventLoop loop() {
        return loop;
    }

    @Override
    protected void dispatch(Promise<?> promise) {
        loop.callSoonThreadsafe(() -> startCoroutine(promise));
    }

    private <T> void startCoroutine(Promise<T> promise) {
        if (!promise.start()) {
            return; // cancelled while queued
        }
        Coroutine<T> coroutine = loop.spawn(promise.task(), "task-" + System.identityHashCode(promise));
        coroutine.onDone(done -> {
            switch (done.state()) {
                case SUCCESS -> promise.complete(done.resultNow());
                case FAILED -> promise.fail(done.exceptionNow());
                default -> promise.cancel(false);
            }
        });
        promise.onDone(handle -> {
            if (handle.isCancelled()) {
                coroutine.cancel(true);
            }
        });
    }

    @Override
    protected void terminate() {
        loop.stop();
    }

    @Override
    protected boolean awaitResources(long deadlineNanos) throws InterruptedException {
        return thread.join(java.time.Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
    }
}
