package dev.simul.loop;

/**
 * The execution of one coroutine's body, which can stop in the middle ({@link #suspend}) and go on later
 * ({@link #resume}). Two kinds exist: {@link ContinuationStrand} on the JDK's internal continuations, where the
 * body runs on the loop's own thread, and {@link ThreadStrand} on public API only, where the body runs on a
 * virtual thread that passes a baton back and forth with the loop's thread. Either way, exactly one of the loop
 * and its coroutines runs at any instant, so coroutines see each other's writes without locks.
 */
abstract class Strand {

    /**
     * Runs the body until it suspends or ends; true once it has ended. Called by the loop thread only, never from
     * within a coroutine.
     */
    abstract boolean resume();

    /** Stops the body here until the next {@link #resume}. Called only from within the body itself. */
    abstract void suspend();

    /** Where the suspended body stands, innermost frame first (empty if unknown). */
    abstract StackTraceElement[] stackTrace();

    /** Lets go of a body that will never be resumed (the loop is closing); frees its thread, if it has one. */
    abstract void abandon();

    /** Which kind of strand the loop uses. */
    enum Kind {
        /** {@code jdk.internal.vm.Continuation}: fast; needs {@code --add-exports java.base/jdk.internal.vm}. */
        CONTINUATION,
        /** A virtual thread per coroutine, passing a baton with the loop thread: public API only, slower. */
        VIRTUAL_THREAD;

        /** The kind to use by default: continuations when their package is exported to simul, else threads. */
        static Kind available() {
            String forced = System.getProperty("simul.strands");
            if (forced != null) {
                return switch (forced) {
                    case "continuation" -> CONTINUATION;
                    case "thread" -> VIRTUAL_THREAD;
                    default -> throw new IllegalArgumentException(
                            "simul.strands must be 'continuation' or 'thread', got '" + forced + "'");
                };
            }
            boolean exported = Object.class.getModule().isExported("jdk.internal.vm", Strand.class.getModule());
            return exported ? CONTINUATION : VIRTUAL_THREAD;
        }

        Strand create(Coroutine<?> coroutine) {
            return this == CONTINUATION ? new ContinuationStrand(coroutine::body) : new ThreadStrand(coroutine);
        }
    }
}
