package dev.simul.lab.scaling;

import dev.simul.lab.experiment.Finding;
import dev.simul.lab.text.Figures;
import dev.simul.lab.text.Paragraph;
import dev.simul.lab.text.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the {@code scaling} experiment found: a CPU-bound and an I/O-bound throughput curve against the number of
 * workers, the laws fitted to them, the best worker count of each and the verdicts. Its JSON, under
 * {@code scaling}:
 *
 * <pre>
 * processors, load_average (of the machine over the minute before, -1 if unknown), repeats,
 * cpu: {workload, task, points: [{workers, tasks, throughput, cores_used, runs: [tasks/s per repeat]}]},
 * io:  {workload, task, points: [...]},
 * cpu_fit: {best_workers, amdahl_serial_fraction (null on one processor), amdahl_up_to,
 *           usl_lambda, usl_sigma, usl_kappa, usl_peak_workers (null: never turns down), usl_max_error_pct,
 *           usl_throughput: [the fit at each point]},
 * io_fit:  {best_workers, latency_s, fraction, breakpoint_workers (null: holds everywhere),
 *           little_throughput: [N / L at each point], ratio: [measured / (N / L) at each point]},
 * verdicts: [...]
 * </pre>
 *
 * <p>Throughputs are tasks per second, the median of {@code repeats} runs.
 *
 * @param processors  the processors available to the JVM
 * @param loadAverage the machine's load average over the minute before the experiment, or -1 if unknown: other
 *                    processes' share of the processors
 * @param repeats     measured runs per point
 * @param cpu        the CPU-bound curve
 * @param io         the sleeping curve
 * @param cpuFit     Amdahl's law and the USL fitted to {@code cpu}
 * @param ioFit      Little's law against {@code io}
 * @param verdicts   the answers, computed from the numbers
 */
public record ScalingFinding(int processors, double loadAverage, int repeats, Curve cpu, Curve io, CpuFit cpuFit, IoFit ioFit,
                             List<String> verdicts) implements Finding {

    /** A worker count within this share of the highest throughput counts as the peak: the smallest such wins. */
    static final double NEAR_PEAK = 0.95;
    /** Below this share of the processors used at its best, the CPU curve measured the machine's other load. */
    static final double CORES_SHORT = 0.75;

    /**
     * One throughput curve.
     *
     * @param workload its name ({@code cpu}, {@code io})
     * @param task     what its tasks do and how many run per point
     * @param points   one per worker count, fewest workers first
     */
    public record Curve(String workload, String task, List<Point> points) {
        public Curve {
            points = List.copyOf(points);
            if (points.isEmpty()) {
                throw new IllegalArgumentException("a curve needs points");
            }
        }

        int[] workers() {
            return points.stream().mapToInt(Point::workers).toArray();
        }

        double[] throughputs() {
            return points.stream().mapToDouble(Point::throughput).toArray();
        }

        /** The smallest worker count whose throughput is within {@link #NEAR_PEAK} of the highest. */
        int bestWorkers() {
            double max = points.stream().mapToDouble(Point::throughput).max().orElseThrow();
            return points.stream().filter(p -> p.throughput() >= NEAR_PEAK * max).findFirst().orElseThrow()
                    .workers();
        }

        Point at(int workers) {
            return points.stream().filter(p -> p.workers() == workers).findFirst().orElseThrow();
        }
    }

    /**
     * One worker count of a curve.
     *
     * @param workers    worker threads
     * @param tasks      tasks per run
     * @param throughput the median of {@code runs}, tasks per second
     * @param coresUsed  the median of the runs' CPU time of the whole JVM / wall time: the processors it had
     * @param runs       each measured run's throughput
     */
    public record Point(int workers, int tasks, double throughput, double coresUsed, List<Double> runs) {
        public Point {
            runs = List.copyOf(runs);
        }

        /** A point of the medians of {@code runs} (throughputs) and {@code cores} (cores used by each run). */
        public static Point of(int workers, int tasks, List<Double> runs, List<Double> cores) {
            return new Point(workers, tasks, median(runs), median(cores), runs);
        }

        static double median(List<Double> values) {
            List<Double> sorted = values.stream().sorted().toList();
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }
    }

    /**
     * The CPU curve's fits.
     *
     * @param bestWorkers          the fewest workers within 5% of the highest throughput
     * @param amdahlSerialFraction Amdahl's s fitted over 1 to {@code amdahlUpTo} workers, or null (one processor)
     * @param amdahlUpTo           the most workers the Amdahl fit used: the processors
     * @param uslLambda            the USL's lambda (the throughput at 1 worker), tasks per second
     * @param uslSigma             the USL's contention
     * @param uslKappa             the USL's coherency
     * @param uslPeakWorkers       where the fitted USL peaks, or null if it never turns down
     * @param uslMaxErrorPct       the largest gap between the fit and a measured point, in % of the measured
     * @param uslThroughput        the fitted throughput at each point
     */
    public record CpuFit(int bestWorkers, Double amdahlSerialFraction, int amdahlUpTo, double uslLambda,
                         double uslSigma, double uslKappa, Double uslPeakWorkers, double uslMaxErrorPct,
                         List<Double> uslThroughput) {
        public CpuFit {
            uslThroughput = List.copyOf(uslThroughput);
        }
    }

    /**
     * The I/O curve against Little's law.
     *
     * @param bestWorkers       the fewest workers within 5% of the highest throughput
     * @param latencyS          the latency of one task, L: the sleep it asks for
     * @param fraction          Little's law holds at a point while its throughput is at least this share of N / L
     * @param breakpointWorkers the first worker count where it does not, or null
     * @param littleThroughput  N / L at each point
     * @param ratio             measured throughput / (N / L) at each point
     */
    public record IoFit(int bestWorkers, double latencyS, double fraction, Integer breakpointWorkers,
                        List<Double> littleThroughput, List<Double> ratio) {
        public IoFit {
            littleThroughput = List.copyOf(littleThroughput);
            ratio = List.copyOf(ratio);
        }
    }

    public ScalingFinding {
        verdicts = List.copyOf(verdicts);
        if (!java.util.Arrays.equals(cpu.workers(), io.workers())) {
            throw new IllegalArgumentException("the cpu and io curves must have the same worker counts");
        }
    }

    /**
     * Fits the laws to the curves and writes the verdicts: everything but the measurements themselves.
     *
     * @param latencyS the I/O tasks' latency
     * @param fraction the share of N / L below which Little's law no longer holds
     */
    public static ScalingFinding of(int processors, double loadAverage, int repeats, Curve cpu, Curve io,
                                    double latencyS, double fraction) {
        CpuFit cpuFit = fitCpu(cpu, processors);
        IoFit ioFit = fitIo(io, latencyS, fraction);
        return new ScalingFinding(processors, loadAverage, repeats, cpu, io, cpuFit, ioFit,
                verdicts(processors, loadAverage, cpu, io, cpuFit, ioFit));
    }

    static CpuFit fitCpu(Curve cpu, int processors) {
        int[] n = cpu.workers();
        double[] x = cpu.throughputs();
        ScalingLaws.Usl usl = ScalingLaws.fitUsl(n, x);
        // Amdahl's law describes cores added, not threads sharing them: fit it where each worker has a processor.
        List<Point> owned = cpu.points().stream().filter(p -> p.workers() <= processors).toList();
        double x1 = cpu.at(1).throughput();
        Double s = ScalingLaws.amdahlSerialFraction(owned.stream().mapToInt(Point::workers).toArray(),
                owned.stream().mapToDouble(p -> p.throughput() / x1).toArray());
        List<Double> fitted = new ArrayList<>();
        double maxError = 0;
        for (int i = 0; i < n.length; i++) {
            double f = usl.throughput(n[i]);
            fitted.add(f);
            maxError = Math.max(maxError, Math.abs(f - x[i]) / x[i] * 100);
        }
        return new CpuFit(cpu.bestWorkers(), s, processors, usl.lambda(), usl.sigma(), usl.kappa(),
                usl.peakWorkers(), maxError, fitted);
    }

    static IoFit fitIo(Curve io, double latencyS, double fraction) {
        int[] n = io.workers();
        double[] x = io.throughputs();
        List<Double> little = new ArrayList<>();
        List<Double> ratio = new ArrayList<>();
        for (int i = 0; i < n.length; i++) {
            double l = ScalingLaws.littleThroughput(n[i], latencyS);
            little.add(l);
            ratio.add(x[i] / l);
        }
        return new IoFit(io.bestWorkers(), latencyS, fraction, ScalingLaws.littleBreakpoint(n, x, latencyS, fraction),
                little, ratio);
    }

    static List<String> verdicts(int processors, double loadAverage, Curve cpu, Curve io, CpuFit cpuFit,
                                 IoFit ioFit) {
        List<String> out = new ArrayList<>();
        out.add(cpuVerdict(processors, cpu, cpuFit) + coresVerdict(processors, loadAverage, cpu));
        out.add(fitVerdict(processors, cpuFit));
        out.add(ioVerdict(processors, io, ioFit));
        int ioBest = ioFit.bestWorkers();
        out.add(("So the best worker count depends on the work: CPU-bound work wants about one worker per processor"
                + " (%s here, on %d), I/O-bound work as many workers as there are waits to overlap (%s here, %s"
                + " the processors%s).").formatted(workers(cpuFit.bestWorkers()), processors, workers(ioBest),
                times((double) ioBest / processors),
                ioFit.breakpointWorkers() == null && ioBest == io.points().getLast().workers()
                        ? ", and more would still help" : ""));
        return out;
    }

    private static String cpuVerdict(int processors, Curve cpu, CpuFit fit) {
        int best = fit.bestWorkers();
        Point peak = cpu.at(best);
        double x1 = cpu.at(1).throughput();
        String relation = best == processors ? " = the " + processors + " processors"
                : best < processors ? ", fewer than the " + processors + " processors: more workers added under 5%"
                : ", more than the " + processors + " processors";
        StringBuilder v = new StringBuilder("cpu peaks at %s (%s one worker's throughput)%s".formatted(
                workers(best), times(peak.throughput() / x1), relation));
        Point last = cpu.points().getLast();
        if (last.workers() > best) {
            double ofPeak = last.throughput() / peak.throughput();
            v.append("; at %s it runs at %s of the peak".formatted(workers(last.workers()), percent(ofPeak)));
            v.append(last.workers() > processors
                    ? ofPeak >= 0.9 ? ": workers beyond the cores only take turns on them"
                            : ": workers beyond the cores take turns and cost switches and caches besides"
                    : "");
        }
        return v.append('.').toString();
    }

    /**
     * When the JVM never had all the processors (other processes held them), says so: the curve then shows the
     * machine's load, not the work's scaling. Empty otherwise.
     */
    private static String coresVerdict(int processors, double loadAverage, Curve cpu) {
        double most = cpu.points().stream().filter(p -> p.workers() >= processors).mapToDouble(Point::coresUsed)
                .max().orElse(processors);
        if (most >= CORES_SHORT * processors) {
            return "";
        }
        return (" But this JVM got at most %.1f of the %d processors (CPU time / wall time)%s: other processes held"
                + " the rest, so the curve shows what was left of the machine, not how far the work scales.")
                .formatted(most, processors, loadAverage >= 0
                        ? String.format(Locale.ROOT, "; the load average was %.1f", loadAverage) : "");
    }

    private static String fitVerdict(int processors, CpuFit fit) {
        StringBuilder v = new StringBuilder("USL fit: sigma=%s (contention), kappa=%s (coherency), lambda=%s tasks/s"
                .formatted(coefficient(fit.uslSigma()), coefficient(fit.uslKappa()), Figures.number(fit.uslLambda())));
        v.append(fit.uslPeakWorkers() != null
                ? ", so the fitted curve peaks at N*=%s".formatted(Figures.number(fit.uslPeakWorkers()))
                : fit.uslSigma() >= 1 ? ", so the fitted curve never rises past one worker"
                : ", so the fitted curve never turns down");
        v.append(" (within %.0f%% of every point). ".formatted(fit.uslMaxErrorPct()));
        if (fit.amdahlSerialFraction() == null) {
            v.append("Amdahl: not fitted: with one processor no point has more than one worker on its own core.");
        } else {
            double s = fit.amdahlSerialFraction();
            v.append("Amdahl over 1 to %d workers: serial fraction s=%s, so %s".formatted(processors,
                    coefficient(s), s > 0 ? "at most %s on any number of cores".formatted(times(1 / s))
                            : "no limit in sight"));
            v.append('.');
        }
        return v.toString();
    }

    private static String ioVerdict(int processors, Curve io, IoFit fit) {
        String sleeps = "io (sleeps of " + Figures.seconds(fit.latencyS()) + ")";
        int most = io.points().getLast().workers();
        double worst = fit.ratio().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        Integer bp = fit.breakpointWorkers();
        if (bp == null) {
            return ("%s follows Little's law, throughput = N / L, at every count up to %s (at worst %s of N / L):"
                    + " a sleeping task holds a worker but no core, so %d workers on %d processors complete %d"
                    + " times as many; best: %s.").formatted(sleeps, workers(most), percent(worst), most,
                    processors, most, workers(fit.bestWorkers()));
        }
        int[] n = io.workers();
        int index = 0;
        while (n[index] != bp) {
            index++;
        }
        if (index == 0) {
            return "%s does not follow Little's law even at %s: %s of N / L (under %s); best: %s.".formatted(sleeps,
                    workers(bp), percent(fit.ratio().get(0)), percent(fit.fraction()), workers(fit.bestWorkers()));
        }
        return ("%s follows Little's law up to %s; at %s it reaches %s of N / L (under %s): past that the"
                + " workers' own costs, not the sleeps, set the pace; best: %s.").formatted(sleeps,
                workers(n[index - 1]), workers(bp), percent(fit.ratio().get(index)), percent(fit.fraction()),
                workers(fit.bestWorkers()));
    }

    private static String workers(int n) {
        return n + (n == 1 ? " worker" : " workers");
    }

    private static String times(double x) {
        return String.format(Locale.ROOT, x >= 10 ? "%.0fx" : "%.2fx", x);
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f%%", share * 100);
    }

    /** A fitted coefficient: small ones keep their significant digits. */
    static String coefficient(double c) {
        if (c == 0) {
            return "0";
        }
        return Math.abs(c) >= 0.01 ? String.format(Locale.ROOT, "%.3f", c) : String.format(Locale.ROOT, "%.2g", c);
    }

    @Override
    public String render() {
        StringBuilder out = new StringBuilder();
        out.append("scaling: throughput against workers on %d processors, median of %d run%s per point%n".formatted(
                processors, repeats, repeats == 1 ? "" : "s"));
        out.append(Paragraph.wrap((loadAverage >= 0 ? String.format(Locale.ROOT, "load average before: %.1f; ",
                loadAverage) : "") + "cpu: " + cpu.task() + "; io: " + io.task(), Paragraph.WIDTH, "  "));
        out.append('\n');
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("workers", "cpu tasks/s", "speedup", "cores", "USL fit", "io tasks/s", "N / L",
                "io / (N / L)"));
        double x1 = cpu.at(1).throughput();
        for (int i = 0; i < cpu.points().size(); i++) {
            Point c = cpu.points().get(i);
            Point o = io.points().get(i);
            rows.add(List.of(Integer.toString(c.workers()), Figures.number(c.throughput()),
                    times(c.throughput() / x1), String.format(Locale.ROOT, "%.2f", c.coresUsed()),
                    Figures.number(cpuFit.uslThroughput().get(i)), Figures.number(o.throughput()),
                    Figures.number(ioFit.littleThroughput().get(i)), percent(ioFit.ratio().get(i))));
        }
        out.append(Table.render(rows, 0)).append('\n');
        out.append(Paragraph.wrap("speedup = cpu tasks/s / that at 1 worker; cores = the JVM's CPU time / wall time"
                + " during the cpu runs; USL fit = lambda N / (1 + sigma (N-1) + kappa N (N-1)) fitted to the cpu"
                + " column; N / L = Little's law for N workers each waiting L", Paragraph.WIDTH, "")).append('\n');
        for (String v : verdicts) {
            out.append(Paragraph.wrap(v, Paragraph.WIDTH, "  "));
        }
        return out.toString();
    }
}
