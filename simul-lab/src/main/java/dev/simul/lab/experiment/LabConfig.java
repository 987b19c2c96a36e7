package dev.simul.lab.experiment;

import dev.simul.lab.workload.Workload;
import java.util.List;

/**
 * What {@link Lab} runs.
 *
 * @param workloads the workloads, in report order
 * @param modes     runner modes, in report order
 * @param workers   workers for modes that take a count (threads); null for each mode's default
 * @param repeat    measured runs per cell, after one warm-up run
 * @param scale     size and duration factor; 1.0 = the seeds' sizes
 */
public record LabConfig(List<Workload> workloads, List<String> modes, Integer workers, int repeat, double scale) {

    /** The default scale: keeps a full {@code simul lab} around one minute on 2 cores. */
    public static final double DEFAULT_SCALE = 0.3;

    public LabConfig {
        workloads = List.copyOf(workloads);
        modes = List.copyOf(modes);
        if (workloads.isEmpty() || modes.isEmpty()) {
            throw new IllegalArgumentException("the lab needs at least one workload and one mode");
        }
        if (repeat < 1) {
            throw new IllegalArgumentException("repeat must be at least 1, got " + repeat);
        }
        if (!(scale > 0) || scale > 100) {
            throw new IllegalArgumentException("scale must be above 0 and at most 100, got " + scale);
        }
        if (workers != null && workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        }
    }
}
