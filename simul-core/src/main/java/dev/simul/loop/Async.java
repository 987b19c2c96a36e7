package dev.simul.loop;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * What code running in a coroutine calls: asyncio's {@code await}, {@code asyncio.sleep} and
 * {@code asyncio.create_task}, as static methods.
 *
 * <pre>{@code
 * try (EventLoop loop = new EventLoop()) {
 *     String page = loop.run(() -> {
 *         Coroutine<String> a = Async.spawn(() -> fetch("a"));
 *         Async.sleep(Duration.ofMillis(10));        // other coroutines run meanwhile
 *         return Async.await(a);
 *     });
 * }
 * }</pre>
 */
public final class Async {

    private Async() {
    }

    /**
     * Waits for {@code future} and returns its result. In a coroutine, only the coroutine waits; elsewhere, the
     * thread blocks (and the loop's own thread may not block on a pending future of its loop).
     *
     * @throws CompletionException      whose cause is the awaited work's own exception
     * @throws CancellationException    if the awaited work was cancelled, or this coroutine was
     */
    public static <T> T await(Future<T> future) {
        Coroutine<?> self = Coroutine.current();
        if (self != null) {
            self.awaitDone(future);
        }
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw unchecked(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting");
        }
    }

    /** Suspends the current coroutine for {@code duration}; zero lets the other ready callbacks run once. */
    public static void sleep(Duration duration) {
        current("sleep").sleep(duration);
    }

    /** Starts {@code body} as a new coroutine on the current coroutine's loop; it takes its first step soon. */
    public static <T> Coroutine<T> spawn(Callable<T> body) {
        return current("spawn").loop.spawn(body);
    }

    /** Starts {@code body} as a new coroutine called {@code name} on the current coroutine's loop. */
    public static <T> Coroutine<T> spawn(Callable<T> body, String name) {
        return current("spawn").loop.spawn(body, name);
    }

    /** The loop of the current coroutine. */
    public static EventLoop loop() {
        return current("loop").loop;
    }

    private static Coroutine<?> current(String what) {
        Coroutine<?> self = Coroutine.current();
        if (self == null) {
            throw new IllegalStateException("Async." + what + " works only inside a coroutine (EventLoop.run or"
                    + " EventLoop.spawn)");
        }
        return self;
    }

    /** The failure as an unchecked exception: itself if it is one, else wrapped once in a CompletionException. */
    static RuntimeException unchecked(Throwable failure) {
        if (failure instanceof Error error) {
            throw error;
        }
        return failure instanceof RuntimeException r ? r : new CompletionException(failure);
    }
}
