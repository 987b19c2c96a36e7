package dev.simul.runner;

import java.util.Collection;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The pending result of a task submitted to a {@link Runner}.
 *
 * <p>It is a {@link Future}: {@code get()} and {@code get(timeout, unit)} return the result or throw an
 * {@link java.util.concurrent.ExecutionException} whose cause is the task's own exception; {@code cancel(true)}
 * interrupts a running task; {@code state()}, {@code resultNow()} and {@code exceptionNow()} inspect a finished one.
 * It adds done callbacks and completion-order iteration.
 *
 * @param <T> the result type
 */
public interface Handle<T> extends Future<T> {

    /**
     * Runs {@code callback} once this handle is done (succeeded, failed or cancelled). Callbacks run in the order
     * they were added, on the thread that completes the handle, or at once on the caller's thread if it is already
     * done; an event loop's futures ({@link dev.simul.loop.LoopFuture}) run them on the loop's thread instead,
     * always. A callback that throws is logged and does not stop the others. A callback must not wait for the
     * runner itself (close, awaitTermination): that would wait for the callback.
     *
     * @return this handle
     */
    Handle<T> onDone(Consumer<? super Handle<T>> callback);

    /**
     * The given handles in the order they finish, as Python's {@code as_completed}. Iterating blocks until the next
     * handle is done; if the iterating thread is interrupted, {@code next()} restores the interrupt flag and throws
     * {@link java.util.concurrent.CancellationException}.
     */
    static <T> Iterable<Handle<T>> asCompleted(Collection<? extends Handle<T>> handles) {
        return () -> new CompletionQueue<>(handles).iterator();
    }
}
