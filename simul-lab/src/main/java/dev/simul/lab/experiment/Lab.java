package dev.simul.lab.experiment;

import dev.simul.lab.workload.Workload;
import dev.simul.runner.Runner;
import dev.simul.runner.Runners;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs every (workload, mode) cell of a {@link LabConfig}: one warm-up run, then {@code repeat} measured runs,
 * each on a fresh runner so that start-up and shut-down count, as they do in the seeds' timings.
 */
public final class Lab {

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

    private Lab() {
    }

    /** Runs the whole matrix; cells come back workload by workload, modes in the configured order. */
    public static List<Cell> run(LabConfig config, Listener listener) throws Exception {
        int cells = config.workloads().size() * config.modes().size();
        List<Cell> results = new ArrayList<>();
        int index = 0;
        for (Workload workload : config.workloads()) {
            Double sequentialWall = null;
            List<Cell> row = new ArrayList<>();
            workload.setUp(config.scale());
            try {
                for (String mode : config.modes()) {
                    index++;
                    row.add(measure(workload, mode, config, listener, index, cells));
                    if (mode.equals(Runners.SEQUENTIAL)) {
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

    /** One cell: a warm-up run, then the measured ones, each on a fresh runner. */
    private static Cell measure(Workload workload, String mode, LabConfig config, Listener listener, int index,
                                int cells) throws Exception {
        List<Measurement> runs = new ArrayList<>();
        Integer workers = config.workers() != null ? config.workers() : workload.defaultWorkers(mode);
        int tasks = workload.tasks(config.scale());
        int used = 0;
        for (int run = 0; run <= config.repeat(); run++) {
            listener.starting(workload.name(), mode, index, cells, run, config.repeat());
            System.gc(); // garbage from the previous run is not this run's cost
            long cpu0 = OS.getProcessCpuTime();
            long t0 = System.nanoTime();
            long wall;
            long cpu;
            try {
                try (Runner runner = newRunner(mode, workers)) {
                    used = runner.workers() == Runner.UNBOUNDED ? tasks : runner.workers();
                    workload.run(runner, config.scale());
                }
                wall = System.nanoTime() - t0;
                cpu = OS.getProcessCpuTime() - cpu0;
            } finally {
                workload.afterRun();
            }
            if (run > 0) {
                runs.add(new Measurement(wall / 1e9, cpu / 1e9));
            }
        }
        return new Cell(workload.name(), mode, used, tasks,
                median(runs.stream().map(Measurement::wallS).toList()),
                median(runs.stream().map(Measurement::cpuS).toList()), null, runs);
    }

    private static Runner newRunner(String mode, Integer workers) {
        return workers == null ? Runners.of(mode) : Runners.of(mode, workers);
    }

    /** The median; the mean of the two middle values for an even count. */
    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
