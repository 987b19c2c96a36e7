package dev.simul.lab.report.html;

import dev.simul.lab.capacity.CapacityFinding;
import dev.simul.lab.experiment.Finding;
import dev.simul.lab.overheads.OverheadsFinding;
import dev.simul.lab.race.RaceFinding;
import dev.simul.lab.scaling.ScalingFinding;
import dev.simul.lab.scaling.ScalingLaws;
import dev.simul.lab.text.Figures;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * The section of the page for one experiment's finding: its charts, its numbers as a table and its verdicts. The
 * experiments the lab knows get charts drawn from their records; any other finding shows its printed text.
 */
final class FindingSection {

    /** The colour of fitted laws: they are not a mode, and must not look like one. */
    private static final Color FIT = new Color(0x333333);
    private static final Color FIT_2 = new Color(0x999999);

    /** The overheads' three charts share a row: drawn narrower, their text stays readable when it shrinks. */
    private static final int THIRD = 440;

    private final String name;
    private final String id;

    /**
     * @param name the experiment's name, the section's title and anchor
     * @param id   a prefix unique in the page, for the charts' ids
     */
    FindingSection(String name, String id) {
        this.name = name;
        this.id = id;
    }

    /** The section's anchor, for the table of contents. */
    static String anchor(String name) {
        return "experiment-" + name.replaceAll("[^A-Za-z0-9_-]", "-");
    }

    /** The section: a title, the finding's charts and tables (or its printed text), then its verdicts. */
    String render(Finding finding) {
        String title;
        String body;
        switch (finding) {
            case OverheadsFinding o -> {
                title = "what one unit of each model costs";
                body = overheads(o);
            }
            case RaceFinding r -> {
                title = "who loses updates to a shared counter";
                body = race(r);
            }
            case ScalingFinding s -> {
                title = "throughput against workers";
                body = scaling(s);
            }
            case CapacityFinding c -> {
                title = "how many units sleep at once";
                body = capacity(c);
            }
            default -> {
                title = "";
                body = "<pre>" + Html.escape(finding.render()) + "</pre>\n";
            }
        }
        return "<section id=\"" + Html.escape(anchor(name)) + "\"><h2>" + Html.escape(name)
                + (title.isEmpty() ? "" : "<span class=\"sub\">: " + Html.escape(title) + "</span>") + "</h2>\n"
                + body + "<h3>Verdicts</h3>\n" + Html.verdicts(finding.verdicts()) + "</section>\n";
    }

    private String overheads(OverheadsFinding o) {
        List<OverheadsFinding.Unit> units = o.units();
        StringBuilder out = new StringBuilder("<p>What one unit of each model costs to"
                + " start, to switch to and to keep idle: medians, on logarithmic axes because they are orders of"
                + " magnitude apart.</p>\n");
        out.append(HtmlFormat.legend(units.stream().map(u -> label(u.model())).toList()));
        out.append("<div class=\"grid three\">");
        out.append(logBars("create", units, OverheadsFinding.Unit::createJoinNs, "nanoseconds, log scale",
                FindingSection::nanos, "Create, start and join one"));
        out.append(logBars("switch", units, OverheadsFinding.Unit::switchNs, "nanoseconds, log scale",
                FindingSection::nanos, "One switch"));
        out.append(logBars("memory", units.stream().filter(u -> u.bytesPerIdleUnit() != null).toList(),
                u -> u.bytesPerIdleUnit(), "bytes, log scale", b -> Figures.bytes(b), "Memory per idle unit"));
        out.append("</div>\n");
        List<List<String>> rows = new ArrayList<>();
        for (OverheadsFinding.Unit u : units) {
            rows.add(List.of(label(u.model()), nanos(u.createJoinNs()), nanos(u.switchNs()),
                    u.bytesPerIdleUnit() == null ? "-" : Figures.bytes(u.bytesPerIdleUnit()),
                    Figures.count(u.idleUnits())));
        }
        out.append(Html.table("Medians", List.of("model", "create + start + join", "switch",
                "memory per idle unit", "idle at once"), rows));
        out.append("<details><summary>How each was measured</summary><dl class=\"notes\">");
        for (OverheadsFinding.Unit u : units) {
            out.append("<dt>").append(Html.escape(label(u.model()))).append("</dt><dd>switch: ")
                    .append(Html.escape(u.howSwitchWasTimed())).append("; memory: ")
                    .append(Html.escape(u.howMemoryWasMeasured())).append("</dd>");
        }
        return out.append("</dl></details>\n").toString();
    }

    /** One of the overheads' charts: a bar per model on a logarithmic axis, each labelled with its value. */
    private String logBars(String key, List<OverheadsFinding.Unit> units,
                           ToDoubleFunction<OverheadsFinding.Unit> value, String axis,
                           DoubleFunction<String> format, String caption) {
        List<OverheadsFinding.Unit> shown = units.stream().filter(u -> value.applyAsDouble(u) > 0).toList();
        if (shown.isEmpty()) {
            return "";
        }
        List<String> names = shown.stream().map(u -> label(u.model())).toList();
        double[] values = shown.stream().mapToDouble(value).toArray();
        List<String> spoken = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            spoken.add(names.get(i) + " " + format.apply(values[i]));
        }
        String svg = Charts.svg(Charts.bars(names, values, names.stream().map(Palette::of).toList(), axis, null,
                i -> format.apply(values[i]), true), THIRD, 56 + 34 * names.size(), id + key,
                caption + ", per model (log scale): " + String.join("; ", spoken));
        return Html.figure(svg, caption + " (each tick is 10 times the one before).");
    }

    private String race(RaceFinding r) {
        StringBuilder out = new StringBuilder(("<p>%d threads, %d coroutines and %d tasks in worker JVMs increment"
                + " one counter each. Expected: the increments made; actual: the counter at the end (processes: the"
                + " parent's copy of the workers' static counter); lost: expected - actual.</p>\n")
                .formatted(r.threads(), r.threads(), r.threads()));
        List<List<String>> rows = new ArrayList<>();
        for (RaceFinding.Case c : r.cases()) {
            rows.add(List.of(c.model(), c.variant(), Figures.count(c.expected()), Figures.count(c.actual()),
                    c.lost() == null ? "not shared" : c.lost() == 0 ? "0" : Figures.count(c.lost()) + " ("
                            + percent((double) c.lost() / c.expected()) + ")",
                    c.opsPerS() == null ? "-" : Figures.number(c.opsPerS())));
        }
        out.append(Html.table(null, List.of("model", "variant", "expected", "actual", "lost", "increments/s"),
                rows, 2));
        return out.toString();
    }

    private String scaling(ScalingFinding s) {
        StringBuilder out = new StringBuilder(("<p>Throughput (tasks per second, the median of %d run%s per"
                + " point; the whiskers span the fastest and slowest run) against worker threads on %d"
                + " processors%s. cpu: %s; io: %s.</p>\n").formatted(s.repeats(), s.repeats() == 1 ? "" : "s",
                s.processors(), s.loadAverage() >= 0 ? String.format(Locale.ROOT, " (load average before: %.1f)",
                        s.loadAverage()) : "", Html.escape(s.cpu().task()), Html.escape(s.io().task())));
        int most = s.cpu().points().getLast().workers();
        out.append("<div class=\"grid\">");
        // cpu: the measured curve, the USL and Amdahl's law as fitted
        ScalingFinding.CpuFit fit = s.cpuFit();
        XYSeriesCollection cpuFits = new XYSeriesCollection();
        cpuFits.addSeries(curve("USL fit", most, n -> fit.uslLambda() * n
                / (1 + fit.uslSigma() * (n - 1) + fit.uslKappa() * n * (n - 1))));
        List<Color> fitColours = new ArrayList<>(List.of(FIT));
        if (fit.amdahlSerialFraction() != null) {
            double x1 = s.cpu().points().getFirst().throughput() / s.cpu().points().getFirst().workers();
            cpuFits.addSeries(curve("Amdahl, s=" + coefficient(fit.amdahlSerialFraction()), most,
                    n -> x1 * ScalingLaws.amdahlSpeedup(fit.amdahlSerialFraction(), n)));
            fitColours.add(FIT_2);
        }
        NumberAxis cpuY = new NumberAxis("tasks per second");
        // The measured points set the scale; a law that outgrows them (Amdahl's, past the cores) leaves the top.
        double highest = s.cpu().points().stream().flatMap(p -> p.runs().stream()).mapToDouble(Double::doubleValue)
                .max().orElse(1);
        highest = Math.max(highest, fit.uslThroughput().stream().mapToDouble(Double::doubleValue).max().orElse(1));
        cpuY.setRange(0, highest * 1.25);
        String cpuSvg = Charts.svg(Charts.lines(measured(s.cpu()), List.of(Palette.of("threads")), cpuFits,
                fitColours, workersAxis(), cpuY), HtmlFormat.NARROW, 360, id + "cpu",
                "cpu throughput against workers: " + spoken(s.cpu()) + "; USL fit sigma "
                        + coefficient(fit.uslSigma()) + ", kappa " + coefficient(fit.uslKappa())
                        + (fit.amdahlSerialFraction() == null ? ""
                        : "; Amdahl serial fraction " + coefficient(fit.amdahlSerialFraction())));
        out.append(Html.figure(cpuSvg, "CPU-bound tasks: measured, with the Universal Scalability Law"
                + (fit.amdahlSerialFraction() != null ? " and Amdahl's law" : "") + " fitted to them."));
        // io: the measured curve against Little's law
        ScalingFinding.IoFit io = s.ioFit();
        XYSeriesCollection little = new XYSeriesCollection();
        little.addSeries(curve("Little: N / L", most, n -> n / io.latencyS()));
        String ioSvg = Charts.svg(Charts.lines(measured(s.io()), List.of(Palette.of("threads")), little,
                List.of(FIT), workersAxis(), Charts.decades(Charts.logAxis("tasks per second, log scale"),
                Math.min(lowest(s.io()), io.littleThroughput().getFirst()),
                Math.max(highest(s.io()), io.littleThroughput().getLast()))), HtmlFormat.NARROW,
                360, id + "io", "io throughput against workers: " + spoken(s.io()) + "; Little's law N / L with L = "
                        + Figures.seconds(io.latencyS()));
        out.append(Html.figure(ioSvg, "Sleeping tasks (L = " + Figures.seconds(io.latencyS()) + " each): measured,"
                + " and Little's law, N workers / L."));
        out.append("</div>\n");
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < s.cpu().points().size(); i++) {
            ScalingFinding.Point c = s.cpu().points().get(i);
            ScalingFinding.Point o = s.io().points().get(i);
            rows.add(List.of(Integer.toString(c.workers()), Figures.number(c.throughput()),
                    String.format(Locale.ROOT, "%.2f", c.coresUsed()), Figures.number(fit.uslThroughput().get(i)),
                    Figures.number(o.throughput()), Figures.number(io.littleThroughput().get(i)),
                    percent(io.ratio().get(i))));
        }
        out.append("<details><summary>The numbers</summary>").append(Html.table(null, List.of("workers",
                "cpu tasks/s", "cores", "USL fit", "io tasks/s", "N / L", "io / (N / L)"), rows))
                .append("</details>\n");
        return out.toString();
    }

    private String capacity(CapacityFinding c) {
        StringBuilder out = new StringBuilder(("<p>Each model starts ever more units that sleep at once, until"
                + " a budget (%s of memory growth, %s per model), a cap or an error stops it%s.</p>\n").formatted(
                Figures.bytes(c.memoryBudgetBytes()), Figures.seconds(c.timeBudgetS()), c.loadAverage() >= 0
                        ? String.format(Locale.ROOT, "; load average before: %.1f", c.loadAverage()) : ""));
        List<String> names = c.models().stream().map(CapacityFinding.ModelResult::model).toList();
        out.append(HtmlFormat.legend(names));
        XYSeriesCollection start = new XYSeriesCollection();
        XYSeriesCollection memory = new XYSeriesCollection();
        List<Color> startColours = new ArrayList<>();
        List<Color> memoryColours = new ArrayList<>();
        List<String> spokenStart = new ArrayList<>();
        List<String> spokenMemory = new ArrayList<>();
        for (CapacityFinding.ModelResult m : c.models()) {
            XYSeries st = new XYSeries(m.model(), true, false);
            XYSeries mem = new XYSeries(m.model(), true, false);
            for (CapacityFinding.Step step : m.steps()) {
                if (step.held() && step.startS() > 0) {
                    st.add(step.started(), step.startS());
                    spokenStart.add("%s %s in %s".formatted(m.model(), Figures.count(step.started()),
                            Figures.seconds(step.startS())));
                }
                if (step.held() && step.bytesPerUnit() != null && step.bytesPerUnit() > 0) {
                    mem.add(step.started(), step.bytesPerUnit());
                    spokenMemory.add("%s %s at %s each".formatted(m.model(), Figures.count(step.started()),
                            Figures.bytes(step.bytesPerUnit())));
                }
            }
            if (st.getItemCount() > 0) {
                start.addSeries(st);
                startColours.add(Palette.of(m.model()));
            }
            if (mem.getItemCount() > 0) {
                memory.addSeries(mem);
                memoryColours.add(Palette.of(m.model()));
            }
        }
        out.append("<div class=\"grid\">");
        if (start.getSeriesCount() > 0) {
            out.append(Html.figure(Charts.svg(Charts.lines(start, startColours, null, List.of(),
                    decades("units sleeping at once, log scale", start, true),
                    decades("seconds, log scale", start, false)),
                    HtmlFormat.NARROW, 360, id + "start", "Time to start units, per model: "
                            + String.join("; ", spokenStart)), "Time to start them all, against how many"
                    + " (both axes logarithmic): a step per point, up to the largest that held."));
        }
        if (memory.getSeriesCount() > 0) {
            out.append(Html.figure(Charts.svg(Charts.lines(memory, memoryColours, null, List.of(),
                    decades("units sleeping at once, log scale", memory, true),
                    decades("bytes per unit, log scale", memory, false)),
                    HtmlFormat.NARROW, 360, id + "memory", "Memory per unit, per model: "
                            + String.join("; ", spokenMemory)), "Memory per sleeping unit, against how many:"
                    + " what one more costs."));
        }
        out.append("</div>\n<ul class=\"stops\">");
        for (CapacityFinding.ModelResult m : c.models()) {
            out.append("<li><strong>").append(Html.escape(m.model())).append("</strong> stopped at ")
                    .append(Html.escape(Figures.count(m.held()))).append(" (").append(Html.escape(m.stop()))
                    .append("): ").append(Html.escape(m.why())).append(".</li>");
        }
        out.append("</ul>\n");
        List<List<String>> rows = new ArrayList<>();
        for (CapacityFinding.ModelResult m : c.models()) {
            for (CapacityFinding.Step s : m.steps()) {
                rows.add(List.of(m.model(), Figures.count(s.started()), s.held() ? Figures.seconds(s.startS()) : "-",
                        Figures.seconds(s.releaseS()), s.bytesPerUnit() == null ? "-"
                                : s.bytesPerUnit() < 0 ? "~0" : Figures.bytes(s.bytesPerUnit()),
                        s.held() ? "yes" : "no"));
            }
        }
        out.append("<details><summary>Every step</summary>").append(Html.table(null, List.of("model", "units",
                "start", "release", "memory per unit", "held"), rows)).append("</details>\n");
        return out.toString();
    }

    /** A curve's medians with the fastest and slowest run around each. */
    private static YIntervalSeriesCollection measured(ScalingFinding.Curve curve) {
        YIntervalSeries series = new YIntervalSeries(curve.workload() + " measured");
        for (ScalingFinding.Point p : curve.points()) {
            double lo = p.runs().stream().mapToDouble(Double::doubleValue).min().orElse(p.throughput());
            double hi = p.runs().stream().mapToDouble(Double::doubleValue).max().orElse(p.throughput());
            series.add(p.workers(), p.throughput(), lo, hi);
        }
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        data.addSeries(series);
        return data;
    }

    /** A law drawn smoothly from 1 to {@code most} workers: 64 points, evenly spaced on the log axis. */
    private static XYSeries curve(String name, int most, DoubleUnaryOperator law) {
        XYSeries series = new XYSeries(name, true, false);
        int steps = 64;
        for (int i = 0; i <= steps; i++) {
            double n = Math.pow(most, (double) i / steps);
            series.add(n, law.applyAsDouble(n));
        }
        return series;
    }

    /** A logarithmic axis over whole decades around every x (or y) of {@code data}. */
    private static LogAxis decades(String label, XYSeriesCollection data, boolean x) {
        double min = Double.MAX_VALUE;
        double max = 0;
        for (int series = 0; series < data.getSeriesCount(); series++) {
            for (int item = 0; item < data.getItemCount(series); item++) {
                double v = x ? data.getXValue(series, item) : data.getYValue(series, item);
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        return Charts.decades(Charts.logAxis(label), min, max);
    }

    private static double lowest(ScalingFinding.Curve curve) {
        return curve.points().stream().flatMap(p -> p.runs().stream()).mapToDouble(Double::doubleValue).min()
                .orElse(1);
    }

    private static double highest(ScalingFinding.Curve curve) {
        return curve.points().stream().flatMap(p -> p.runs().stream()).mapToDouble(Double::doubleValue).max()
                .orElse(1);
    }

    private static LogAxis workersAxis() {
        LogAxis axis = Charts.logAxis("workers, log scale");
        axis.setBase(2);
        return axis;
    }

    private static String spoken(ScalingFinding.Curve curve) {
        return String.join(", ", curve.points().stream().map(p -> p.workers() + " workers "
                + Figures.number(p.throughput()) + "/s").toList());
    }

    /** {@code platform_thread} as the page says it: {@code platform thread}. */
    private static String label(String model) {
        return model.replace('_', ' ');
    }

    /** Nanoseconds as {@link Figures#nanos} says them, with the page's micro sign: "4.1 µs". */
    static String nanos(double ns) {
        return Figures.nanos(ns).replace(" us", " µs");
    }

    private static String percent(double share) {
        return share > 0 && share < 0.005 ? "<1%" : String.format(Locale.ROOT, "%.0f%%", share * 100);
    }

    private static String coefficient(double c) {
        return c == 0 ? "0" : Math.abs(c) >= 0.01 ? String.format(Locale.ROOT, "%.3f", c)
                : String.format(Locale.ROOT, "%.2g", c);
    }
}
