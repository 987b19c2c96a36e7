package dev.simul.runner;

import dev.simul.loop.LoopRunner;
import dev.simul.process.ProcessPool;
import java.util.List;

/**
 * Creates runners, by mode name (for the CLI and configuration files) or by factory method.
 *
 * <table>
 *   <caption>Modes</caption>
 *   <tr><th>mode</th><th>runs tasks on</th><th>workers</th></tr>
 *   <tr><td>{@code sequential}</td><td>the submitting thread</td><td>always 1</td></tr>
 *   <tr><td>{@code threads}</td><td>a fixed pool of platform threads</td><td>default: available processors</td></tr>
 *   <tr><td>{@code virtual}</td><td>a virtual thread per task</td><td>a concurrency limit; default unbounded</td></tr>
 *   <tr><td>{@code loop}</td><td>coroutines on one event-loop thread</td><td>always 1 (the loop's thread)</td></tr>
 *   <tr><td>{@code processes}</td><td>worker JVMs, children of this one</td><td>default: available processors</td></tr>
 * </table>
 */
public final class Runners {

    /** The submitting thread runs each task. */
    public static final String SEQUENTIAL = "sequential";
    /** A fixed pool of platform threads. */
    public static final String THREADS = "threads";
    /** A virtual thread per task. */
    public static final String VIRTUAL = "virtual";
    /** Coroutines on one event-loop thread. */
    public static final String LOOP = "loop";
    /** Worker JVMs, children of this one. */
    public static final String PROCESSES = "processes";

    private static final List<String> MODES = List.of(SEQUENTIAL, THREADS, VIRTUAL, LOOP, PROCESSES);

    private Runners() {
    }

    /** Every mode name {@link #of} accepts, in the order the lab reports them. */
    public static List<String> modes() {
        return MODES;
    }

    /** A runner of {@code mode} with the mode's default worker count. */
    public static Runner of(String mode) {
        return switch (checkMode(mode)) {
            case SEQUENTIAL -> sequential();
            case THREADS -> threads();
            case VIRTUAL -> virtual();
            case LOOP -> loop();
            default -> processes();
        };
    }

    /**
     * A runner of {@code mode} with {@code workers} workers (for {@code virtual}, the concurrency limit;
     * {@code sequential} and {@code loop} always have one).
     *
     * @throws IllegalArgumentException for an unknown mode or a worker count below 1
     */
    public static Runner of(String mode, int workers) {
        checkMode(mode);
        if (workers <= 0) {
            throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        }
        return switch (mode) {
            case SEQUENTIAL -> sequential();
            case THREADS -> threads(workers);
            case VIRTUAL -> virtual(workers);
            case LOOP -> loop();
            default -> processes(workers);
        };
    }

    private static String checkMode(String mode) {
        if (!MODES.contains(mode)) {
            throw new IllegalArgumentException("unknown mode '" + mode + "'; modes: " + String.join(", ", MODES));
        }
        return mode;
    }

    /** Runs every task on the submitting thread. */
    public static Runner sequential() {
        return new SequentialRunner();
    }

    /** A pool with one platform thread per available processor. */
    public static Runner threads() {
        return threads(Runtime.getRuntime().availableProcessors());
    }

    /** A pool of {@code workers} platform threads. */
    public static Runner threads(int workers) {
        return new ThreadPoolRunner(workers);
    }

    /** A virtual thread per task, without limit. */
    public static Runner virtual() {
        return new VirtualThreadRunner(Runner.UNBOUNDED);
    }

    /** A virtual thread per task, at most {@code limit} running at once. */
    public static Runner virtual(int limit) {
        return new VirtualThreadRunner(limit);
    }

    /** Every task a coroutine on one event-loop thread. */
    public static Runner loop() {
        return new LoopRunner();
    }

    /** A pool of worker JVMs, one per available processor. */
    public static Runner processes() {
        return new ProcessPool();
    }

    /** A pool of {@code workers} worker JVMs; {@link ProcessPool} takes more options. */
    public static Runner processes(int workers) {
        return new ProcessPool(workers);
    }
}
