package dev.simul.runner;

import dev.simul.task.Task;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;

/**
 * The {@link Handle} every runner returns: a {@link FutureTask} over the submitted {@link Task}, plus done callbacks.
 *
 * <p>A runner completes a promise in one of two ways. Runners that execute in this JVM call {@link #run()} on the
 * thread of their choice: the task's result or exception is recorded, and cancellation interrupts that thread.
 * Runners that execute elsewhere (another process, another machine) ship {@link #task()} and record the outcome
 * with {@link #complete} or {@link #fail}. Either way the first outcome wins and later ones are ignored.
 *
 * <p>Invariant: when a promise is done, its callbacks run exactly once, in the order they were added, and then its
 * runner is told, so a runner never terminates before the callbacks of its last task have run.
 *
 * @param <T> the result type
 */
public final class Promise<T> extends FutureTask<T> implements Handle<T> {

    /**
     * A stack of callbacks, newest first, ending in null while the promise is pending; ending in {@link #DRAINING}
     * once it is done and the completing thread runs them (a callback added meanwhile joins the queue, so none
     * overtakes an earlier one); {@link #FIRED} once they have all run, so later ones run at once.
     */
    private record Callback<T>(Consumer<? super Handle<T>> action, Callback<T> next) {
    }

    private static final Callback<?> FIRED = new Callback<>(h -> { }, null);
    private static final Callback<?> DRAINING = new Callback<>(h -> { }, null);
    /** The runner whose promise's callbacks run on this thread now, so that it can refuse to wait for itself. */
    private static final ThreadLocal<AbstractRunner> IN_CALLBACKS = new ThreadLocal<>();
    private static final VarHandle CALLBACKS;
    private static final VarHandle STARTED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            CALLBACKS = lookup.findVarHandle(Promise.class, "callbacks", Callback.class);
            STARTED = lookup.findVarHandle(Promise.class, "started", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Task<T> task;
    private final AbstractRunner owner;
    private volatile Callback<T> callbacks;
    private volatile boolean started;
    private volatile boolean interruptRequested;

    /** A promise of {@code owner}, which is told when it is done; a null owner is told nothing. */
    Promise(Task<T> task, AbstractRunner owner) {
        super(task);
        this.task = task;
        this.owner = owner;
    }

    /** The task this promise stands for, for runners that ship it elsewhere. */
    public Task<T> task() {
        return task;
    }

    /**
     * Claims this promise for execution. Returns false if it was already claimed or is done (for instance
     * cancelled while queued), in which case the caller must not run or ship it.
     */
    public boolean start() {
        return !isDone() && STARTED.compareAndSet(this, false, true);
    }

    /** Whether a runner has claimed this promise for execution. */
    public boolean isStarted() {
        return started;
    }

    /** Runs the task on the current thread, unless it was claimed already or is done. */
    @Override
    public void run() {
        if (start()) {
            if (owner != null) {
                owner.executing.incrementAndGet();
            }
            try {
                super.run();
            } finally {
                if (owner != null) {
                    owner.executing.decrementAndGet();
                }
            }
        }
    }

    /**
     * Cancels the task as {@link java.util.concurrent.Future#cancel} says: with {@code mayInterruptIfRunning} a
     * running task is interrupted, without it the task runs on to its end and its outcome is dropped.
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (mayInterruptIfRunning) {
            interruptRequested = true; // set first: the done callbacks, which run inside cancel, read it
        }
        return super.cancel(mayInterruptIfRunning);
    }

    /**
     * Whether a cancellation asked to interrupt the task: a runner that runs tasks elsewhere (a coroutine, another
     * process) stops a running task only then, and otherwise lets it finish, as a thread pool does. If two cancels
     * race, one with and one without, this may say yes although the other won.
     */
    public boolean interruptRequested() {
        return interruptRequested;
    }

    /** Records the result of a task that ran elsewhere; ignored if the promise is already done. */
    public void complete(T result) {
        set(result);
    }

    /** Records the exception of a task that ran elsewhere; ignored if the promise is already done. */
    public void fail(Throwable exception) {
        setException(exception);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Handle<T> onDone(Consumer<? super Handle<T>> callback) {
        while (true) {
            Callback<T> head = callbacks;
            if (head == FIRED) {
                invoke(callback);
                return this;
            }
            if (CALLBACKS.compareAndSet(this, head, new Callback<>(callback, head))) {
                return this;
            }
        }
    }

    /**
     * FutureTask calls this once, after the outcome is recorded and waiting threads are released: runs the
     * callbacks oldest first, then those added while they ran, until none are left, and only then tells the runner.
     */
    @Override
    @SuppressWarnings("unchecked")
    protected void done() {
        Callback<T> stack = (Callback<T>) CALLBACKS.getAndSet(this, DRAINING);
        if (stack == null && CALLBACKS.compareAndSet(this, DRAINING, FIRED)) {
            if (owner != null) {
                owner.finished(this); // no callbacks: the common case, kept cheap
            }
            return;
        }
        AbstractRunner outer = IN_CALLBACKS.get();
        IN_CALLBACKS.set(owner);
        try {
            while (true) {
                Callback<T> oldestFirst = null;
                for (Callback<T> c = stack; c != null && c != DRAINING; c = c.next()) {
                    oldestFirst = new Callback<>(c.action(), oldestFirst);
                }
                for (Callback<T> c = oldestFirst; c != null; c = c.next()) {
                    invoke(c.action());
                }
                if (CALLBACKS.compareAndSet(this, DRAINING, FIRED)) {
                    break;
                }
                stack = (Callback<T>) CALLBACKS.getAndSet(this, DRAINING); // added while the others ran
            }
        } finally {
            if (outer == null) {
                IN_CALLBACKS.remove();
            } else {
                IN_CALLBACKS.set(outer);
            }
        }
        if (owner != null) {
            owner.finished(this);
        }
    }

    /** The runner whose promise's done callbacks run on this thread now, or null. */
    static AbstractRunner runningCallbacksOf() {
        return IN_CALLBACKS.get();
    }

    private void invoke(Consumer<? super Handle<T>> callback) {
        try {
            callback.accept(this);
        } catch (Throwable t) {
            System.getLogger(Promise.class.getName())
                    .log(System.Logger.Level.WARNING, "a done callback of " + this + " threw", t);
        }
    }

    @Override
    public String toString() {
        Object state = isDone() ? state() : started ? "RUNNING" : "QUEUED";
        return "Promise[" + (owner == null ? "" : owner.mode() + ", ") + state + "]";
    }
}
