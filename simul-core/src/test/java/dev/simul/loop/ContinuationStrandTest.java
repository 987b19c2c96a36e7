package dev.simul.loop;

/** The coroutine suite on {@code jdk.internal.vm.Continuation} (the test JVM exports the package). */
class ContinuationStrandTest extends CoroutineContract {

    @Override
    Strand.Kind kind() {
        return Strand.Kind.CONTINUATION;
    }
}
