package dev.simul.loop;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;

/**
 * Structured concurrency for coroutines, as asyncio's TaskGroup and Trio's nursery: the children spawned in a
 * group's body cannot outlive it.
 *
 * <pre>{@code
 * List<String> pages = TaskGroup.run(group -> {
 *     Coroutine<String> a = group.spawn(() -> fetch("a"));
 *     Coroutine<String> b = group.spawn(() -> fetch("b"));
 *     return () -> List.of(a.resultNow(), b.resultNow());   // read once every child is done
 * });
 * }</pre>
 *
 * <p>Rules: {@link #run} returns only when the body and every child are done. The first failure (of the body or
 * of a child) cancels the body's coroutine at its wait and every other child; once all have ended, one
 * {@link TaskGroupException} reports every failure together. Children cancelled by the group are not failures.
 * A cancellation of the coroutine that runs the group cancels the children and then propagates.
 */
public final class TaskGroup {

    /** The body of a group: spawns children, and returns what computes the group's result afterwards. */
    @FunctionalInterface
    public interface Body<T> {
        /** Runs in the calling coroutine; the returned supplier runs once every child is done. */
        Callable<T> run(TaskGroup group) throws Exception;
    }

    private final Coroutine<?> owner;
    private final List<Coroutine<?>> children = new ArrayList<>();
    private final List<Throwable> failures = new ArrayList<>();
    private boolean aborting;
    private boolean closed;
    private LoopFuture<Void> allDone;
    private int running;

    private TaskGroup(Coroutine<?> owner) {
        this.owner = owner;
    }

    /**
     * Runs {@code body} with a new group in the current coroutine, waits for every child, and returns the
     * body's result.
     *
     * @throws TaskGroupException if the body or any child failed; its {@link TaskGroupException#failures()} lists
     *                            them all
     */
    public static <T> T run(Body<T> body) throws Exception {
        Coroutine<?> owner = Coroutine.current();
        if (owner == null) {
            throw new IllegalStateException("TaskGroup.run works only inside a coroutine");
        }
        TaskGroup group = new TaskGroup(owner);
        Callable<T> result = null;
        CancellationException cancelledFromOutside = null;
        try {
            result = body.run(group);
        } catch (CancellationException e) {
            if (!group.aborting) {
                cancelledFromOutside = e;
            }
            group.abort();
        } catch (Throwable t) {
            group.failures.add(t);
            group.abort();
        }
        cancelledFromOutside = group.joinChildren(cancelledFromOutside);
        group.closed = true;
        if (cancelledFromOutside != null) {
            throw cancelledFromOutside;
        }
        if (!group.failures.isEmpty()) {
            throw new TaskGroupException(group.failures);
        }
        return result.call();
    }

    /** Starts a child coroutine in this group. */
    public <T> Coroutine<T> spawn(Callable<T> body) {
        return spawn(body, null);
    }

    /** Starts a child coroutine called {@code name} in this group. */
    public <T> Coroutine<T> spawn(Callable<T> body, String name) {
        if (closed) {
            throw new IllegalStateException("this task group has finished; spawn children inside its body");
        }
        if (aborting) {
            throw new IllegalStateException("this task group is cancelling its children after a failure");
        }
        Coroutine<T> child = owner.loop.spawn(body, name);
        children.add(child);
        running++;
        child.onDone(done -> childDone(child));
        return child;
    }

    private void childDone(Coroutine<?> child) {
        running--;
        if (child.state() == java.util.concurrent.Future.State.FAILED) {
            failures.add(child.exceptionNow());
            abort();
        }
        if (running == 0 && allDone != null) {
            allDone.complete(null);
        }
    }

    /** Cancels the children and, if it is still in the body, the owner: once, at the first failure. */
    private void abort() {
        if (aborting) {
            return;
        }
        aborting = true;
        for (Coroutine<?> child : children) {
            child.cancel(false);
        }
        if (allDone == null && Coroutine.current() != owner) {
            owner.cancel(false); // the body is suspended: interrupt it at its wait
        }
    }

    /** Waits for every child; a cancellation meanwhile cancels them and is returned, to be rethrown at the end. */
    private CancellationException joinChildren(CancellationException cancelled) {
        while (running > 0) {
            allDone = owner.loop.newFuture();
            try {
                Async.await(allDone);
            } catch (CancellationException e) {
                if (!aborting || cancelled != null) {
                    cancelled = cancelled != null ? cancelled : e;
                }
                abort();
            }
        }
        return cancelled;
    }

    /** The children spawned so far, in order. */
    public List<Coroutine<?>> children() {
        return List.copyOf(children);
    }
}
