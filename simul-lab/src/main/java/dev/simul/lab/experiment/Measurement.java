package dev.simul.lab.experiment;

/**
 * One timed run of a workload on a runner.
 *
 * @param wallS            elapsed wall-clock seconds, runner start-up and shut-down included
 * @param cpuS             CPU seconds the JVM used meanwhile, all its threads (GC and JIT included)
 * @param peakThreadsAdded the most Java threads alive at once during the run beyond those alive as it began: the
 *                         runner's workers, and any the JDK started for them (carriers standing in for blocked
 *                         virtual threads, helper threads)
 */
public record Measurement(double wallS, double cpuS, int peakThreadsAdded) {

    /** A run whose threads were not counted. */
    public Measurement(double wallS, double cpuS) {
        this(wallS, cpuS, 0);
    }
}
