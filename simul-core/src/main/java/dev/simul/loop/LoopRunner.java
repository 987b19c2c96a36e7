package dev.simul.loop;

import dev.simul.runner.AbstractRunner;
import dev.simul.runner.Promise;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code loop} mode: every task runs as a coroutine on one event loop, on one platform thread of its own.
 * Tasks interleave at their waits ({@link dev.simul.task.Wait}): waiting tasks overlap, computing tasks take
 * turns. {@link #workers()} is 1, the loop's thread.
 *
 * <p>Cancellation follows {@link java.util.concurrent.Future#cancel}: {@code cancel(true)} cancels the task's
 * coroutine, which sees a {@link java.util.concurrent.CancellationException} at its next wait; {@code cancel(false)}
 * lets a coroutine that has started run to its end, and the loop runs until it has, even after a shutdown.
 *
 * <p>Overview: {@code running} and {@code stopWhenIdle} belong to the loop's thread. The runner terminates when
 * its last promise is done, which, after a {@code cancel(false)}, may be before its last coroutine is: the loop
 * then stops only once that coroutine has ended.
 */
public final class LoopRunner extends AbstractRunner {

    private static final AtomicInteger RUNNERS = new AtomicInteger();

    private final EventLoop loop = new EventLoop();
    private final Thread thread;
    /** Coroutines of this runner's tasks that have not ended. Written by the loop's thread only. */
    private volatile int running;
    /** The runner terminated: stop the loop as soon as {@code running} is zero. Loop thread. */
    private boolean stopWhenIdle;

    /** Starts the loop's thread. */
    public LoopRunner() {
        super(LoopMode.NAME, 1);
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
        running++; // one writer: the loop's thread
        coroutine.onDone(done -> {
            switch (done.state()) {
                case SUCCESS -> promise.complete(done.resultNow());
                case FAILED -> promise.fail(done.exceptionNow());
                default -> promise.cancel(false);
            }
            running--;
            if (running == 0 && stopWhenIdle) {
                loop.stop();
            }
        });
        promise.onDone(handle -> {
            if (handle.isCancelled() && promise.interruptRequested()) {
                coroutine.cancel(true);
            }
        });
    }

    @Override
    protected boolean tasksRunning() {
        return running > 0;
    }

    @Override
    protected void terminate() {
        loop.callSoonThreadsafe(() -> {
            stopWhenIdle = true;
            if (running == 0) {
                loop.stop();
            }
        });
    }

    @Override
    protected boolean awaitResources(long deadlineNanos) throws InterruptedException {
        return thread.join(java.time.Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
    }
}
