package dev.simul.loop;

import dev.simul.task.Wait;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;

/**
 * Straight-line code running on an {@link EventLoop}, suspended at each wait while other coroutines run:
 * asyncio's Task. It is a {@link LoopFuture} of its body's result.
 *
 * <p>Lifecycle: created by {@link EventLoop#spawn}, it takes its first step in a later pass of the loop. Each step
 * runs the body until it waits ({@link Async#await}, {@link Async#sleep}) or ends. When what it waits for is done,
 * a callback schedules the next step. All steps of all coroutines of a loop run one at a time, on the loop's turn.
 *
 * <p>Cancellation: {@link #cancel} asks; the body sees a {@link CancellationException} at its current or next
 * wait, so its finally blocks run; if it lets the exception escape, the coroutine ends cancelled.
 *
 * <p>Overview: {@code waiting} is the token of the current suspension: the future awaited, or, for a sleep or a
 * yield, the {@link Scheduled} callback that will resume it ({@link #resumer} checks it is the one running). A wake-up whose token is not the current one is stale (the coroutine moved on, for instance after a
 * cancellation) and is ignored, so a body is never resumed twice for one suspension.
 *
 * @param <T> the body's result type
 */
public final class Coroutine<T> extends LoopFuture<T> {

    /** The coroutine running on this thread, or the loop of this thread; see {@link #current()}. */
    private static final ThreadLocal<Object> CONTEXT = new ThreadLocal<>();

    private final Callable<T> body;
    /** The name given at spawn, or null for the default, made from {@code id} only when asked for. */
    private final String name;
    private final long id;
    private Strand strand;
    private Object waiting;
    private boolean cancelRequested;
    /** How many times cancel() asked this started coroutine to stop; a timeout tells its own request apart. */
    private int cancelRequests;
    /** The loop's list of unfinished coroutines, for dumps and for closing. */
    Coroutine<?> prevLive;
    Coroutine<?> nextLive;

    Coroutine(EventLoop loop, Callable<T> body, String name, long id) {
        super(loop);
        this.body = body;
        this.name = name;
        this.id = id;
    }

    /** The coroutine running now on this thread, or null outside any coroutine. */
    public static Coroutine<?> current() {
        Object context = CONTEXT.get();
        if (context instanceof EventLoop loop) {
            return loop.running;
        }
        return (Coroutine<?>) context;
    }

    /** The loop's thread runs coroutines from now on: portable tasks' waits come here ({@link CoroutineWaiter}). */
    static void enterLoopThread(EventLoop loop) {
        CONTEXT.set(loop);
        Wait.install(CoroutineWaiter.INSTANCE);
    }

    static void leaveLoopThread() {
        CONTEXT.remove();
        Wait.install(null);
    }

    /** A strand thread runs {@code coroutine}'s body, for as long as it lives. */
    static void enterStrandThread(Coroutine<?> coroutine) {
        CONTEXT.set(coroutine);
        Wait.install(CoroutineWaiter.INSTANCE);
    }

    /** Whether the current thread is a strand thread of a coroutine of {@code loop}. */
    static boolean onStrandOf(EventLoop loop) {
        return CONTEXT.get() instanceof Coroutine<?> c && c.loop == loop;
    }

    /** The name given at spawn, for dumps and warnings. */
    public String name() {
        return name != null ? name : "coroutine-" + id;
    }

    /**
     * Resumes the coroutine from a scheduled callback, if that callback is the current suspension's token. One per
     * coroutine, so that a sleep allocates only its {@link Scheduled}.
     */
    private final Runnable resumer = new Runnable() {
        @Override
        public void run() {
            wake(loop.currentCallback());
        }

        @Override
        public String toString() {
            return "step of " + Coroutine.this;
        }
    };

    /** Schedules the first step. */
    void start() {
        waiting = loop.callSoon(resumer);
    }

    /** Runs the body until it next waits or ends. Loop thread, from a wake-up only. */
    private void step() {
        if (isDone()) {
            return; // cancelled before its first step
        }
        if (strand == null) {
            strand = loop.strandKind.create(this);
        }
        Coroutine<?> outer = loop.running;
        loop.running = this;
        try {
            strand.resume();
        } finally {
            loop.running = outer;
        }
    }

    /** The strand's entry point: runs the user's body and records its outcome. */
    void body() {
        try {
            complete(body.call());
        } catch (CancellationException e) {
            super.cancel(false); // as in asyncio: a cancellation that escapes the body cancels the coroutine
        } catch (CompletionException e) {
            fail(e.getCause() != null ? e.getCause() : e); // report the cause itself, not its carrier
        } catch (Throwable t) {
            fail(t);
        } finally {
            loop.unlink(this);
        }
    }

    /**
     * The exception a cancelled coroutine sees at its wait. It carries no stack trace: filling one in was 80% of
     * a cancellation's cost, and the place it is thrown is always the same wait machinery.
     */
    static final class Cancelled extends CancellationException {
        Cancelled(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /**
     * Asks the coroutine to stop: its current or next wait throws {@link CancellationException}. Returns false if
     * it is already done. Any thread may call it.
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (isDone()) {
            return false;
        }
        if (!loop.inLoopThread()) {
            loop.callSoonThreadsafe(() -> cancel(mayInterruptIfRunning));
            return true;
        }
        if (strand == null) {
            loop.unlink(this);
            return super.cancel(false); // never started: the body never runs
        }
        cancelRequested = true;
        cancelRequests++;
        Object w = waiting;
        if (w instanceof LoopFuture<?> f && f.loop == loop) {
            f.cancel(false); // asyncio's rule: cancelling a task cancels the future it awaits, which wakes it
        } else if (w != null) {
            waiting = loop.callSoon(resumer); // a new token: the pending wake-up, if any, is now stale
        }
        return true;
    }

    // ---- suspension; called from within the body ----

    /** Resumes the body if {@code token} is still what it waits for. Loop thread. */
    private void wake(Object token) {
        if (waiting == token) {
            step();
        }
    }

    /** Throws the pending cancellation, once. */
    private void checkCancelled() {
        if (cancelRequested) {
            cancelRequested = false;
            throw new Cancelled("coroutine " + name() + " was cancelled");
        }
    }

    /** Suspends until {@code future} is done (at once if it is), or the coroutine is cancelled. */
    void awaitDone(Future<?> future) {
        checkCancelled();
        if (future.isDone()) {
            return;
        }
        waiting = future;
        loop.whenDone(future, () -> wake(future));
        suspendHere();
        checkCancelled();
    }

    /** Suspends for {@code duration}; zero or less yields to the other ready callbacks once. */
    void sleep(Duration duration) {
        checkCancelled();
        Scheduled timer = duration.isPositive() ? loop.callLater(duration, resumer) : loop.callSoon(resumer);
        waiting = timer;
        suspendHere();
        if (cancelRequested) {
            timer.cancel();
            checkCancelled();
        }
    }

    private void suspendHere() {
        strand.suspend();
        waiting = null;
    }

    int cancelRequests() {
        return cancelRequests;
    }

    /** Where this coroutine is suspended, innermost frame first; empty if it is not suspended. */
    public StackTraceElement[] suspendedAt() {
        return strand == null || isDone() ? new StackTraceElement[0] : strand.stackTrace();
    }

    /** Frees the strand of a coroutine that will never finish (its loop is closing). */
    void abandon() {
        if (strand != null) {
            strand.abandon();
        }
    }

    @Override
    public String toString() {
        return "Coroutine[" + name() + ", " + state() + "]";
    }
}
