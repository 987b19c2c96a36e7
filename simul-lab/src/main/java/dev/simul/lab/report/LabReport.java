package dev.simul.lab.report;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.simul.lab.experiment.Cell;
import dev.simul.lab.experiment.Finding;
import dev.simul.lab.machine.Machine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The lab's results: the machine, the matrix and the verdicts, then what each other experiment found. Data only: a
 * {@link ReportFormat} writes it (text, JSON, CSV, Markdown, HTML), and its record components are its JSON
 * ({@link JsonFormat} says which names are a contract).
 *
 * @param date     when the lab ran (ISO-8601)
 * @param scale    the size factor
 * @param repeat   measured runs per cell
 * @param machine  the machine
 * @param results  one cell per (workload, mode); empty when the matrix was not run
 * @param verdicts one per workload
 * @param findings what each other experiment found, by its name, in the order they ran
 * @param context  what the run was measured with (simul's version and commit, the options, the JVM), or null
 *                 where nobody said (tests of a format)
 */
@JsonPropertyOrder({"schema", "date", "scale", "repeat", "context", "machine", "results", "verdicts"})
public record LabReport(String date, double scale, int repeat, Machine machine, List<Cell> results,
                        List<Verdict> verdicts, @JsonIgnore Map<String, Finding> findings, RunContext context) {

    /**
     * The version of the JSON's layout, its top-level {@code schema}. It goes up when a field is removed or renamed,
     * or keeps its name and changes meaning or unit: a reader that knows schema N reads every report of schema N or
     * lower. Adding a field does not change it. Reports without {@code schema} are 1; 2 is the first to say it, and
     * added {@code context} and the cells' spread ({@code min_s}, {@code q1_s}, ...).
     */
    public static final int SCHEMA = 2;

    /** A report of the matrix alone, without context. */
    public LabReport(String date, double scale, int repeat, Machine machine, List<Cell> results,
                     List<Verdict> verdicts) {
        this(date, scale, repeat, machine, results, verdicts, Map.of());
    }

    /** A report without context. */
    public LabReport(String date, double scale, int repeat, Machine machine, List<Cell> results,
                     List<Verdict> verdicts, Map<String, Finding> findings) {
        this(date, scale, repeat, machine, results, verdicts, findings, null);
    }

    /** {@link #SCHEMA}, first in the JSON: a reader checks it before anything else. */
    @JsonProperty("schema")
    public int schema() {
        return SCHEMA;
    }

    public LabReport {
        findings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(findings));
    }

    /** Each finding under its experiment's name, beside {@code machine} and {@code results} in the JSON. */
    @JsonAnyGetter
    Map<String, Finding> findingsByName() {
        return findings;
    }

    /** The modes of the matrix, in the order its cells list them. */
    @JsonIgnore
    public List<String> modes() {
        return results.stream().map(Cell::mode).distinct().toList();
    }

    /** The workloads of the matrix, in the order its cells list them. */
    @JsonIgnore
    public List<String> workloads() {
        return results.stream().map(Cell::workload).distinct().toList();
    }

    /** The cells by workload, then by mode, in the order the cells list them. */
    @JsonIgnore
    public Map<String, Map<String, Cell>> byWorkload() {
        Map<String, Map<String, Cell>> rows = new LinkedHashMap<>();
        for (Cell cell : results) {
            rows.computeIfAbsent(cell.workload(), k -> new LinkedHashMap<>()).put(cell.mode(), cell);
        }
        return rows;
    }

    /** The cells by mode, then by workload, in the order the cells list them. */
    @JsonIgnore
    public Map<String, Map<String, Cell>> byMode() {
        Map<String, Map<String, Cell>> rows = new LinkedHashMap<>();
        for (Cell cell : results) {
            rows.computeIfAbsent(cell.mode(), k -> new LinkedHashMap<>()).put(cell.workload(), cell);
        }
        return rows;
    }

    /** A number without trailing zeros ({@code 0.3}, {@code 1}). */
    static String plain(double d) {
        return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
}
