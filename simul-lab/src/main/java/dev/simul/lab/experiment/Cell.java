package dev.simul.lab.experiment;

import java.util.List;

/**
 * The lab's result for one (workload, mode) pair: medians over the measured runs.
 *
 * @param workload the workload's name
 * @param mode     the runner's mode
 * @param workers  the runner's worker count; for a runner without limit, the threads it started (one per task)
 * @param tasks    tasks per run
 * @param wallS    median wall seconds
 * @param cpuS     median CPU seconds
 * @param speedup  the sequential median divided by this one, or null without a sequential cell
 * @param runs     every measured run, in order (the warm-up runs are not included)
 * @param warmupRuns the unmeasured runs before them
 * @param warmupS  how long those took, in seconds
 * @param decision what the runner of the last measured run chose and why, for a runner that chooses
 *                 ({@link dev.simul.runner.Explaining}, as {@code auto}); null for the others
 */
public record Cell(String workload, String mode, int workers, int tasks, double wallS, double cpuS, Double speedup,
                   List<Measurement> runs, int warmupRuns, double warmupS, String decision) {

    /** A cell of a runner that chose nothing. */
    public Cell(String workload, String mode, int workers, int tasks, double wallS, double cpuS, Double speedup,
                List<Measurement> runs, int warmupRuns, double warmupS) {
        this(workload, mode, workers, tasks, wallS, cpuS, speedup, runs, warmupRuns, warmupS, null);
    }

    /** The most threads its runs added at once ({@link Measurement#peakThreadsAdded}), over every run. */
    public int peakThreadsAdded() {
        return runs.stream().mapToInt(Measurement::peakThreadsAdded).max().orElse(0);
    }

    /** CPU seconds per wall second: how many cores were busy on average. */
    public double coresBusy() {
        return wallS > 0 ? cpuS / wallS : 0;
    }

    Cell withSpeedup(Double speedup) {
        return new Cell(workload, mode, workers, tasks, wallS, cpuS, speedup, runs, warmupRuns, warmupS, decision);
    }
}
