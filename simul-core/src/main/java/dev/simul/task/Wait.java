package dev.simul.task;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * How a portable {@link Task} waits. In a coroutine (the {@code loop} mode), each call suspends only the calling
 * coroutine, and the loop's thread runs the others meanwhile; in every other mode it blocks the calling thread.
 * That is why a task must wait here and not with {@code Thread.sleep} or {@code Future.get}, which would stall
 * every coroutine of the loop.
 *
 * <p>Overview: a mode whose tasks share a thread installs a {@link Waiter} on that thread ({@link #install}); each
 * method here asks the current thread's waiter first and blocks only where there is none, or where the code running
 * is not one of its tasks.
 */
public final class Wait {

    /** The waiter of the mode whose tasks run on this thread, or null: waits block. */
    private static final ThreadLocal<Waiter> WAITER = new ThreadLocal<>();

    private Wait() {
    }

    /**
     * Makes {@code waiter} take the waits of the tasks that run on the current thread from now on, or, with null,
     * removes it. For modes, not for tasks.
     */
    public static void install(Waiter waiter) {
        if (waiter == null) {
            WAITER.remove();
        } else {
            WAITER.set(waiter);
        }
    }

    /** The current thread's waiter if the code running now must wait through it, else null. */
    private static Waiter waiter() {
        Waiter waiter = WAITER.get();
        return waiter != null && waiter.suspends() ? waiter : null;
    }

    /** Pauses the current task for {@code duration}; a zero or negative duration returns at once. */
    public static void sleep(Duration duration) throws InterruptedException {
        Waiter waiter = waiter();
        if (waiter != null) {
            waiter.sleep(duration);
        } else if (duration.isPositive()) {
            Thread.sleep(duration);
        }
    }

    /**
     * Waits for {@code future} and returns its result.
     *
     * @throws ExecutionException whose cause is the awaited work's own exception
     * @throws CancellationException if the awaited work was cancelled
     */
    public static <T> T await(Future<T> future) throws InterruptedException, ExecutionException {
        Waiter waiter = waiter();
        return waiter != null ? waiter.await(future) : future.get();
    }

    /**
     * Runs blocking code (file I/O, a blocking client) without stalling other tasks: in a coroutine, on the
     * loop's pool of helper threads while the coroutine waits (asyncio's {@code run_in_executor}); elsewhere, in
     * place, since the thread is the task's own.
     *
     * @throws Exception what {@code work} throws
     */
    public static <T> T blocking(Callable<T> work) throws Exception {
        Waiter waiter = waiter();
        return waiter != null ? waiter.blocking(work) : work.call();
    }
}
