package dev.simul.runner;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Creates runners by mode name (for the command line and configuration files), or, for the modes of this package,
 * by factory method. The names are whatever modes are on the class path ({@link Mode}); simul-core brings:
 *
 * <table>
 *   <caption>Modes</caption>
 *   <tr><th>mode</th><th>runs tasks on</th><th>workers</th><th>lives in</th></tr>
 *   <tr><td>{@code sequential}</td><td>the submitting thread</td><td>always 1</td><td>{@code dev.simul.runner}</td></tr>
 *   <tr><td>{@code threads}</td><td>a fixed pool of platform threads</td><td>default: available processors</td>
 *       <td>{@code dev.simul.runner}</td></tr>
 *   <tr><td>{@code virtual}</td><td>a virtual thread per task</td><td>a concurrency limit; default unbounded</td>
 *       <td>{@code dev.simul.runner}</td></tr>
 *   <tr><td>{@code loop}</td><td>coroutines on one event-loop thread</td><td>always 1 (the loop's thread)</td>
 *       <td>{@code dev.simul.loop.LoopRunner}</td></tr>
 *   <tr><td>{@code auto}</td><td>platform or virtual threads, chosen from measured tasks</td>
 *       <td>its choice; a number given caps it</td><td>{@code dev.simul.runner.AutoRunner}</td></tr>
 *   <tr><td>{@code processes}</td><td>worker JVMs, children of this one</td><td>default: available processors</td>
 *       <td>{@code dev.simul.process.ProcessPool}</td></tr>
 * </table>
 */
public final class Runners {

    private Runners() {
    }

    /** The registered modes by name, in their order; found once, on first use. */
    private static final class Registry {
        static final Map<String, Mode> MODES = load();

        private static Map<String, Mode> load() {
            List<Mode> found = new ArrayList<>();
            ServiceLoader.load(Mode.class, Mode.class.getClassLoader()).forEach(found::add);
            found.sort(Comparator.comparingInt(Mode::order).thenComparing(Mode::name));
            Map<String, Mode> byName = new LinkedHashMap<>();
            for (Mode mode : found) {
                Mode twin = byName.putIfAbsent(mode.name(), mode);
                if (twin != null) {
                    throw new IllegalStateException("two modes are named '" + mode.name() + "': "
                            + twin.getClass().getName() + " and " + mode.getClass().getName()
                            + "; remove one of their jars from the class path");
                }
            }
            return byName;
        }
    }

    /** Every mode name {@link #of} accepts, in the order the lab reports them. */
    public static List<String> modes() {
        return List.copyOf(Registry.MODES.keySet());
    }

    /**
     * The mode called {@code name}.
     *
     * @throws IllegalArgumentException for a name no mode on the class path has
     */
    public static Mode mode(String name) {
        Mode mode = Registry.MODES.get(name);
        if (mode == null) {
            throw new IllegalArgumentException("unknown mode '" + name + "'; modes: " + String.join(", ", modes()));
        }
        return mode;
    }

    /** A runner of {@code mode} with the mode's default worker count. */
    public static Runner of(String mode) {
        Mode m = mode(mode);
        return m.create(m.defaultWorkers());
    }

    /**
     * A runner of {@code mode} with {@code workers} workers (for {@code virtual}, the concurrency limit;
     * {@code sequential} and {@code loop} always have one).
     *
     * @throws IllegalArgumentException for an unknown mode or a worker count below 1
     */
    public static Runner of(String mode, int workers) {
        Mode m = mode(mode);
        if (workers <= 0) {
            throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        }
        return m.create(workers);
    }

    /**
     * A runner that picks platform or virtual threads, and how many, from measurements of its tasks
     * ({@link AutoRunner#decision()} says what it picked and why); no cap on the tasks it runs at once.
     */
    public static AutoRunner auto() {
        return new AutoRunner(Runner.UNBOUNDED);
    }

    /** Like {@link #auto()}, running at most {@code cap} tasks at once. */
    public static AutoRunner auto(int cap) {
        return new AutoRunner(cap);
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
}
