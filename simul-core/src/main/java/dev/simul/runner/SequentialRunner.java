package dev.simul.runner;

/**
 * Runs each task on the thread that submits it, before {@code submit} returns: the seeds' "synchronous, 1 thread,
 * 1 process" baseline. Handles are therefore always done when returned, and a timeout on {@code get} cannot stop a
 * task that already ran to its end.
 */
final class SequentialRunner extends AbstractRunner {

    SequentialRunner() {
        super(SequentialMode.NAME, 1);
    }

    @Override
    protected void dispatch(Promise<?> promise) {
        boolean interruptedBefore = Thread.currentThread().isInterrupted();
        promise.run();
        if (!interruptedBefore && promise.isCancelled()) {
            Thread.interrupted(); // the cancellation's interrupt was for the task, not for the caller
        }
    }
}
