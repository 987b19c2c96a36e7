package dev.simul.lab.workload;

import dev.simul.runner.Mode;
import dev.simul.runner.Runner;

/**
 * One of the seeds' experiments: a fixed job of a few tasks that the lab runs unchanged on every runner.
 * A run checks its own results and throws if any is wrong, so a fast but broken mode never wins.
 */
public abstract class Workload {

    /** What the seeds call a job that mostly computes. */
    public static final String CPU_BOUND = "CPU-bound";
    /** What the seeds call a job that mostly waits. */
    public static final String IO_BOUND = "I/O-bound";
    /** A job that computes and waits, each for a good share of its time (not one of the seeds'). */
    public static final String MIXED = "mixed";

    private final String name;
    private final int tasks;
    private final String expectedNature;
    private final String description;

    /**
     * @param name           the name used on the command line and in reports
     * @param tasks          how many tasks one run submits
     * @param expectedNature what the seeds call this job, {@link #CPU_BOUND}, {@link #IO_BOUND} or {@link #MIXED}; the
     *                       lab checks it against its measurements
     * @param description    one line: what the job is and which seed it comes from
     */
    protected Workload(String name, int tasks, String expectedNature, String description) {
        this.name = name;
        this.tasks = tasks;
        this.expectedNature = expectedNature;
        this.description = description;
    }

    /**
     * Runs the job once on {@code runner} at {@code scale} (1.0 = the seed's size and durations) and verifies
     * the results.
     *
     * @throws IllegalStateException if a result is wrong
     */
    public abstract void run(Runner runner, double scale) throws Exception;

    /** Prepares what every run needs, outside the timed runs (a server to download from, say). */
    public void setUp(double scale) throws Exception {
    }

    /**
     * Cleans up after one run, outside its timed part, whether it succeeded or not: what the job left behind (the
     * downloaded files, say) is not the job's cost, as it is not in the seeds' experiments.
     */
    public void afterRun() throws Exception {
    }

    /** Releases what {@link #setUp} prepared. */
    public void tearDown() throws Exception {
    }

    /** How many tasks one run submits at {@code scale}; by default the same at every scale. */
    public int tasks(double scale) {
        return tasks;
    }

    /**
     * The workers this job wants in {@code mode} when the user names none (null: the mode's own default). Decided
     * from what the mode says of its workers ({@link Mode#workerIsProcess()}, {@link Mode#defaultWorkers()}), not
     * from its name, so that a mode added later gets a sensible count.
     */
    public Integer defaultWorkers(Mode mode) {
        return null;
    }

    /**
     * What the report should say about this job in a mode that runs every task on one thread
     * ({@link Mode#oneThread()}: the loop), if anything: how it keeps blocking work off that thread, say. Null by
     * default.
     */
    public String oneThreadNote() {
        return null;
    }

    public final String name() {
        return name;
    }

    public final int tasks() {
        return tasks;
    }

    public final String expectedNature() {
        return expectedNature;
    }

    public final String description() {
        return description;
    }
}
