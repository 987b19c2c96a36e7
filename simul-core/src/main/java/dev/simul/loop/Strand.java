package dev.simul.loop;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The execution of one coroutine's body, which can stop in the middle ({@link #suspend}) and go on later
 * ({@link #resume}). Two kinds exist: {@link ContinuationStrand} on the JDK's internal continuations, where the
 * body runs on the loop's own thread, and {@link ThreadStrand} on public API only, where the body runs on a
 * virtual thread that passes a baton back and forth with the loop's thread. Either way, exactly one of the loop
 * and its coroutines runs at any instant, so coroutines see each other's writes without locks.
 *
 * <p>Which kind a loop gets ({@link Kind#available()}): continuations when {@code java.base} exports
 * {@code jdk.internal.vm} to simul ({@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED}), else virtual
 * threads. Two system properties bear on it:
 * <ul>
 *   <li>{@code -Dsimul.strands=continuation} or {@code -Dsimul.strands=thread} forces a kind;
 *   <li>{@code -Dsimul.loop.warnSlowCoroutines=false} silences the warning that the first coroutine to start on the
 *       fallback logs (once per JVM, through {@link System.Logger} at {@code WARNING}, on the logger named after
 *       {@link EventLoop}) when the export is missing and no kind was forced. The export is easy to forget in
 *       one's own build, and without it every coroutine switch is a thread hand-off instead of a continuation
 *       yield, with no other sign.
 * </ul>
 */
abstract class Strand {

    /** The system property that forces a kind: {@code continuation} or {@code thread}. */
    static final String KIND_PROPERTY = "simul.strands";

    /** The system property that, set to {@code false}, silences the warning about the fallback. */
    static final String WARN_PROPERTY = "simul.loop.warnSlowCoroutines";

    /** Whether this JVM has logged the fallback warning; package-private so that tests can start afresh. */
    static final AtomicBoolean FALLBACK_WARNED = new AtomicBoolean();

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
            return available(continuationsExported());
        }

        /** The kind to use by default if {@code jdk.internal.vm} were exported, or not, as {@code exported} says. */
        static Kind available(boolean exported) {
            String forced = System.getProperty(KIND_PROPERTY);
            if (forced != null) {
                return switch (forced) {
                    case "continuation" -> CONTINUATION;
                    case "thread" -> VIRTUAL_THREAD;
                    default -> throw new IllegalArgumentException(
                            KIND_PROPERTY + " must be 'continuation' or 'thread', got '" + forced + "'");
                };
            }
            return exported ? CONTINUATION : VIRTUAL_THREAD;
        }

        Strand create(Coroutine<?> coroutine) {
            return this == CONTINUATION ? new ContinuationStrand(coroutine::body) : new ThreadStrand(coroutine);
        }
    }

    /** Whether {@code java.base} exports {@code jdk.internal.vm} to simul, which continuations need. */
    static boolean continuationsExported() {
        return Object.class.getModule().isExported("jdk.internal.vm", Strand.class.getModule());
    }

    /**
     * Whether {@link Kind#available(boolean)} gives the slow fallback for want of the export, rather than because
     * {@code simul.strands} asked for it: what the warning is about.
     */
    static boolean isFallback(boolean exported) {
        return !exported && System.getProperty(KIND_PROPERTY) == null;
    }

    /** Logs, once per JVM unless {@code simul.loop.warnSlowCoroutines=false}, that coroutines run on the fallback. */
    static void warnFallbackOnce(System.Logger log) {
        boolean silenced = "false".equalsIgnoreCase(System.getProperty(WARN_PROPERTY));
        if (silenced || !FALLBACK_WARNED.compareAndSet(false, true)) {
            return;
        }
        Module simul = Strand.class.getModule();
        String target = simul.isNamed() ? simul.getName() : "ALL-UNNAMED";
        log.log(System.Logger.Level.WARNING, "coroutines run on virtual threads, the slow fallback (a thread hand-off"
                + " at every switch), because java.base does not export jdk.internal.vm to simul: add"
                + " --add-exports java.base/jdk.internal.vm=" + target + " to the java command (-D" + WARN_PROPERTY
                + "=false silences this warning, -D" + KIND_PROPERTY + "=thread chooses the fallback on purpose)");
    }
}
