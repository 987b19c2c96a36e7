package dev.simul.lab.workload;

import dev.simul.runner.Runner;

/**
 * One of the seeds' experiments: a fixed job of a few tasks that the lab runs unchanged on every runner.
 * A run checks its own results and throws if any is wrong, so a fast but broken mode never wins.
 */
public interface Workload {

    /** The name used on the command line and in reports. */
    String name();

    /** One line: what the job is and which seed it comes from. */
    String description();

    /** What the seeds call this job, "CPU-bound" or "I/O-bound"; the lab checks it against its measurements. */
    String expectedNature();

    /** How many tasks one run submits. */
    int tasks();

    /**
     * Runs the job once on {@code runner} at {@code scale} (1.0 = the seed's size and durations) and verifies
     * the results.
     *
     * @throws IllegalStateException if a result is wrong
     */
    void run(Runner runner, double scale) throws Exception;
}
