package dev.simul.loop;

/** The coroutine suite on virtual threads passing a baton: the fallback without {@code jdk.internal.vm}. */
class ThreadStrandTest extends CoroutineContract {

    @Override
    Strand.Kind kind() {
        return Strand.Kind.VIRTUAL_THREAD;
    }
}
