package dev.simul.lab.experiment;

import dev.simul.runner.Runner;
import dev.simul.runner.Runners;

/**
 * Where the lab gets the fresh runner of each run: {@link Runners#of} unless a mode needs more than a name and a
 * worker count (the cluster cell joins the cluster the lab was given, or started).
 */
@FunctionalInterface
public interface RunnerSource {

    /** Every mode from the registry, with its default worker count when none is given. */
    RunnerSource REGISTRY = (mode, workers) -> workers == null ? Runners.of(mode) : Runners.of(mode, workers);

    /** A new runner of {@code mode}; {@code workers} null for the mode's default. */
    Runner open(String mode, Integer workers);

    /**
     * CPU time the runners' workers have spent so far outside this JVM and the child processes it waited for
     * (the lab's local cluster members, which outlive each run), so that a cell's CPU column counts them; 0 if none.
     */
    default long outsideCpuNanos() {
        return 0;
    }
}
