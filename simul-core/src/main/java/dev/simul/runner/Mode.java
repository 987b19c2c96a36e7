package dev.simul.runner;

import java.util.Objects;

/**
 * An execution model that {@link Runners} creates by name: the service a mode provides. A mode registers itself
 * with one line in {@code META-INF/services/dev.simul.runner.Mode} naming its provider, a public subclass with a
 * public no-argument constructor, so that a jar on the class path adds its mode to {@link Runners#of}, the lab and
 * the command line with no change anywhere else: the JDK's {@link java.util.ServiceLoader} finds it (as it finds
 * a {@link java.nio.channels.spi.SelectorProvider}).
 *
 * <pre>{@code
 * public final class LoopMode extends Mode {
 *     public LoopMode() { super("loop", "coroutines on one event-loop thread", 40); }
 *     public int defaultWorkers() { return 1; }
 *     public Runner create(int workers) { return new LoopRunner(); }
 * }
 * }</pre>
 *
 * <p>What a caller needs to choose a worker count for a mode it does not know by name comes from the mode too
 * ({@link #defaultWorkers()}, {@link #workerIsProcess()}, {@link #maxWorkers()}): a tool checks these, never the
 * mode's name.
 *
 * <p>A mode passes the runner contract ({@code simul-testkit}) before it is registered.
 */
public abstract class Mode {

    private final String name;
    private final String description;
    private final int order;

    /**
     * @param name        the name {@link Runners#of(String)} takes: lower case, one word ({@code "threads"})
     * @param description what runs the tasks, in a few words, for help texts
     * @param order       where the mode goes in {@link Runners#modes()}, and so in the lab's reports, lower first;
     *                    the built-in modes take 10 to 50, from the caller's thread to worker processes, and a
     *                    mode that reaches further takes more
     */
    protected Mode(String name, String description, int order) {
        this.name = Objects.requireNonNull(name, "name");
        this.description = Objects.requireNonNull(description, "description");
        this.order = order;
        if (!name.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("a mode's name is one lower-case word, got '" + name + "'");
        }
    }

    /** The name {@link Runners#of(String)} takes. */
    public final String name() {
        return name;
    }

    /** What runs the tasks, in a few words ({@code "a fixed pool of platform threads"}). */
    public final String description() {
        return description;
    }

    /** Where this mode goes in {@link Runners#modes()}: lower first. */
    public final int order() {
        return order;
    }

    /** The worker count {@link Runners#of(String)} gives, or {@link Runner#UNBOUNDED}. */
    public abstract int defaultWorkers();

    /*
     * How the mode runs its tasks, in the terms a report explains measurements with (the lab's verdicts and their
     * notes). Each method has the default of a pool of platform threads in this JVM; a mode overrides what differs,
     * so that a new mode brings its own text and no report has to know it by name.
     */

    /**
     * Whether every task runs on one thread ({@code sequential}, {@code loop}): at most concurrency (tasks taking
     * turns at their waits), never parallelism, so CPU work runs one task after another.
     */
    public boolean oneThread() {
        return false;
    }

    /**
     * Whether the tasks run on virtual threads: the platform threads a run adds are then the JDK scheduler's (its
     * carriers, and the stand-ins it starts for carriers blocked in the OS), not one per worker.
     */
    public boolean virtualThreads() {
        return false;
    }

    /**
     * Whether the tasks run in other JVMs, each with memory of its own: every task and result crosses a process
     * boundary (serialized), and the JVMs must be started or joined first.
     */
    public boolean otherJvms() {
        return false;
    }

    /**
     * What running a task in this mode costs beyond running it on a thread of this JVM, as a phrase that completes
     * "it took longer than threads: ..." ({@code "starting worker JVMs and shipping every task and result between
     * processes"}); null when nothing (the default).
     */
    public String overhead() {
        return null;
    }

    /**
     * The mode's trade-off in a sentence or two, said once in a report's notes when the mode was measured: what it
     * is good for and what it costs ({@code "The loop runs every coroutine on one thread: concurrency, not
     * parallelism."}); null when there is nothing to say beyond {@link #description()} (the default).
     */
    public String note() {
        return null;
    }

    /**
     * Workers per available processor at most for a mode whose workers are processes ({@link #workerIsProcess()}):
     * each is a JVM of its own (tens of MB, and about a second of CPU to start) that wants a core; past a few per
     * processor they only queue for the cores and fill the memory.
     */
    public static final int MAX_PROCESSES_PER_PROCESSOR = 4;

    /**
     * Whether each of this mode's workers is a process of its own (a JVM), not a thread: what a caller choosing a
     * worker count needs to know, since a process costs far more than a thread to start and to keep. Callers give
     * such a mode fewer workers: the command line bounds them to {@link #maxWorkers()} and defaults to fewer.
     * False by default; a mode of worker processes overrides it (as {@code processes} and {@code cluster} do).
     */
    public boolean workerIsProcess() {
        return false;
    }

    /**
     * The most workers this mode should be given on this machine: {@link #MAX_PROCESSES_PER_PROCESSOR} per available
     * processor when its workers are processes, else {@link Runner#UNBOUNDED} (callers may bound it further).
     */
    public int maxWorkers() {
        return workerIsProcess() ? MAX_PROCESSES_PER_PROCESSOR * Runtime.getRuntime().availableProcessors()
                : Runner.UNBOUNDED;
    }

    /**
     * A new runner of this mode.
     *
     * @param workers the most tasks it runs at once, at least 1 ({@link Runner#UNBOUNDED} for no limit); a mode
     *                of fixed size ignores it
     */
    public abstract Runner create(int workers);

    @Override
    public String toString() {
        return name;
    }
}
