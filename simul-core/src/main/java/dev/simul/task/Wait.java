package dev.simul.task;

import dev.simul.loop.Async;
import dev.simul.loop.Coroutine;
import dev.simul.loop.EventLoop;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * How a portable {@link Task} waits. In a coroutine (the {@code loop} mode), each call suspends only the calling
 * coroutine, and the loop's thread runs the others meanwhile; in every other mode it blocks the calling thread.
 * That is why a task must wait here and not with {@code Thread.sleep} or {@code Future.get}, which would stall
 * every coroutine of the loop.
 */
public final class Wait {

    private Wait() {
    }

    /** Pauses the current task for {@code duration}; a zero or negative duration returns at once. */
    public static void sleep(Duration duration) throws InterruptedException {
        if (Coroutine.current() != null) {
            Async.sleep(duration);
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
        if (Coroutine.current() == null) {
            return future.get();
        }
        try {
            return Async.await(future);
        } catch (CancellationException e) {
            throw e;
        } catch (CompletionException e) {
            throw new ExecutionException(e.getCause());
        } catch (RuntimeException | Error e) {
            throw new ExecutionException(e);
        }
    }

    /**
     * Runs blocking code (file I/O, a blocking client) without stalling other tasks: in a coroutine, on the
     * loop's pool of helper threads while the coroutine waits (asyncio's {@code run_in_executor}); elsewhere, in
     * place, since the thread is the task's own.
     *
     * @throws Exception what {@code work} throws
     */
    public static <T> T blocking(Callable<T> work) throws Exception {
        if (Coroutine.current() == null) {
            return work.call();
        }
        EventLoop loop = Async.loop();
        try {
            return await(loop.runInExecutor(loop.defaultExecutor(), work));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw (Error) e.getCause();
        }
    }
}
