package dev.simul.loop;

import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

/**
 * A strand on {@code jdk.internal.vm.Continuation}: the body runs on the loop's thread, and suspending it is a
 * yield of its continuation (about 90 ns for a resume and a yield). The only class of simul that touches
 * {@code jdk.internal.vm}; it is loaded only when that package is exported to simul
 * ({@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED}).
 */
final class ContinuationStrand extends Strand {

    private static final ContinuationScope SCOPE = new ContinuationScope("simul-coroutine");

    private final Continuation continuation;

    ContinuationStrand(Runnable body) {
        continuation = new Continuation(SCOPE, body) {
            @Override
            protected void onPinned(Continuation.Pinned reason) {
                throw new IllegalStateException("a coroutine cannot suspend here (" + reason + "): a native frame"
                        + " is on its stack, for instance a call from native code or a class initializer");
            }
        };
    }

    @Override
    boolean resume() {
        continuation.run();
        return continuation.isDone();
    }

    @Override
    void suspend() {
        Continuation.yield(SCOPE);
    }

    @Override
    StackTraceElement[] stackTrace() {
        return continuation.isDone() ? new StackTraceElement[0] : continuation.getStackTrace();
    }

    @Override
    void abandon() {
        // an unreferenced continuation is garbage like any object
    }
}
