package dev.simul.lab.compare;

import com.fasterxml.jackson.databind.JsonNode;
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
 * @param rows       the cells both runs measured, in the order of the later run
 * @param onlyBefore cells ("workload on mode") only the earlier run has
 * @param onlyAfter  cells only the later run has
 * @param alpha      the significance level
 */
public record Comparison(List<Row> rows, List<String> onlyBefore, List<String> onlyAfter, double alpha) {

    /** Medians closer than this fraction are no difference, whatever the test says. */
    public static final double NOISE = 0.05;

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
        return new Comparison(rows, onlyBefore, onlyAfter, alpha);
    }

    private static Map<String, JsonNode> cells(JsonNode report, String which) {
        JsonNode results = report == null ? null : report.get("results");
        if (results == null || !results.isArray()) {
            throw new IllegalArgumentException(which + " is not a lab report: it has no \"results\" list (write one"
                    + " with simul lab --json FILE)");
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
        StringBuilder out = new StringBuilder(Table.render(table, 2));
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
