package dev.simul.lab.experiment;

import dev.simul.runner.SequentialMode;
import dev.simul.lab.workload.Workload;
import dev.simul.runner.Explaining;
import dev.simul.runner.Runner;
import dev.simul.runner.Runners;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Runs every (workload, mode) cell of a {@link LabConfig}: warm-up runs, then {@code repeat} measured runs, each on
 * a fresh runner so that start-up and shut-down count, as they do in the seeds' timings.
 *
 * <p>A workload's modes warm up one after the other, then take turns: the first measured run of every mode, then the
 * second of every mode, and so on. A machine drifts while a row runs (measured, 4 file-writing tasks: 0.21 s on the
 * row's first mode, 0.25 s on its third, whichever modes those were), and taking turns spreads the drift over every
 * mode instead of charging it to the last.
 *
 * <p>The warm-up lasts at least one run and {@link LabConfig#warmupS()} seconds, then goes on while the JIT is
 * still busy, up to {@link #WARMUP_LIMIT} times that: a short workload runs a great many methods about a hundred
 * times each, so the JIT is still compiling them after seconds of runs, on the same cores the workload uses
 * (measured, 100 downloads on virtual threads: 20-70 ms of compiling per 0.12 s run after 2 s of runs; the median
 * went from 0.120 s after 1 s of warm-up to 0.113 s after 3 s). A long run settles the JIT at once.
 */
public final class Lab {

    /**
     * The warm-up ends once a run spent at most this share of its wall time compiling (the JIT's threads summed):
     * the hot paths are compiled, and the compiler no longer competes with the workload for cores.
     */
    static final double JIT_SETTLED = 0.05;
    /** The warm-up ends by this many times {@link LabConfig#warmupS()} even if the JIT has not settled. */
    static final int WARMUP_LIMIT = 3;

    /** Told about progress; called on the thread that runs the lab. */
    public interface Listener {
        /** Run {@code run} (0 = the warm-up) of cell {@code cell} of {@code cells} is about to start. */
        void starting(String workload, String mode, int cell, int cells, int run, int runs);

        /** A cell is measured. */
        default void measured(Cell cell) {
        }
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final java.lang.management.CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();
    private static final java.lang.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private Lab() {
    }

    /** Runs the whole matrix; cells come back workload by workload, modes in the configured order. */
    public static List<Cell> run(LabConfig config, Listener listener) throws Exception {
        return run(config, listener, System::nanoTime);
    }

    /** The same, with the clocks that time the warm-up (tests advance their own): wall time and JIT time. */
    static List<Cell> run(LabConfig config, Listener listener, LongSupplier clock) throws Exception {
        return run(config, listener, clock, Lab::jitNanos);
    }

    static List<Cell> run(LabConfig config, Listener listener, LongSupplier clock, LongSupplier jit)
            throws Exception {
        int cells = config.workloads().size() * config.modes().size();
        List<Cell> results = new ArrayList<>();
        int index = 0;
        for (Workload workload : config.workloads()) {
            Double sequentialWall = null;
            List<Cell> row = new ArrayList<>();
            workload.setUp(config.scale());
            try {
                List<Turns> turns = new ArrayList<>();
                for (String mode : config.modes()) {
                    turns.add(warmUp(workload, mode, config, listener, ++index, cells, clock, jit));
                }
                for (int run = 1; run <= config.repeat(); run++) {
                    for (Turns cell : turns) {
                        listener.starting(workload.name(), cell.mode, cell.index, cells, run, config.repeat());
                        cell.add(timedRun(workload, cell.mode, cell.workers, config));
                    }
                }
                for (Turns cell : turns) {
                    row.add(cell.cell(workload.name()));
                    if (cell.mode.equals(SequentialMode.NAME)) {
                        sequentialWall = row.getLast().wallS();
                    }
                }
            } finally {
                workload.tearDown();
            }
            for (Cell cell : row) {
                Cell done = sequentialWall == null ? cell : cell.withSpeedup(sequentialWall / cell.wallS());
                results.add(done);
                listener.measured(done);
            }
        }
        return results;
    }

    /** One cell's warm-up (see the class comment): its measured runs come after, in turns with the row's others. */
    private static Turns warmUp(Workload workload, String mode, LabConfig config, Listener listener, int index,
                                int cells, LongSupplier clock, LongSupplier jit) throws Exception {
        Integer workers = config.workers() != null ? config.workers() : workload.defaultWorkers(Runners.mode(mode));
        long warmup = Math.round(config.warmupS() * 1e9);
        long start = clock.getAsLong();
        int warmupRuns = 0;
        while (true) {
            listener.starting(workload.name(), mode, index, cells, 0, config.repeat());
            long t0 = clock.getAsLong();
            long jit0 = jit.getAsLong();
            timedRun(workload, mode, workers, config);
            warmupRuns++;
            long now = clock.getAsLong();
            boolean settled = jit.getAsLong() - jit0 <= JIT_SETTLED * (now - t0);
            if (now - start >= warmup && (settled || now - start >= WARMUP_LIMIT * warmup)) {
                break;
            }
        }
        return new Turns(mode, index, workers, workload.tasks(config.scale()), warmupRuns,
                (clock.getAsLong() - start) / 1e9);
    }

    /** A cell being measured: its warm-up, then its measured runs as they come. */
    private static final class Turns {
        final String mode;
        final int index;
        final Integer workers;
        final int tasks;
        final int warmupRuns;
        final double warmupS;
        final List<Measurement> runs = new ArrayList<>();
        Run last;

        Turns(String mode, int index, Integer workers, int tasks, int warmupRuns, double warmupS) {
            this.mode = mode;
            this.index = index;
            this.workers = workers;
            this.tasks = tasks;
            this.warmupRuns = warmupRuns;
            this.warmupS = warmupS;
        }

        void add(Run run) {
            runs.add(run.measurement());
            last = run;
        }

        /** The cell: medians of the runs; the workers and the decision as the last run left them. */
        Cell cell(String workload) {
            int used = last.workers() == Runner.UNBOUNDED ? tasks : last.workers();
            return new Cell(workload, mode, used, tasks, median(runs.stream().map(Measurement::wallS).toList()),
                    median(runs.stream().map(Measurement::cpuS).toList()), null, runs, warmupRuns, warmupS,
                    last.decision());
        }
    }

    /** Time this JVM's JIT has spent compiling, summed over its threads; 0 where the JVM does not tell. */
    static long jitNanos() {
        return JIT != null && JIT.isCompilationTimeMonitoringSupported()
                ? JIT.getTotalCompilationTime() * 1_000_000L : 0;
    }

    /**
     * CPU time of this JVM plus that of its finished child processes (the {@code processes} mode's workers, which
     * exit when their runner closes), so that every mode's CPU is counted. Children's time comes from
     * /proc/self/stat on Linux; elsewhere only this JVM's is counted.
     */
    static long cpuNanos() {
        return OS.getProcessCpuTime() + childrenCpuNanos();
    }

    static long childrenCpuNanos() {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[13]) + Long.parseLong(f[14]); // cutime, cstime: fields 16 and 17
            return ticks * 10_000_000L; // USER_HZ is 100 on Linux
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * A measured run, the workers its runner had once the job was done, and what the runner chose, if it is one that
     * chooses ({@link Explaining}), else null.
     */
    private record Run(Measurement measurement, int workers, String decision) {
    }

    /** One run on a fresh runner, timed from the runner's start to its close; the clean-up comes after. */
    private static Run timedRun(Workload workload, String mode, Integer workers, LabConfig config)
            throws Exception {
        System.gc(); // garbage from the previous run is not this run's cost
        RunnerSource source = config.runners();
        long cpu0 = cpuNanos() + source.outsideCpuNanos();
        int threads0 = THREADS.getThreadCount();
        THREADS.resetPeakThreadCount();
        long t0 = System.nanoTime();
        try {
            Runner runner = newRunner(source, mode, workers);
            try (runner) {
                workload.run(runner, config.scale());
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            // Asked once the runner is closed, when its last task's bookkeeping is done: a runner that chooses its
            // size and model has chosen by then.
            int used = runner.workers();
            String decision = runner instanceof Explaining explaining ? explaining.explanation() : null;
            int threadsAdded = Math.max(0, THREADS.getPeakThreadCount() - threads0);
            return new Run(new Measurement(wall, (cpuNanos() + source.outsideCpuNanos() - cpu0) / 1e9,
                    threadsAdded), used, decision);
        } finally {
            workload.afterRun();
        }
    }

    private static Runner newRunner(RunnerSource source, String mode, Integer workers) {
        Runner runner = source.open(mode, workers);
        if (runner instanceof dev.simul.loop.LoopRunner loop) {
            // CPU work on the loop blocks it, and the lab runs some on purpose: its verdict says so, once, rather
            // than a slow-step warning for every task.
            loop.loop().setSlowCallbackThreshold(null);
        }
        return runner;
    }

    /** The median; the mean of the two middle values for an even count ({@link Spread}). */
    static double median(List<Double> values) {
        return Spread.of(values).median();
    }
}
