package dev.simul.task;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * How a portable {@link Task} waits. Every blocking mode (sequential, threads, virtual) blocks the calling thread
 * here; the event-loop mode replaces these two calls with a suspension of the current coroutine, which is why a
 * task must wait here and not with {@code Thread.sleep} or {@code Future.get}.
 */
public final class Wait {

    private Wait() {
    }

    /** Pauses the current task for {@code duration}; a zero or negative duration returns at once. */
    public static void sleep(Duration duration) throws InterruptedException {
        if (duration.isPositive()) {
            Thread.sleep(duration);
        }
    }

    /**
     * Waits for {@code future} and returns its result.
     *
     * @throws ExecutionException whose cause is the awaited work's own exception
     * @throws java.util.concurrent.CancellationException if the awaited work was cancelled
     */
    public static <T> T await(Future<T> future) throws InterruptedException, ExecutionException {
        return future.get();
    }
}
