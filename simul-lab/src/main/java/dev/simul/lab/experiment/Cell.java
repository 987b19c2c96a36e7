package dev.simul.lab.experiment;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The lab's result for one (workload, mode) pair: medians over the measured runs, and how the runs spread
 * ({@link #wallSpread()}, {@link #cpuSpread()}). In the JSON the spread is flat beside the median, so that
 * {@code jq '.results[] | [.wall_s, .q1_s, .q3_s]'} needs no nesting: {@code min_s}, {@code q1_s}, {@code q3_s},
 * {@code max_s} for wall time and {@code cpu_min_s}, {@code cpu_q1_s}, {@code cpu_q3_s}, {@code cpu_max_s} for CPU
 * time; they are derived from {@code runs} and null for a cell without runs.
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
@JsonPropertyOrder({"workload", "mode", "workers", "tasks", "wall_s", "min_s", "q1_s", "q3_s", "max_s", "cpu_s",
        "cpu_min_s", "cpu_q1_s", "cpu_q3_s", "cpu_max_s", "speedup", "runs", "warmup_runs", "warmup_s", "decision"})
public record Cell(String workload, String mode, int workers, int tasks, double wallS, double cpuS, Double speedup,
                   List<Measurement> runs, int warmupRuns, double warmupS, String decision) {

    /** A cell of a runner that chose nothing. */
    public Cell(String workload, String mode, int workers, int tasks, double wallS, double cpuS, Double speedup,
                List<Measurement> runs, int warmupRuns, double warmupS) {
        this(workload, mode, workers, tasks, wallS, cpuS, speedup, runs, warmupRuns, warmupS, null);
    }

    /** How the measured runs' wall seconds spread, or null without runs. */
    public Spread wallSpread() {
        return runs.isEmpty() ? null : Spread.of(runs.stream().map(Measurement::wallS).toList());
    }

    /** How the measured runs' CPU seconds spread, or null without runs. */
    public Spread cpuSpread() {
        return runs.isEmpty() ? null : Spread.of(runs.stream().map(Measurement::cpuS).toList());
    }

    // The spread as flat JSON fields (see the class comment); Java callers use wallSpread() and cpuSpread().

    @JsonProperty("min_s")
    Double jsonMinS() {
        return figure(wallSpread(), Spread::min);
    }

    @JsonProperty("q1_s")
    Double jsonQ1S() {
        return figure(wallSpread(), Spread::q1);
    }

    @JsonProperty("q3_s")
    Double jsonQ3S() {
        return figure(wallSpread(), Spread::q3);
    }

    @JsonProperty("max_s")
    Double jsonMaxS() {
        return figure(wallSpread(), Spread::max);
    }

    @JsonProperty("cpu_min_s")
    Double jsonCpuMinS() {
        return figure(cpuSpread(), Spread::min);
    }

    @JsonProperty("cpu_q1_s")
    Double jsonCpuQ1S() {
        return figure(cpuSpread(), Spread::q1);
    }

    @JsonProperty("cpu_q3_s")
    Double jsonCpuQ3S() {
        return figure(cpuSpread(), Spread::q3);
    }

    @JsonProperty("cpu_max_s")
    Double jsonCpuMaxS() {
        return figure(cpuSpread(), Spread::max);
    }

    private static Double figure(Spread spread, java.util.function.ToDoubleFunction<Spread> figure) {
        return spread == null ? null : figure.applyAsDouble(spread);
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
