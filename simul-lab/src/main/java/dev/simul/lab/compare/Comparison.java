package dev.simul.lab.compare;

import com.fasterxml.jackson.databind.JsonNode;
import dev.simul.lab.report.LabReport;
import dev.simul.lab.report.Verdict;
import dev.simul.lab.text.Table;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Two runs of the lab side by side, cell by cell (as benchstat compares two runs of Go benchmarks): the ratio of the
 * medians, and whether the difference is beyond the noise. A cell changed when both hold: the Mann-Whitney U test on
 * its measured runs gives a p-value at most {@code alpha}, and the medians differ by more than {@link #NOISE}, the
 * margin the lab's verdicts already call a tie on a shared machine.
 *
 * <p>It reads every schema up to {@link LabReport#SCHEMA}: reports without {@code schema} (1) and with it. Of a cell it
 * needs only {@code workload}, {@code mode} and the runs' {@code wall_s}; of the {@code context} (schema 2), only
 * what tells whether the two runs can be compared at all.
 *
 * @param rows       the cells both runs measured, in the order of the later run
 * @param onlyBefore cells ("workload on mode") only the earlier run has
 * @param onlyAfter  cells only the later run has
 * @param alpha      the significance level
 * @param notes      what the reports' contexts say about the comparison: which simul each run was, and options
 *                   that differ between them (a different {@code scale} makes every cell differ); empty for reports
 *                   without context
 */
public record Comparison(List<Row> rows, List<String> onlyBefore, List<String> onlyAfter, double alpha,
                         List<String> notes) {

    /** Medians closer than this fraction are no difference, whatever the test says. */
    public static final double NOISE = 0.05;

    public Comparison {
        notes = List.copyOf(notes);
    }

    /** What became of a cell. */
    public enum Change { SAME, SLOWER, FASTER }

    /**
     * One cell in both runs.
     *
     * @param beforeS the earlier median wall time, seconds
     * @param afterS  the later one
     * @param ratio   after / before: above 1 is slower
     * @param p       the Mann-Whitney p-value of the two sets of runs
     * @param runs    the fewer of the two runs' counts, which bounds how small {@code p} can be
     */
    public record Row(String workload, String mode, double beforeS, double afterS, double ratio, double p, int runs,
                      Change change) {
    }

    /**
     * Compares two lab JSON reports ({@code simul lab --json}).
     *
     * @throws IllegalArgumentException if either is not one
     */
    public static Comparison of(JsonNode before, JsonNode after, double alpha) {
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be between 0 and 1, got " + alpha);
        }
        Map<String, JsonNode> earlier = cells(before, "the first file");
        Map<String, JsonNode> later = cells(after, "the second file");
        List<Row> rows = new ArrayList<>();
        List<String> onlyAfter = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : later.entrySet()) {
            JsonNode b = earlier.get(e.getKey());
            if (b == null) {
                onlyAfter.add(e.getKey());
            } else {
                rows.add(row(b, e.getValue(), alpha));
            }
        }
        List<String> onlyBefore = earlier.keySet().stream().filter(k -> !later.containsKey(k)).toList();
        return new Comparison(rows, onlyBefore, onlyAfter, alpha, notes(before, after));
    }

    /** The schema of {@code report}: 1 without the field (reports before it existed). */
    static int schema(JsonNode report, String which) {
        JsonNode schema = report.get("schema");
        if (schema == null) {
            return 1;
        }
        if (!schema.canConvertToInt() || !schema.isIntegralNumber() || schema.asInt() < 1) {
            throw new IllegalArgumentException(which + " has a \"schema\" that is not a positive whole number: "
                    + schema);
        }
        return schema.asInt();
    }

    private static Map<String, JsonNode> cells(JsonNode report, String which) {
        JsonNode results = report == null ? null : report.get("results");
        if (results == null || !results.isArray()) {
            throw new IllegalArgumentException(which + " is not a lab report: it has no \"results\" list (write one"
                    + " with simul lab --json FILE)");
        }
        int schema = schema(report, which);
        if (schema > LabReport.SCHEMA) {
            // A higher schema renamed or removed something this version reads: guessing could compare wrong figures.
            throw new IllegalArgumentException(which + " has schema " + schema + ", from a newer simul; this one reads"
                    + " schemas up to " + LabReport.SCHEMA + ": compare with the simul that wrote it");
        }
        Map<String, JsonNode> cells = new LinkedHashMap<>();
        for (JsonNode cell : results) {
            JsonNode runs = cell.get("runs");
            if (!cell.path("workload").isTextual() || !cell.path("mode").isTextual() || runs == null
                    || !runs.isArray() || runs.isEmpty()) {
                throw new IllegalArgumentException(which + " has a result without workload, mode or runs");
            }
            cells.put(cell.get("workload").asText() + " on " + cell.get("mode").asText(), cell);
        }
        return cells;
    }

    /**
     * Which simul each run was (from their contexts, schema 2 on), and the options they differ in that change every
     * cell's time: {@code scale} (a top-level key of every schema), {@code workers} and {@code warmup_s}.
     */
    static List<String> notes(JsonNode before, JsonNode after) {
        JsonNode b = before.path("context");
        JsonNode a = after.path("context");
        List<String> notes = new ArrayList<>();
        if (b.isObject() || a.isObject()) {
            notes.add("first: " + describe(before) + "; second: " + describe(after));
        }
        differ(notes, "--scale", before.path("scale"), after.path("scale"));
        if (b.isObject() && a.isObject()) {
            differ(notes, "--workers", b.path("workers"), a.path("workers"));
            differ(notes, "--warmup", b.path("warmup_s"), a.path("warmup_s"));
        }
        return notes;
    }

    private static void differ(List<String> notes, String option, JsonNode x, JsonNode y) {
        boolean same = x.isNumber() && y.isNumber() ? x.asDouble() == y.asDouble() : x.equals(y);
        if (!x.isMissingNode() && !y.isMissingNode() && !same) {
            notes.add("the runs differ in %s (%s, then %s): a cell's change may be that, not the code"
                    .formatted(option, text(x), text(y)));
        }
    }

    /** simul's version and commit, and the date of a run, as far as its report says. */
    private static String describe(JsonNode report) {
        JsonNode context = report.path("context");
        if (!context.isObject()) {
            return "a report without context" + (report.path("date").isTextual()
                    ? " of " + report.get("date").asText() : "");
        }
        String version = context.path("simul_version").isTextual() ? context.get("simul_version").asText() : "?";
        String commit = context.path("git_commit").isTextual() ? " at " + context.get("git_commit").asText()
                + (context.path("git_dirty").asBoolean(false) ? " with changes" : "") : "";
        String date = context.path("date").isTextual() ? ", " + context.get("date").asText() : "";
        return "simul " + version + commit + date;
    }

    private static String text(JsonNode value) {
        return value.isNull() ? "default" : value.isTextual() ? value.asText() : value.toString();
    }

    private static Row row(JsonNode before, JsonNode after, double alpha) {
        double[] b = walls(before);
        double[] a = walls(after);
        double medianBefore = median(b);
        double medianAfter = median(a);
        double ratio = medianBefore > 0 ? medianAfter / medianBefore : 1;
        double p = MannWhitney.pValue(b, a);
        Change change = p > alpha || Math.abs(ratio - 1) <= NOISE ? Change.SAME
                : ratio > 1 ? Change.SLOWER : Change.FASTER;
        return new Row(after.get("workload").asText(), after.get("mode").asText(), medianBefore, medianAfter, ratio,
                p, Math.min(b.length, a.length), change);
    }

    private static double[] walls(JsonNode cell) {
        JsonNode runs = cell.get("runs");
        double[] out = new double[runs.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode wall = runs.get(i).get("wall_s");
            if (wall == null || !wall.isNumber()) {
                throw new IllegalArgumentException("a run of " + cell.get("workload").asText() + " on "
                        + cell.get("mode").asText() + " has no wall_s");
            }
            out[i] = wall.asDouble();
        }
        return out;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Whether some cell got slower, beyond the noise, by more than {@code fraction} (0.10 for 10%). */
    public boolean slowerBy(double fraction) {
        return rows.stream().anyMatch(r -> r.change() == Change.SLOWER && r.ratio() - 1 > fraction);
    }

    /** The table, a line per cell, then what only one run has and a word on the test's power. */
    public String render() {
        List<List<String>> table = new ArrayList<>();
        table.add(List.of("workload", "mode", "before", "after", "change", "p"));
        for (Row r : rows) {
            String change = switch (r.change()) {
                case SAME -> "~";
                case SLOWER -> "+%.0f%% slower".formatted((r.ratio() - 1) * 100);
                case FASTER -> "%.0f%% faster".formatted((1 - r.ratio()) * 100);
            };
            table.add(List.of(r.workload(), r.mode(), Verdict.seconds(r.beforeS()), Verdict.seconds(r.afterS()), change,
                    String.format(Locale.ROOT, "%.3f", r.p())));
        }
        StringBuilder out = new StringBuilder();
        notes.forEach(note -> out.append(note).append('\n'));
        out.append(Table.render(table, 2));
        long slower = rows.stream().filter(r -> r.change() == Change.SLOWER).count();
        long faster = rows.stream().filter(r -> r.change() == Change.FASTER).count();
        out.append("%d cell%s slower, %d faster, %d no difference (~: p > %s or within %.0f%%; Mann-Whitney U on the"
                .formatted(slower, slower == 1 ? "" : "s", faster, rows.size() - slower - faster, trim(alpha),
                        NOISE * 100)).append(" runs of each cell)\n");
        int fewest = rows.stream().mapToInt(Row::runs).min().orElse(0);
        if (fewest > 0 && MannWhitney.pValue(new double[fewest], ones(fewest)) > alpha) {
            out.append("With %d run%s a cell, no p-value can reach %s: run the lab with more --repeat."
                    .formatted(fewest, fewest == 1 ? "" : "s", trim(alpha))).append('\n');
        }
        if (!onlyBefore.isEmpty()) {
            out.append("only in the first: ").append(String.join(", ", onlyBefore)).append('\n');
        }
        if (!onlyAfter.isEmpty()) {
            out.append("only in the second: ").append(String.join(", ", onlyAfter)).append('\n');
        }
        return out.toString();
    }

    private static double[] ones(int n) {
        double[] out = new double[n];
        java.util.Arrays.fill(out, 1);
        return out;
    }

    private static String trim(double d) {
        return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
}
