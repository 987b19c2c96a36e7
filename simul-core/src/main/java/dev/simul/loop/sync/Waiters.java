package dev.simul.loop.sync;

import dev.simul.loop.Async;
import dev.simul.loop.EventLoop;
import dev.simul.loop.LoopFuture;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;

/**
 * A FIFO of coroutines waiting for a signal, the building block of every primitive here.
 *
 * <p>Invariant (what makes the primitives cancellation-safe): a signal is delivered by completing a waiter's
 * future, and a waiter that is cancelled after its future was completed hands the signal to the next waiter
 * before it lets the cancellation out. So a signal (a permit, a notification, a wake-up) is never lost.
 */
final class Waiters {

    private final ArrayDeque<LoopFuture<Void>> queue = new ArrayDeque<>();

    /** Whether a coroutine waits that has not been signalled yet. */
    boolean anyWaiting() {
        for (LoopFuture<Void> f : queue) {
            if (!f.isDone()) {
                return true;
            }
        }
        return false;
    }

    /** Signals the first waiter not yet signalled; false if there is none. */
    boolean signalOne() {
        for (LoopFuture<Void> f : queue) {
            if (f.complete(null)) {
                return true;
            }
        }
        return false;
    }

    /** Signals every waiter. */
    void signalAll() {
        for (LoopFuture<Void> f : queue) {
            f.complete(null);
        }
    }

    /**
     * Suspends the current coroutine until signalled. If it is cancelled after being signalled, {@code passOn}
     * runs (it hands the signal on) before the cancellation propagates.
     */
    void await(Runnable passOn) {
        EventLoop loop = EventLoop.current();
        if (loop == null) {
            throw new IllegalStateException("the loop's primitives work only inside a coroutine");
        }
        LoopFuture<Void> signal = loop.newFuture();
        queue.add(signal);
        try {
            Async.await(signal);
        } catch (CancellationException e) {
            if (signal.isDone() && !signal.isCancelled()) {
                passOn.run();
            }
            throw e;
        } finally {
            queue.remove(signal);
        }
    }
}
