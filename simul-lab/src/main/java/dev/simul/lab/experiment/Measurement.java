package dev.simul.lab.experiment;

/**
 * One timed run of a workload on a runner.
 *
 * @param wallS elapsed wall-clock seconds, runner start-up and shut-down included
 * @param cpuS  CPU seconds the JVM used meanwhile, all its threads (GC and JIT included)
 */
public record Measurement(double wallS, double cpuS) {
}
