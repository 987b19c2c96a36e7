package dev.simul.loop;

import dev.simul.runner.Handle;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The result of an operation on an {@link EventLoop}, available later: asyncio's Future. A coroutine waits for one
 * with {@link Async#await}; any other thread with {@link #get()}.
 *
 * <p>Invariant: done callbacks always run on the loop thread, scheduled with {@code callSoon} when the future
 * completes (or at once, in the same way, when added to a done future), never on the completing thread. Any thread
 * may complete, cancel or inspect a future; the first outcome wins.
 *
 * <p>The loop thread must not block in {@link #get()} on a pending future: nothing could complete it while the loop
 * waits. That call fails with an {@link IllegalStateException} instead of deadlocking.
 *
 * @param <T> the result type
 */
public class LoopFuture<T> implements Handle<T> {

    private static final int PENDING = 0;
    private static final int SUCCESS = 1;
    private static final int FAILED = 2;
    private static final int CANCELLED = 3;

    /** Reports failures that nobody looked at once their future is garbage (asyncio's "never retrieved"). */
    private static final Cleaner CLEANER = Cleaner.create(r -> Thread.ofPlatform().daemon().name("simul-unretrieved")
            .unstarted(r));

    /** A failure to report if nobody retrieves it; must not refer to its future, or that would never be garbage. */
    private static final class Unretrieved implements Runnable {
        final EventLoop loop;
        final String what;
        final Throwable error;
        volatile boolean retrieved;

        Unretrieved(EventLoop loop, String what, Throwable error) {
            this.loop = loop;
            this.what = what;
            this.error = error;
        }

        @Override
        public void run() {
            if (!retrieved) {
                loop.reportUnretrieved(what + " failed and nobody retrieved its exception", error);
            }
        }
    }

    final EventLoop loop;
    private volatile int state;
    private volatile Unretrieved unretrieved;
    private T result;
    private Throwable exception;
    /** Callbacks to schedule when done; null once scheduled. Guarded by this. */
    private List<Consumer<? super LoopFuture<T>>> callbacks;

    /** A pending future of {@code loop}. */
    public LoopFuture(EventLoop loop) {
        this.loop = loop;
    }

    /** The loop this future belongs to. */
    public EventLoop loop() {
        return loop;
    }

    /** Completes with {@code value}; false if already done. */
    public boolean complete(T value) {
        synchronized (this) {
            if (state != PENDING) {
                return false;
            }
            result = value;
            state = SUCCESS;
        }
        finish();
        return true;
    }

    /** Completes with {@code error}; false if already done. */
    public boolean fail(Throwable error) {
        boolean watched;
        synchronized (this) {
            if (state != PENDING) {
                return false;
            }
            exception = error;
            state = FAILED;
            watched = callbacks == null; // nobody listens yet: report the failure if nobody ever looks at it
        }
        if (watched) {
            Unretrieved watch = new Unretrieved(loop, toString(), error);
            unretrieved = watch;
            CLEANER.register(this, watch);
        }
        finish();
        return true;
    }

    /** Someone has seen the outcome: a failure need not be reported as unretrieved. */
    private void retrieved() {
        Unretrieved watch = unretrieved;
        if (watch != null) {
            watch.retrieved = true;
        }
    }

    /** Cancels this future; false if already done. {@code mayInterruptIfRunning} is ignored: nothing to interrupt. */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        synchronized (this) {
            if (state != PENDING) {
                return false;
            }
            exception = new Coroutine.Cancelled("cancelled");
            state = CANCELLED;
        }
        finish();
        return true;
    }

    private void finish() {
        List<Consumer<? super LoopFuture<T>>> toRun;
        synchronized (this) {
            toRun = callbacks;
            callbacks = null;
            notifyAll();
        }
        if (toRun != null) {
            for (Consumer<? super LoopFuture<T>> callback : toRun) {
                schedule(callback);
            }
        }
    }

    private void schedule(Consumer<? super LoopFuture<T>> callback) {
        loop.callSoonAnyThread(() -> callback.accept(this));
    }

    /**
     * Runs {@code callback} on the loop thread once this future is done; if it is done already, soon.
     * Callbacks run in the order they were added.
     */
    @Override
    public LoopFuture<T> onDone(Consumer<? super Handle<T>> callback) {
        synchronized (this) {
            if (state == PENDING) {
                if (callbacks == null) {
                    callbacks = new ArrayList<>(2);
                }
                callbacks.add(callback);
                return this;
            }
        }
        retrieved();
        schedule(callback);
        return this;
    }

    @Override
    public boolean isDone() {
        return state != PENDING;
    }

    @Override
    public boolean isCancelled() {
        return state == CANCELLED;
    }

    @Override
    public State state() {
        return switch (state) {
            case PENDING -> State.RUNNING;
            case SUCCESS -> State.SUCCESS;
            case FAILED -> State.FAILED;
            default -> State.CANCELLED;
        };
    }

    /** The result, or the failure as an unchecked exception: for code that has checked {@link #isDone()}. */
    T report() {
        retrieved();
        return switch (state) {
            case SUCCESS -> result;
            case CANCELLED -> throw (CancellationException) exception;
            case FAILED -> throw Async.unchecked(exception);
            default -> throw new IllegalStateException("not done: " + this);
        };
    }

    @Override
    public T resultNow() {
        if (state != SUCCESS) {
            throw new IllegalStateException("no result: " + state());
        }
        return result;
    }

    @Override
    public Throwable exceptionNow() {
        if (state != FAILED) {
            throw new IllegalStateException("no exception: " + state());
        }
        retrieved();
        return exception;
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        if (!isDone()) {
            refuseLoopThread();
            synchronized (this) {
                while (state == PENDING) {
                    wait();
                }
            }
        }
        return outcome();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        if (!isDone()) {
            refuseLoopThread();
            long deadline = System.nanoTime() + unit.toNanos(timeout);
            synchronized (this) {
                while (state == PENDING) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new TimeoutException("not done within " + timeout + " " + unit);
                    }
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
            }
        }
        return outcome();
    }

    private void refuseLoopThread() {
        if (loop.runsHere()) {
            throw new IllegalStateException("blocking on a pending future on its own loop's thread would deadlock:"
                    + " await it from a coroutine (Async.await) or add a done callback");
        }
    }

    private T outcome() throws ExecutionException {
        retrieved();
        return switch (state) {
            case SUCCESS -> result;
            case CANCELLED -> throw new Coroutine.Cancelled(this + " was cancelled");
            default -> throw new ExecutionException(exception);
        };
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + state() + "]";
    }
}
