package dev.simul.lab.report;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.simul.lab.experiment.Cell;
import dev.simul.lab.experiment.Finding;
import dev.simul.lab.experiment.Measurement;
import dev.simul.lab.machine.Machine;
import dev.simul.lab.text.Table;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The lab's results: the machine, the matrix and the verdicts, printable as seed 003's table and writable as JSON
 * and CSV, then what each other experiment found. JSON field names are a contract: {@code machine},
 * {@code results[]} with {@code workload, mode, workers, tasks, wall_s, cpu_s, speedup, runs}, and a top-level key
 * per experiment ({@code overheads}, {@code race}, ...); later versions add fields, never rename them.
 *
 * @param date     when the lab ran (ISO-8601)
 * @param scale    the size factor
 * @param repeat   measured runs per cell
 * @param machine  the machine
 * @param results  one cell per (workload, mode); empty when the matrix was not run
 * @param verdicts one per workload
 * @param findings what each other experiment found, by its name, in the order they ran
 */
public record LabReport(String date, double scale, int repeat, Machine machine, List<Cell> results,
                        List<Verdict> verdicts, @JsonIgnore Map<String, Finding> findings) {

    /** A report of the matrix alone. */
    public LabReport(String date, double scale, int repeat, Machine machine, List<Cell> results,
                     List<Verdict> verdicts) {
        this(date, scale, repeat, machine, results, verdicts, Map.of());
    }

    public LabReport {
        findings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(findings));
    }

    /** Each finding under its experiment's name, beside {@code machine} and {@code results} in the JSON. */
    @JsonAnyGetter
    Map<String, Finding> findingsByName() {
        return findings;
    }

    private static final int BAR_WIDTH = 40;

    /** Writes the report as JSON. */
    public void writeJson(Writer out) throws IOException {
        Json.mapper().writeValue(out, this);
    }

    /**
     * Writes the matrix as a Markdown table (a row per workload, a column per mode, each cell the median wall time
     * and the speedup against sequential), then the verdicts, for pasting into docs.
     */
    public void writeMarkdown(Writer out) throws IOException {
        out.write("simul lab, %s: scale %s, median of %d run%s per cell; %s%n%n".formatted(date, stripZeros(scale),
                repeat, repeat == 1 ? "" : "s", machine.summary()));
        List<String> modes = new ArrayList<>();
        Map<String, Map<String, Cell>> byWorkload = new LinkedHashMap<>();
        for (Cell cell : results) {
            if (!modes.contains(cell.mode())) {
                modes.add(cell.mode());
            }
            byWorkload.computeIfAbsent(cell.workload(), k -> new LinkedHashMap<>()).put(cell.mode(), cell);
        }
        if (!results.isEmpty()) {
            out.write("| workload | " + String.join(" | ", modes) + " |\n");
            out.write("|---|" + "---:|".repeat(modes.size()) + "\n");
            for (var row : byWorkload.entrySet()) {
                StringBuilder line = new StringBuilder("| " + row.getKey() + " |");
                for (String mode : modes) {
                    Cell c = row.getValue().get(mode);
                    line.append(' ').append(c == null ? "-" : Verdict.seconds(c.wallS())
                            + (c.speedup() == null ? "" : " (%.2fx)".formatted(c.speedup()))).append(" |");
                }
                out.write(line + "\n");
            }
            out.write("\n");
        }
        for (Verdict v : verdicts) {
            out.write("- **" + v.headline().replace("|", "\\|") + "** " + v.why().replace("|", "\\|") + "\n");
        }
        for (var finding : findings.entrySet()) {
            out.write("\n**" + finding.getKey() + "**\n\n");
            for (String verdict : finding.getValue().verdicts()) {
                out.write("- " + verdict.replace("|", "\\|").replaceAll("\\s*\\R\\s*", " ") + "\n");
            }
        }
    }

    /** Writes one CSV line per measured run, with a header; medians are derived from these. */
    public void writeCsv(Writer out) throws IOException {
        out.write("workload,mode,workers,tasks,run,wall_s,cpu_s\n");
        for (Cell cell : results) {
            for (int i = 0; i < cell.runs().size(); i++) {
                Measurement m = cell.runs().get(i);
                out.write(String.format(Locale.ROOT, "%s,%s,%d,%d,%d,%.6f,%.6f%n", cell.workload(), cell.mode(),
                        cell.workers(), cell.tasks(), i + 1, m.wallS(), m.cpuS()));
            }
        }
    }

    /**
     * The matrix (a row per mode, a column per workload) and its verdicts, then each other experiment's section, as
     * printed by {@code simul lab}.
     */
    public String render() {
        StringBuilder out = new StringBuilder();
        out.append("simul lab: scale %s".formatted(stripZeros(scale)));
        if (!results.isEmpty()) {
            out.append(", median of %d run%s per cell after a warm-up".formatted(repeat, repeat == 1 ? "" : "s"));
        }
        out.append("%nmachine: ".formatted()).append(machine.summary()).append("\n\n");
        if (!results.isEmpty()) {
            out.append(matrix());
        }
        for (Finding finding : findings.values()) {
            out.append(finding.render()).append('\n');
        }
        return out.toString();
    }

    private String matrix() {
        Map<String, Map<String, Cell>> byMode = new LinkedHashMap<>();
        List<String> workloads = new ArrayList<>();
        for (Cell cell : results) {
            byMode.computeIfAbsent(cell.mode(), k -> new LinkedHashMap<>()).put(cell.workload(), cell);
            if (!workloads.contains(cell.workload())) {
                workloads.add(cell.workload());
            }
        }
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
        for (Verdict v : verdicts) {
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

    private static String stripZeros(double d) {
        return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
}
