package dev.simul.lab.report;

import dev.simul.lab.experiment.Cell;
import dev.simul.lab.experiment.Finding;
import dev.simul.lab.text.Table;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The report as {@code simul lab} prints it: the matrix, a bar chart and the verdicts, then each experiment. */
public final class TextFormat implements ReportFormat {

    private static final int BAR_WIDTH = 40;

    @Override
    public String name() {
        return "text";
    }

    @Override
    public void write(LabReport report, Writer out) throws IOException {
        out.write("simul lab: scale %s".formatted(LabReport.plain(report.scale())));
        if (!report.results().isEmpty()) {
            out.write(", median of %d run%s per cell after a warm-up".formatted(report.repeat(),
                    report.repeat() == 1 ? "" : "s"));
        }
        out.write("%nmachine: %s%n%n".formatted(report.machine().summary()));
        if (!report.results().isEmpty()) {
            out.write(matrix(report));
        }
        for (Finding finding : report.findings().values()) {
            out.write(finding.render() + "\n");
        }
    }

    private static String matrix(LabReport report) {
        Map<String, Map<String, Cell>> byMode = report.byMode();
        List<String> workloads = report.workloads();
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("mode", "workers"));
        workloads.forEach(w -> header.add(w + ": wall  speedup  cpu"));
        rows.add(header);
        byMode.forEach((mode, cells) -> {
            List<String> row = new ArrayList<>();
            row.add(mode);
            row.add(workersLabel(cells.values()));
            for (String w : workloads) {
                Cell c = cells.get(w);
                row.add(c == null ? "-" : "%s  %s  %s".formatted(Verdict.seconds(c.wallS()),
                        c.speedup() == null ? "-" : "%.2fx".formatted(c.speedup()), Verdict.seconds(c.cpuS())));
            }
            rows.add(row);
        });

        StringBuilder out = new StringBuilder();
        out.append(Table.render(rows, 2)).append('\n');
        out.append("wall = median elapsed time; speedup = sequential wall / wall; cpu = CPU time of the whole JVM"
                + " and its worker processes (cpu > wall means several cores worked at once)\n\n");
        out.append(chart(workloads, byMode)).append('\n');
        for (Verdict v : report.verdicts()) {
            out.append(v.headline()).append('\n').append("  ").append(v.why()).append("\n\n");
        }
        return out.toString();
    }

    /** Wall time as bars, one group per workload, each bar scaled to the slowest mode of its workload. */
    private static String chart(List<String> workloads, Map<String, Map<String, Cell>> byMode) {
        int modeWidth = byMode.keySet().stream().mapToInt(String::length).max().orElse(0);
        int nameWidth = workloads.stream().mapToInt(String::length).max().orElse(0);
        StringBuilder out = new StringBuilder();
        for (String w : workloads) {
            double slowest = byMode.values().stream().map(cells -> cells.get(w)).filter(java.util.Objects::nonNull)
                    .mapToDouble(Cell::wallS).max().orElse(0);
            boolean first = true;
            for (var entry : byMode.entrySet()) {
                Cell c = entry.getValue().get(w);
                if (c == null) {
                    continue;
                }
                int bar = slowest > 0 ? (int) Math.round(BAR_WIDTH * c.wallS() / slowest) : 0;
                out.append(Table.pad(first ? w : "", nameWidth, false)).append("  ")
                        .append(Table.pad(entry.getKey(), modeWidth, false)).append(' ')
                        .append("#".repeat(Math.max(1, bar))).append(' ').append(Verdict.seconds(c.wallS()))
                        .append('\n');
                first = false;
            }
        }
        return out.toString();
    }

    /**
     * The workers of a mode's row: one number if every workload had the same; "1 per task" for a runner that starts
     * a thread per task; otherwise the usual number and the exceptions, e.g. "2 (download 10)".
     */
    private static String workersLabel(java.util.Collection<Cell> cells) {
        List<Integer> counts = cells.stream().map(Cell::workers).distinct().toList();
        if (counts.size() == 1) {
            return counts.getFirst().toString();
        }
        if (cells.stream().allMatch(c -> c.workers() == c.tasks())) {
            return "1 per task";
        }
        Map<Integer, Long> frequency = cells.stream().collect(java.util.stream.Collectors.groupingBy(Cell::workers,
                java.util.stream.Collectors.counting()));
        int usual = frequency.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        List<String> others = cells.stream().filter(c -> c.workers() != usual)
                .map(c -> c.workload() + " " + c.workers()).toList();
        return usual + " (" + String.join(", ", others) + ")";
    }
}
