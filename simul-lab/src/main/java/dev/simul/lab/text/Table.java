package dev.simul.lab.text;

import java.util.List;

/** Plain-text tables for the lab's report: columns padded to their widest cell, a rule under the header. */
public final class Table {

    private Table() {
    }

    /**
     * The rows as lines, the first row a header underlined with dashes; text columns ({@code leftColumns} of them,
     * from the left) are aligned left, the others (numbers) right.
     */
    public static String render(List<List<String>> rows, int leftColumns) {
        int columns = rows.getFirst().size();
        int[] widths = new int[columns];
        for (List<String> row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(i == 0 ? "" : " | ").append(pad(rows.get(r).get(i), widths[i], i >= leftColumns && r > 0));
            }
            out.append(line.toString().stripTrailing()).append('\n');
            if (r == 0) {
                out.append("-".repeat(line.length())).append('\n');
            }
        }
        return out.toString();
    }

    /** {@code s} padded with spaces to {@code width}, on the left when {@code right}. */
    public static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        return right ? fill + s : s + fill;
    }
}
