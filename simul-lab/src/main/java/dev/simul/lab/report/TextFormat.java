package dev.simul.lab.report;

import dev.simul.lab.experiment.Cell;
import dev.simul.lab.experiment.Finding;
import dev.simul.lab.text.Paragraph;
import dev.simul.lab.text.Table;
import dev.simul.runner.SequentialMode;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The report as {@code simul lab} prints it to a terminal of {@link #WIDTH} columns: the matrix (a row per workload,
 * a column per mode), the same grid as bars, a verdict per workload in three lines, the notes every verdict shares,
 * then each experiment's section.
 *
 * <p>Every line fits {@link #WIDTH} columns. A matrix with more modes than fit is split by table, not by line: the
 * modes that fit first, then a second table with the rest, the workload column repeated. Colour and bold are
 * escape codes, so they are only for a terminal: whoever makes the format says whether it writes to one.
 */
public final class TextFormat implements ReportFormat {

    /** The width every line keeps within. */
    public static final int WIDTH = Paragraph.WIDTH;

    /** Between two columns of the matrix; a star takes the first space after the fastest cell of a row. */
    private static final String GAP = "  ";
    private static final String FASTEST = "*";

    private static final String BOLD = "\u001b[1m";
    private static final String GREEN_BOLD = "\u001b[1;32m";
    private static final String RESET = "\u001b[0m";

    private final boolean colour;
    private final boolean explain;

    /** Plain text, verdicts in brief: for files, pipes and tests. */
    public TextFormat() {
        this(false, false);
    }

    /**
     * @param colour  whether to write ANSI bold and colour (the fastest cell of each row, headlines, titles): only
     *                for a terminal that shows them, never for a file or a pipe
     * @param explain whether each verdict gives its reasoning in full ({@link Verdict#why()}) instead of
     *                {@link Verdict#brief()}, and the matrix is followed by its CPU time as cores busy
     */
    public TextFormat(boolean colour, boolean explain) {
        this.colour = colour;
        this.explain = explain;
    }

    @Override
    public String name() {
        return "text";
    }

    @Override
    public void write(LabReport report, Writer out) throws IOException {
        String title = "simul lab: scale %s".formatted(LabReport.plain(report.scale()));
        if (!report.results().isEmpty()) {
            title += ", median of %d run%s per cell after a warm-up".formatted(report.repeat(),
                    report.repeat() == 1 ? "" : "s");
        }
        out.write(Paragraph.wrap(title, WIDTH, "  "));
        out.write(Paragraph.wrap("machine: " + report.machine().summary(), WIDTH, "  "));
        out.write("\n");
        if (!report.results().isEmpty()) {
            out.write(matrix(report));
            out.write(verdicts(report));
        }
        for (Finding finding : report.findings().values()) {
            out.write(finding.render() + "\n");
        }
    }

    /** The matrix, its bars and the workers each mode had. */
    private String matrix(LabReport report) {
        Map<String, Map<String, Cell>> rows = report.byWorkload();
        List<String> modes = report.modes();
        StringBuilder out = new StringBuilder();
        out.append(bold("Wall time and speedup against sequential")).append(" (* = fastest of the row)\n");
        out.append(grid(rows, modes, TextFormat::wallAndSpeedup, true)).append('\n');
        out.append(Paragraph.wrap("workers: " + modes.stream().map(m -> m + " " + workersLabel(
                report.byMode().get(m).values())).collect(Collectors.joining(", ")), WIDTH, "  ")).append('\n');
        out.append(bold("Wall time as bars")).append(", each row scaled to its slowest mode\n");
        out.append(grid(rows, modes, null, false)).append('\n');
        if (explain) {
            out.append(bold("Cores busy")).append(" (CPU seconds per wall second, worker JVMs included)\n");
            out.append(grid(rows, modes, c -> "%.2f".formatted(c.coresBusy()), false)).append('\n');
        }
        return out.toString();
    }

    /**
     * A table per group of modes that fits {@link #WIDTH} columns, each with the workload column first.
     *
     * @param text    a cell's text, right-aligned; null for a bar of its wall time against the row's slowest
     * @param fastest whether the fastest cell of each row is marked
     */
    private String grid(Map<String, Map<String, Cell>> rows, List<String> modes, Function<Cell, String> text,
                        boolean fastest) {
        int first = Math.max("workload".length(), rows.keySet().stream().mapToInt(String::length).max().orElse(0));
        // The widths come from the matrix's texts, so that the bars line up with the numbers above them.
        List<Integer> widths = new ArrayList<>();
        for (String mode : modes) {
            int w = mode.length();
            for (Map<String, Cell> row : rows.values()) {
                Cell c = row.get(mode);
                w = Math.max(w, c == null ? 1 : wallAndSpeedup(c).length());
            }
            widths.add(w);
        }
        StringBuilder out = new StringBuilder();
        int from = 0;
        while (from < modes.size()) {
            int to = from;
            int width = first;
            // The last column may carry the star after it: one column more.
            while (to < modes.size() && (to == from || width + GAP.length() + widths.get(to) + 1 <= WIDTH)) {
                width += GAP.length() + widths.get(to);
                to++;
            }
            if (from > 0) {
                out.append('\n');
            }
            out.append(table(rows, modes.subList(from, to), first, widths.subList(from, to), text, fastest));
            from = to;
        }
        return out.toString();
    }

    private String table(Map<String, Map<String, Cell>> rows, List<String> modes, int first, List<Integer> widths,
                         Function<Cell, String> text, boolean fastest) {
        StringBuilder out = new StringBuilder();
        StringBuilder header = new StringBuilder(Table.pad("workload", first, false));
        for (int i = 0; i < modes.size(); i++) {
            header.append(GAP).append(Table.pad(modes.get(i), widths.get(i), true));
        }
        out.append(header).append('\n').append("-".repeat(header.length())).append('\n');
        rows.forEach((workload, row) -> {
            Cell best = row.values().stream().min(Comparator.comparingDouble(Cell::wallS)).orElse(null);
            double slowest = row.values().stream().mapToDouble(Cell::wallS).max().orElse(0);
            StringBuilder line = new StringBuilder(Table.pad(workload, first, false));
            boolean marked = false;
            for (int i = 0; i < modes.size(); i++) {
                Cell c = row.get(modes.get(i));
                line.append(marked ? FASTEST + GAP.substring(1) : GAP);
                int w = widths.get(i);
                String cell;
                if (c == null) {
                    cell = Table.pad("-", w, true);
                } else if (text == null) {
                    int bar = slowest > 0 ? (int) Math.round(w * c.wallS() / slowest) : 0;
                    cell = Table.pad("#".repeat(Math.max(1, bar)), w, false);
                } else {
                    cell = Table.pad(text.apply(c), w, true);
                }
                marked = fastest && c != null && c == best;
                line.append(marked ? highlight(cell) : cell);
            }
            out.append((marked ? line + FASTEST : line.toString()).stripTrailing()).append('\n');
        });
        return out.toString();
    }

    /** The verdicts, each a headline and its brief (or, with --explain, its reasoning in full), then the notes. */
    private String verdicts(LabReport report) {
        StringBuilder out = new StringBuilder();
        out.append(bold("Verdicts")).append('\n');
        for (Verdict v : report.verdicts()) {
            // A headline with many ties can pass the width: its rest goes on lines indented deeper than the why.
            Paragraph.wrap(v.headline(), WIDTH, Verdict.INDENT + Verdict.INDENT).lines()
                    .forEach(line -> out.append(bold(line)).append('\n'));
            out.append(Paragraph.indented(explain ? v.why() : v.brief(), WIDTH, Verdict.INDENT));
            if (explain) {
                out.append('\n');
            }
        }
        List<String> notes = Verdict.notes(report.results());
        if (!notes.isEmpty()) {
            out.append('\n').append(bold("Notes")).append('\n');
            for (String note : notes) {
                out.append(Paragraph.wrap("- " + note, WIDTH, "  "));
            }
        }
        if (!explain) {
            out.append("(simul lab --explain gives each verdict's reasoning in full)\n");
        }
        return out.append('\n').toString();
    }

    /** "0.40s 1.95x": the median wall time and the speedup against sequential (none for sequential itself). */
    static String wallAndSpeedup(Cell c) {
        String wall = compactSeconds(c.wallS());
        if (c.speedup() == null || c.mode().equals(SequentialMode.NAME)) {
            return wall;
        }
        double x = c.speedup();
        return wall + " " + String.format(Locale.ROOT, x >= 100 ? "%.0fx" : x >= 10 ? "%.1fx" : "%.2fx", x);
    }

    /** Seconds in at most five characters: "85ms", "0.40s", "12.3s", "125s". */
    static String compactSeconds(double s) {
        if (s < 0.1) {
            return String.format(Locale.ROOT, "%.0fms", s * 1000);
        }
        return String.format(Locale.ROOT, s >= 100 ? "%.0fs" : s >= 10 ? "%.1fs" : "%.2fs", s);
    }

    /**
     * The workers of a mode's cells: one number if every workload had the same; "1 per task" for a runner that
     * starts a thread per task; otherwise the usual number and the exceptions, e.g. "2 (download 10)".
     */
    static String workersLabel(Collection<Cell> cells) {
        List<Integer> counts = cells.stream().map(Cell::workers).distinct().toList();
        if (counts.size() == 1) {
            return counts.getFirst().toString();
        }
        if (cells.stream().allMatch(c -> c.workers() == c.tasks())) {
            return "1 per task";
        }
        Map<Integer, Long> frequency = cells.stream().collect(Collectors.groupingBy(Cell::workers,
                Collectors.counting()));
        int usual = frequency.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        List<String> others = cells.stream().filter(c -> c.workers() != usual)
                .map(c -> c.workload() + " " + c.workers()).toList();
        return usual + " (" + String.join(", ", others) + ")";
    }

    private String bold(String text) {
        return colour ? BOLD + text + RESET : text;
    }

    /** The fastest cell of a row: its text in bold green, the padding around it left plain. */
    private String highlight(String cell) {
        if (!colour) {
            return cell;
        }
        String text = cell.strip();
        int at = cell.indexOf(text);
        return cell.substring(0, at) + GREEN_BOLD + text + RESET + cell.substring(at + text.length());
    }
}
