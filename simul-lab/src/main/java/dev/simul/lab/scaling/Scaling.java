package dev.simul.lab.scaling;

import dev.simul.lab.experiment.Experiment;
import dev.simul.lab.experiment.Finding;
import dev.simul.lab.text.Figures;
import dev.simul.lab.workload.CpuBound;
import dev.simul.runner.Runner;
import dev.simul.runner.Runners;
import dev.simul.task.Wait;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;

/**
 * The {@code scaling} experiment: throughput against the number of workers, from one to eight times the
 * processors, for a CPU-bound job and for one that sleeps; then Amdahl's law and the Universal Scalability Law
 * fitted to the first, Little's law set against the second ({@link ScalingLaws}), and the best worker count of
 * each.
 *
 * <p>Each point runs on a fresh {@code threads} runner of N platform threads, and only its {@code map} call is
 * timed. The CPU job is the same at every N ({@value #CPU_TASKS_PER_WORKER} tasks per worker of the largest N, each
 * {@link CpuBound#count} of {@code 5 x 10^7 x scale} steps), so every worker has work and the points differ only in how
 * many threads share it. The sleeping job gives each worker {@value #IO_TASKS_PER_WORKER} sleeps of L =
 * {@code 100 ms x scale}, so each point lasts about four sleeps whatever N. The points run in rounds, every N once
 * per round, so that load from elsewhere on the machine falls on all of them alike; each point's throughput is
 * the median of its rounds.
 */
public final class Scaling implements Experiment {

    /** Measured runs per point. */
    static final int REPEATS = 3;
    /** CPU tasks per worker of the largest count: enough that no worker idles while another has two left. */
    static final int CPU_TASKS_PER_WORKER = 2;
    /** Sleeps per worker at every point. */
    static final int IO_TASKS_PER_WORKER = 4;
    /** The most workers, per processor: far enough past the cores to show what oversubscription does. */
    static final int MAX_WORKERS_PER_PROCESSOR = 8;
    /** Little's law holds at a point while its throughput is at least this share of N / L. */
    static final double LITTLE_FRACTION = 0.8;
    /** Counting steps per CPU task at scale 1 (about 0.05 to 0.15 s of one core). */
    static final long CPU_STEPS = 50_000_000;
    /** The I/O tasks' sleep at scale 1. */
    static final Duration IO_LATENCY = Duration.ofMillis(100);
    /** The shortest sleep: below it the timer's granularity, not the sleep, is what is measured. */
    static final Duration MIN_LATENCY = Duration.ofMillis(1);

    @Override
    public String name() {
        return "scaling";
    }

    @Override
    public String description() {
        return "throughput at 1 to 8x the processors workers: cpu fitted to Amdahl and the USL, sleeps to Little's law";
    }

    /** 1, 2, 4, ... up to {@value #MAX_WORKERS_PER_PROCESSOR} x {@code processors}, and the processor count itself. */
    static List<Integer> workerCounts(int processors) {
        int most = MAX_WORKERS_PER_PROCESSOR * processors;
        TreeSet<Integer> counts = new TreeSet<>();
        for (int n = 1; n < most; n *= 2) {
            counts.add(n);
        }
        counts.add(processors);
        counts.add(most);
        return List.copyOf(counts);
    }

    static long cpuSteps(double scale) {
        return Math.max(1_000, Math.round(CPU_STEPS * scale));
    }

    static Duration ioLatency(double scale) {
        Duration d = Duration.ofNanos(Math.round(IO_LATENCY.toNanos() * scale));
        return d.compareTo(MIN_LATENCY) < 0 ? MIN_LATENCY : d;
    }

    @Override
    public Finding run(Context context) throws Exception {
        int processors = context.machine().availableToJvm();
        List<Integer> counts = workerCounts(processors);
        long steps = cpuSteps(context.scale());
        Duration latency = ioLatency(context.scale());
        int cpuTasks = CPU_TASKS_PER_WORKER * counts.getLast();

        context.progress().accept("warm-up");
        cpuRun(processors, Math.min(cpuTasks, 4 * processors), steps); // lets the JIT compile count() first

        double load = loadAverage();
        List<List<Run>> cpuRuns = new ArrayList<>();
        List<List<Run>> ioRuns = new ArrayList<>();
        counts.forEach(n -> {
            cpuRuns.add(new ArrayList<>());
            ioRuns.add(new ArrayList<>());
        });
        for (int r = 0; r < REPEATS; r++) {
            for (int i = 0; i < counts.size(); i++) {
                int n = counts.get(i);
                context.progress().accept("round %d/%d: cpu, %d workers".formatted(r + 1, REPEATS, n));
                cpuRuns.get(i).add(cpuRun(n, cpuTasks, steps));
                context.progress().accept("round %d/%d: io, %d workers".formatted(r + 1, REPEATS, n));
                ioRuns.get(i).add(ioRun(n, IO_TASKS_PER_WORKER * n, latency));
            }
        }
        List<ScalingFinding.Point> cpuPoints = new ArrayList<>();
        List<ScalingFinding.Point> ioPoints = new ArrayList<>();
        for (int i = 0; i < counts.size(); i++) {
            cpuPoints.add(point(counts.get(i), cpuTasks, cpuRuns.get(i)));
            ioPoints.add(point(counts.get(i), IO_TASKS_PER_WORKER * counts.get(i), ioRuns.get(i)));
        }
        var cpu = new ScalingFinding.Curve("cpu", "%d tasks at every N, each counting to %s (CpuBound.count)"
                .formatted(cpuTasks, Figures.count(steps)), cpuPoints);
        var io = new ScalingFinding.Curve("io", "%d sleeps of %s per worker (Wait.sleep)"
                .formatted(IO_TASKS_PER_WORKER, Figures.seconds(latency.toNanos() / 1e9)), ioPoints);
        return ScalingFinding.of(processors, load, REPEATS, cpu, io, latency.toNanos() / 1e9, LITTLE_FRACTION);
    }

    /** One timed run: its wall time, and the CPU time this JVM used meanwhile (all its threads). */
    private record Run(double wallS, double cpuS) {
    }

    private static ScalingFinding.Point point(int workers, int tasks, List<Run> runs) {
        return ScalingFinding.Point.of(workers, tasks, runs.stream().map(r -> tasks / r.wallS()).toList(),
                runs.stream().map(r -> r.cpuS() / r.wallS()).toList());
    }

    /** The machine's load average over the last minute, or -1 where the OS does not say. */
    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** CPU time of this JVM so far, in nanoseconds. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Runs {@code tasks} counts of {@code steps} on {@code workers} threads. */
    private static Run cpuRun(int workers, int tasks, long steps) throws Exception {
        try (Runner runner = Runners.threads(workers)) {
            List<Long> inputs = Collections.nCopies(tasks, steps);
            long c0 = processCpuNanos();
            long t0 = System.nanoTime();
            List<Long> counts = runner.map(CpuBound::count, inputs);
            Run run = new Run((System.nanoTime() - t0) / 1e9, (processCpuNanos() - c0) / 1e9);
            if (!counts.equals(inputs)) {
                throw new IllegalStateException("scaling: a count came out wrong: " + counts);
            }
            return run;
        }
    }

    /** Runs {@code tasks} sleeps of {@code latency} on {@code workers} threads. */
    private static Run ioRun(int workers, int tasks, Duration latency) throws Exception {
        try (Runner runner = Runners.threads(workers)) {
            List<Duration> inputs = Collections.nCopies(tasks, latency);
            long c0 = processCpuNanos();
            long t0 = System.nanoTime();
            List<Duration> answers = runner.map(Scaling::call, inputs);
            Run run = new Run((System.nanoTime() - t0) / 1e9, (processCpuNanos() - c0) / 1e9);
            if (!answers.equals(inputs)) {
                throw new IllegalStateException("scaling: a sleep came back wrong: " + answers);
            }
            return run;
        }
    }

    /** A call that answers after {@code latency}, as the lab's api workload's. */
    static Duration call(Duration latency) throws InterruptedException {
        Wait.sleep(latency);
        return latency;
    }
}
