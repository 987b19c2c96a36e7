package dev.simul.lab.report.html;

import dev.simul.lab.experiment.Cell;
import dev.simul.lab.experiment.Finding;
import dev.simul.lab.report.LabReport;
import dev.simul.lab.report.ReportFormat;
import dev.simul.lab.report.Verdict;
import dev.simul.lab.text.Figures;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The report as one self-contained HTML page ({@code --html}): the machine, the matrix as a table, per workload its
 * verdict and a chart of the wall time per mode with the spread of the runs and the speedup, the cores each cell kept
 * busy (what tells computing from waiting), then a section per other experiment with its charts and verdicts.
 *
 * <p>Self-contained means that opening it reaches no network: the CSS is inline, the charts are inline SVG whose
 * text is text in the page's system fonts, and there is no script. Charts scale with the page (a phone shows them
 * narrower), each has a text alternative (its accessible name says the numbers), and the page prints.
 */
public final class HtmlFormat implements ReportFormat {

    static {
        // Charts are drawn without a display (servers, CI): say so before the first chart touches AWT. A JVM
        // started with the property set either way keeps it.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** The widths the charts are drawn at: the page scales them down, never up past its column. */
    static final int WIDE = 1000;
    static final int NARROW = 560;

    /** The baseline mode: its speedup is 1 by definition, not worth a label. */
    private static final String SEQUENTIAL = dev.simul.runner.SequentialMode.NAME;

    @Override
    public String name() {
        return "html";
    }

    @Override
    public void write(LabReport report, Writer out) throws IOException {
        out.write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>simul lab, " + Html.escape(report.date()) + "</title>\n"
                + "<style>\n" + css() + "</style>\n</head>\n<body>\n");
        out.write("<header><h1>simul lab</h1><p class=\"meta\">"
                + Html.escape("%s · scale %s · median of %d run%s per cell"
                .formatted(report.date(), plain(report.scale()), report.repeat(), report.repeat() == 1 ? "" : "s"))
                + "</p>\n" + contents(report) + "</header>\n<main>\n");
        out.write(machine(report));
        if (!report.results().isEmpty()) {
            out.write(matrix(report));
            out.write(coresBusy(report));
        }
        int n = 0;
        for (Map.Entry<String, Finding> e : report.findings().entrySet()) {
            out.write(new FindingSection(e.getKey(), "x" + n++).render(e.getValue()));
        }
        out.write("</main>\n<footer>Written by <code>simul lab --html</code>. The numbers are in"
                + " <code>--json</code>; <code>simul info</code> describes the machine.</footer>\n</body>\n</html>\n");
    }

    /** The page's style sheet, a resource beside this class. */
    static String css() {
        try (InputStream in = HtmlFormat.class.getResourceAsStream("report.css")) {
            if (in == null) {
                throw new IllegalStateException("report.css is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String contents(LabReport report) {
        List<String> links = new ArrayList<>();
        links.add("<a href=\"#machine\">machine</a>");
        if (!report.results().isEmpty()) {
            links.add("<a href=\"#matrix\">which mode wins</a>");
            links.add("<a href=\"#cores\">computing or waiting</a>");
        }
        for (String name : report.findings().keySet()) {
            links.add("<a href=\"#" + Html.escape(FindingSection.anchor(name)) + "\">" + Html.escape(name) + "</a>");
        }
        return "<nav aria-label=\"sections\">" + String.join(" ", links) + "</nav>";
    }

    /** The lines {@code simul info} prints, as a list of terms. */
    private static String machine(LabReport report) {
        StringBuilder out = new StringBuilder("<section id=\"machine\"><h2>The machine</h2><dl class=\"machine\">");
        for (String line : report.machine().describe()) {
            int colon = line.indexOf(':');
            out.append("<div><dt>").append(Html.escape(line.substring(0, colon))).append("</dt><dd>")
                    .append(Html.escape(line.substring(colon + 1).trim())).append("</dd></div>");
        }
        return out.append("</dl></section>\n").toString();
    }

    /** A swatch per mode: the key to every chart's colours. */
    static String legend(List<String> names) {
        StringBuilder out = new StringBuilder("<ul class=\"legend\" aria-label=\"colours of the modes\">");
        for (String name : names) {
            out.append("<li><span class=\"swatch\" style=\"background:").append(Palette.css(name))
                    .append("\"></span>").append(Html.escape(name)).append("</li>");
        }
        return out.append("</ul>").toString();
    }

    private static String matrix(LabReport report) {
        List<String> modes = report.modes();
        StringBuilder out = new StringBuilder("<section id=\"matrix\"><h2>Which mode wins</h2>\n");
        out.append("<p>Every workload ran in every mode; each cell is the median wall time of %d measured run%s"
                .formatted(report.repeat(), report.repeat() == 1 ? "" : "s")
                + " after a warm-up, and its speedup against the sequential run. The fastest of each row is in"
                + " bold.</p>\n");
        out.append(legend(modes)).append('\n');
        out.append(matrixTable(report, modes));
        out.append("<p>Per workload: the verdict, and a bar per mode for its median wall time; the line across a"
                + " bar's end spans the fastest to the slowest run, and after it comes the speedup against"
                + " sequential.</p>\n");
        out.append("<div class=\"grid\">\n");
        Map<String, Verdict> verdicts = new HashMap<>();
        report.verdicts().forEach(v -> verdicts.put(v.workload(), v));
        int n = 0;
        for (Map.Entry<String, Map<String, Cell>> row : report.byWorkload().entrySet()) {
            out.append(workload(row.getKey(), new ArrayList<>(row.getValue().values()), verdicts.get(row.getKey()),
                    "w" + n++));
        }
        return out.append("</div></section>\n").toString();
    }

    private static String matrixTable(LabReport report, List<String> modes) {
        StringBuilder out = new StringBuilder("<div class=\"scroll\"><table class=\"matrix\"><thead><tr>"
                + "<th scope=\"col\">workload</th>");
        for (String mode : modes) {
            out.append("<th scope=\"col\" class=\"num\"><span class=\"swatch\" style=\"background:")
                    .append(Palette.css(mode)).append("\"></span>").append(Html.escape(mode)).append("</th>");
        }
        out.append("</tr></thead><tbody>");
        for (Map.Entry<String, Map<String, Cell>> row : report.byWorkload().entrySet()) {
            double best = row.getValue().values().stream().mapToDouble(Cell::wallS).min().orElse(0);
            out.append("<tr><th scope=\"row\">").append(Html.escape(row.getKey())).append("</th>");
            for (String mode : modes) {
                Cell c = row.getValue().get(mode);
                if (c == null) {
                    out.append("<td class=\"num\">-</td>");
                    continue;
                }
                out.append(c.wallS() == best ? "<td class=\"num best\">" : "<td class=\"num\">")
                        .append(Html.escape(Verdict.seconds(c.wallS())));
                if (c.speedup() != null) {
                    out.append("<small>").append(Html.escape(times(c.speedup()))).append("</small>");
                }
                out.append("</td>");
            }
            out.append("</tr>");
        }
        return out.append("</tbody></table></div>\n").toString();
    }

    /** A workload's verdict and its chart: the median wall time per mode, min to max of the runs, the speedup. */
    private static String workload(String workload, List<Cell> cells, Verdict verdict, String id) {
        List<String> modes = cells.stream().map(Cell::mode).toList();
        double[] medians = cells.stream().mapToDouble(Cell::wallS).toArray();
        double[][] whiskers = new double[cells.size()][];
        List<String> labels = new ArrayList<>();
        List<String> spoken = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            Cell c = cells.get(i);
            Spread s = Spread.ofWall(c);
            whiskers[i] = s.runs() > 1 ? new double[] {s.min(), s.max()} : null;
            String speedup = c.speedup() == null || c.mode().equals(SEQUENTIAL) ? "" : " · " + times(c.speedup());
            labels.add(Verdict.seconds(c.wallS()) + speedup);
            spoken.add("%s %s%s%s".formatted(c.mode(), Verdict.seconds(c.wallS()),
                    s.runs() > 1 ? " (runs " + Verdict.seconds(s.min()) + " to " + Verdict.seconds(s.max()) + ")" : "",
                    c.speedup() == null ? "" : ", " + times(c.speedup()) + " sequential"));
        }
        int height = 56 + 34 * cells.size();
        String svg = Charts.svg(Charts.bars(modes, medians, modes.stream().map(Palette::of).toList(),
                "wall time, seconds (bar: median; line: fastest to slowest run)", whiskers, labels::get, false),
                NARROW, height, id, workload + ": wall time per mode: " + String.join("; ", spoken));
        StringBuilder out = new StringBuilder("<article class=\"workload\"><h3>").append(Html.escape(workload));
        if (verdict != null) {
            out.append(" <span class=\"badge\">").append(Html.escape(verdict.nature())).append("</span>");
        }
        out.append("</h3>");
        if (verdict != null) {
            String headline = verdict.headline().startsWith(workload + ": ")
                    ? verdict.headline().substring(workload.length() + 2) : verdict.headline();
            out.append("<p class=\"headline\">").append(Html.escape(headline)).append("</p>");
        }
        out.append(Html.figure(svg, null));
        if (verdict != null) {
            out.append(why(verdict.why()));
        }
        return out.append("</article>\n").toString();
    }

    /** Sentences of a verdict shown before "more": what it was and who won; the rest is in a fold. */
    static final int SHOWN_SENTENCES = 2;

    /** A sentence ends at a full stop before a capital: "0.5 s" and "(0.98x sequential)." do not end one. */
    private static final Pattern SENTENCE_END = Pattern.compile(
            "(?<=[.!?])\\s+(?=[A-Z])");

    /** A verdict's why: its first sentences, then the rest behind a "more" that opens without a script. */
    static String why(String why) {
        String[] sentences = SENTENCE_END.split(why.strip());
        if (sentences.length <= SHOWN_SENTENCES + 1) {
            return "<p class=\"why\">" + Html.escape(why.strip()) + "</p>";
        }
        String shown = String.join(" ", Arrays.copyOfRange(sentences, 0, SHOWN_SENTENCES));
        String rest = String.join(" ", Arrays.copyOfRange(sentences, SHOWN_SENTENCES, sentences.length));
        return "<p class=\"why\">" + Html.escape(shown) + "</p><details class=\"why\"><summary>more</summary><p>"
                + Html.escape(rest) + "</p></details>";
    }

    /**
     * The cores each cell kept busy (CPU seconds / wall seconds): about 1 for sequential CPU work, up to the
     * logical CPUs for parallel CPU work, near 0 for a workload that waits.
     */
    private static String coresBusy(LabReport report) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        List<String> spoken = new ArrayList<>();
        for (Map.Entry<String, Map<String, Cell>> row : report.byWorkload().entrySet()) {
            List<String> cells = new ArrayList<>();
            for (Cell c : row.getValue().values()) {
                data.addValue(c.coresBusy(), c.mode(), row.getKey());
                cells.add(c.mode() + " " + decimal(c.coresBusy()));
            }
            spoken.add(row.getKey() + ": " + String.join(", ", cells));
        }
        int cpus = report.machine().logicalCpus();
        var chart = Charts.groupedBars(data, "cores busy (CPU seconds / wall second)", List.of(
                Charts.marker(1, "one core"), Charts.marker(cpus, "all " + cpus + " logical CPUs")));
        String svg = Charts.svg(chart, WIDE, 380, "cores-chart", "Cores busy per workload and mode: "
                + String.join("; ", spoken));
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<String, Map<String, Cell>> row : report.byWorkload().entrySet()) {
            for (Cell c : row.getValue().values()) {
                rows.add(List.of(row.getKey() + " · " + c.mode(), Verdict.seconds(c.wallS()),
                        Verdict.seconds(c.cpuS()), decimal(c.coresBusy()),
                        Integer.toString(c.workers()), Figures.count(c.tasks())));
            }
        }
        return "<section id=\"cores\"><h2>Computing or waiting</h2>\n<p>CPU seconds per wall second: how many"
                + " cores a cell kept busy. A sequential run near one core is computing (CPU-bound): only more cores"
                + " at once make it faster. Near zero it is waiting (I/O-bound): overlapping the waits makes it"
                + " faster, on any number of cores.</p>\n"
                + Html.figure(svg, "Cores busy per cell; the dashed lines mark one core and all " + cpus
                + " logical CPUs of this machine.")
                + "<details><summary>Every cell's numbers</summary>"
                + Html.table(null, List.of("cell", "wall (median)", "CPU (median)", "cores busy", "workers",
                "tasks"), rows) + "</details></section>\n";
    }

    /** A speedup: {@code 1.95x}. */
    static String times(double x) {
        return String.format(Locale.ROOT, x >= 10 ? "%.1fx" : "%.2fx", x);
    }

    /** Two decimals, whatever the locale. */
    static String decimal(double x) {
        return String.format(Locale.ROOT, "%.2f", x);
    }

    /** A number without trailing zeros ({@code 0.3}, {@code 1}). */
    static String plain(double d) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
}
