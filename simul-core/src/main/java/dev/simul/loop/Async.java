package dev.simul.loop;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
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

    /**
     * Suspends the current coroutine for {@code duration}; zero lets the other ready callbacks run once. Any length
     * works: {@code Duration.ofSeconds(Long.MAX_VALUE)} sleeps until cancelled.
     */
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

    // ---- waiting for several ----

    /**
     * Waits for every future and returns their results in the given order. Fails fast: at the first failure the
     * others are cancelled and the failure is thrown (as {@link #await} throws it). If the waiting coroutine is
     * cancelled, the futures are cancelled too.
     */
    public static <T> List<T> gather(List<? extends Future<? extends T>> futures) {
        LoopFuture<Void> gate = current("gather").loop.newFuture();
        AtomicInteger left = new AtomicInteger(futures.size());
        for (Future<? extends T> f : futures) {
            whenDone(f, () -> {
                if (isFailure(f) || left.decrementAndGet() == 0) {
                    gate.complete(null);
                }
            });
        }
        if (futures.isEmpty()) {
            gate.complete(null);
        }
        try {
            await(gate);
        } catch (CancellationException e) {
            cancelAll(futures);
            throw e;
        }
        List<T> results = new ArrayList<>(futures.size());
        for (Future<? extends T> f : futures) {
            if (isFailure(f)) {
                cancelAll(futures);
                await(f); // throws its failure
            }
        }
        for (Future<? extends T> f : futures) {
            results.add(await(f));
        }
        return results;
    }

    /** Varargs form of {@link #gather(List)}. */
    @SafeVarargs
    public static <T> List<T> gather(Future<? extends T>... futures) {
        return gather(List.of(futures));
    }

    /**
     * Waits for every future, whatever their outcome, and returns them, all done, in the given order: asyncio's
     * {@code gather(..., return_exceptions=True)}. Inspect each with {@code state()}, {@code resultNow()},
     * {@code exceptionNow()}.
     */
    public static <F extends Future<?>> List<F> gatherSettled(List<F> futures) {
        wait(futures, Until.ALL_COMPLETED, null);
        return futures;
    }

    /** When {@link #wait} returns. */
    public enum Until {
        /** As soon as any future is done. */
        FIRST_COMPLETED,
        /** As soon as any future fails, or when all are done. */
        FIRST_EXCEPTION,
        /** When all are done. */
        ALL_COMPLETED
    }

    /**
     * The futures split by {@link #wait}: those done and those still pending, each in the given order.
     *
     * @param done    the futures that are done
     * @param pending the others
     */
    public record Waited<F>(List<F> done, List<F> pending) {
    }

    /**
     * Waits until {@code until} holds or {@code timeout} passes (null: no limit), and splits the futures into done
     * and pending. Unlike {@link #gather}, it cancels nothing and throws nothing for failed futures.
     */
    public static <F extends Future<?>> Waited<F> wait(Collection<F> futures, Until until, Duration timeout) {
        EventLoop loop = current("wait").loop;
        LoopFuture<Void> gate = loop.newFuture();
        AtomicInteger left = new AtomicInteger(futures.size());
        for (F f : futures) {
            whenDone(f, () -> {
                boolean last = left.decrementAndGet() == 0;
                if (last || until == Until.FIRST_COMPLETED || until == Until.FIRST_EXCEPTION && isFailure(f)) {
                    gate.complete(null);
                }
            });
        }
        if (futures.isEmpty()) {
            gate.complete(null);
        }
        Scheduled timer = timeout == null ? null : loop.callLater(timeout, () -> gate.complete(null));
        try {
            await(gate);
        } finally {
            if (timer != null) {
                timer.cancel();
            }
        }
        List<F> done = new ArrayList<>();
        List<F> pending = new ArrayList<>();
        for (F f : futures) {
            (f.isDone() ? done : pending).add(f);
        }
        return new Waited<>(done, pending);
    }

    /**
     * The futures in the order they finish; each {@code next()} waits, in the coroutine, for the next one.
     * Iterate it in the coroutine that called this.
     */
    public static <F extends Future<?>> Iterable<F> asCompleted(Collection<F> futures) {
        EventLoop loop = current("asCompleted").loop;
        ArrayDeque<F> finished = new ArrayDeque<>();
        LoopFuture<?>[] signal = {null};
        for (F f : futures) {
            whenDone(f, () -> {
                finished.add(f);
                if (signal[0] != null) {
                    signal[0].complete(null);
                }
            });
        }
        int total = futures.size();
        return () -> new java.util.Iterator<>() {
            private int returned;

            @Override
            public boolean hasNext() {
                return returned < total;
            }

            @Override
            public F next() {
                if (returned == total) {
                    throw new java.util.NoSuchElementException();
                }
                while (finished.isEmpty()) {
                    signal[0] = loop.newFuture();
                    await(signal[0]);
                }
                returned++;
                return finished.poll();
            }
        };
    }

    // ---- time limits ----

    /**
     * Runs {@code body} in the current coroutine with a time limit, as {@code asyncio.timeout}: when the limit
     * passes, the coroutine is cancelled at its current wait, and the cancellation, once it has unwound the body
     * (finally blocks run), becomes a {@link TimeoutException}. A cancellation from elsewhere stays a
     * cancellation. A limit too long for the loop's clock never expires.
     */
    public static <T> T timeout(Duration limit, Callable<T> body) throws Exception {
        Coroutine<?> self = current("timeout");
        int before = self.cancelRequests();
        boolean[] expired = {false};
        Scheduled timer = self.loop.callLater(limit, () -> {
            expired[0] = true;
            self.cancel(false);
        });
        try {
            return body.call();
        } catch (CancellationException e) {
            if (expired[0] && self.cancelRequests() == before + 1) {
                TimeoutException timeout = new TimeoutException("timed out after " + limit);
                timeout.initCause(e);
                throw timeout;
            }
            throw e;
        } finally {
            timer.cancel();
        }
    }

    /**
     * Waits for {@code future} at most {@code limit}, as {@code asyncio.wait_for}: on time-out the future is
     * cancelled and {@link TimeoutException} thrown.
     */
    public static <T> T waitFor(Future<T> future, Duration limit) throws Exception {
        try {
            return timeout(limit, () -> await(future));
        } catch (TimeoutException e) {
            future.cancel(true);
            throw e;
        }
    }

    /**
     * A future that follows {@code future} but whose cancellation does not reach it: a coroutine awaiting the
     * shield can be cancelled while the shielded work goes on, as {@code asyncio.shield}.
     */
    public static <T> LoopFuture<T> shield(Future<T> future) {
        LoopFuture<T> outer = current("shield").loop.newFuture();
        whenDone(future, () -> {
            switch (future.state()) {
                case SUCCESS -> outer.complete(future.resultNow());
                case FAILED -> outer.fail(future.exceptionNow());
                default -> outer.cancel(false);
            }
        });
        return outer;
    }

    /** Runs {@code action} on the current loop's thread once {@code future} is done. */
    private static void whenDone(Future<?> future, Runnable action) {
        current("wait").loop.whenDone(future, action);
    }

    private static boolean isFailure(Future<?> f) {
        return f.isDone() && f.state() != Future.State.SUCCESS;
    }

    private static void cancelAll(Collection<? extends Future<?>> futures) {
        for (Future<?> f : futures) {
            f.cancel(true);
        }
    }

    /** The failure as an unchecked exception: itself if it is one, else wrapped once in a CompletionException. */
    static RuntimeException unchecked(Throwable failure) {
        if (failure instanceof Error error) {
            throw error;
        }
        return failure instanceof RuntimeException r ? r : new CompletionException(failure);
    }
}
