package dev.simul.loop;

import java.util.concurrent.Semaphore;

/**
 * A strand on public API only: the body runs on its own virtual thread, and the loop's thread and that virtual
 * thread pass a baton (two semaphores), so that exactly one of them runs at a time. Used when
 * {@code jdk.internal.vm} is not exported; each switch costs a virtual-thread hand-off (microseconds, not
 * nanoseconds).
 */
final class ThreadStrand extends Strand {

    /** Unwinds an abandoned body's stack, running its finally blocks. */
    private static final class Abandoned extends Error {
        Abandoned() {
            super("the coroutine's loop closed before it finished", null, false, false);
        }
    }

    private final Coroutine<?> coroutine;
    private final Semaphore toBody = new Semaphore(0);
    private final Semaphore toLoop = new Semaphore(0);
    private Thread thread;
    private volatile boolean done;
    private volatile boolean abandoned;

    ThreadStrand(Coroutine<?> coroutine) {
        this.coroutine = coroutine;
    }

    @Override
    boolean resume() {
        if (thread == null) {
            thread = Thread.ofVirtual().name("simul-coroutine-" + coroutine.name()).start(this::main);
        } else {
            toBody.release();
        }
        toLoop.acquireUninterruptibly();
        return done;
    }

    private void main() {
        Coroutine.enterStrandThread(coroutine);
        try {
            coroutine.body();
        } catch (Abandoned e) {
            // the loop closed; nobody waits for this body any more
        } finally {
            done = true;
            toLoop.release();
        }
    }

    @Override
    void suspend() {
        toLoop.release();
        toBody.acquireUninterruptibly();
        if (abandoned) {
            throw new Abandoned();
        }
    }

    @Override
    StackTraceElement[] stackTrace() {
        return thread == null || done ? new StackTraceElement[0] : thread.getStackTrace();
    }

    /** Unwinds the body on its thread (its finally blocks run) and waits until it has. */
    @Override
    void abandon() {
        if (thread != null && !done) {
            abandoned = true;
            toBody.release();
            toLoop.acquireUninterruptibly();
        }
    }
}
