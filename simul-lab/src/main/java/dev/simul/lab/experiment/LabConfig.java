package dev.simul.lab.experiment;

import dev.simul.lab.workload.Workload;
import java.util.List;

/**
 * What {@link Lab} runs.
 *
 * @param workloads the workloads, in report order
 * @param modes     runner modes, in report order
 * @param workers   workers for modes that take a count (threads); null for each mode's default
 * @param repeat    measured runs per cell, after the warm-up
 * @param scale     size and duration factor; 1.0 = the seeds' sizes
 * @param warmupS   each cell's warm-up: unmeasured runs for at least this many seconds and one run, then while
 *                  the JIT is still busy, up to three times as long (see {@link Lab})
 * @param runners   where each run's runner comes from
 */
public record LabConfig(List<Workload> workloads, List<String> modes, Integer workers, int repeat, double scale,
                        double warmupS, RunnerSource runners) {

    /** The default scale: keeps a full {@code simul lab} around one minute on 2 cores. */
    public static final double DEFAULT_SCALE = 0.3;

    /**
     * The default warm-up, in seconds: one run of a long workload, which settles the JIT; a short one goes on
     * while the JIT compiles, up to 3 x this (a 40 ms download run gets ten to thirty warm-up runs).
     */
    public static final double DEFAULT_WARMUP_S = 0.5;

    /** A configuration with the default warm-up. */
    public LabConfig(List<Workload> workloads, List<String> modes, Integer workers, int repeat, double scale) {
        this(workloads, modes, workers, repeat, scale, DEFAULT_WARMUP_S);
    }

    /** A configuration whose runners come from the mode registry. */
    public LabConfig(List<Workload> workloads, List<String> modes, Integer workers, int repeat, double scale,
                     double warmupS) {
        this(workloads, modes, workers, repeat, scale, warmupS, RunnerSource.REGISTRY);
    }

    public LabConfig {
        workloads = List.copyOf(workloads);
        modes = List.copyOf(modes);
        java.util.Objects.requireNonNull(runners, "runners");
        if (workloads.isEmpty() || modes.isEmpty()) {
            throw new IllegalArgumentException("the lab needs at least one workload and one mode");
        }
        if (repeat < 1) {
            throw new IllegalArgumentException("repeat must be at least 1, got " + repeat);
        }
        if (!(scale > 0) || scale > 100) {
            throw new IllegalArgumentException("scale must be above 0 and at most 100, got " + scale);
        }
        if (!(warmupS >= 0) || warmupS > 3600) {
            throw new IllegalArgumentException("warm-up must be 0 to 3600 seconds, got " + warmupS);
        }
        if (workers != null && workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        }
    }
}
