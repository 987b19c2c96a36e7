package dev.simul.lab.text;

/** Prose for the lab's report, wrapped to the width of a terminal. */
public final class Paragraph {

    /** The width the report's prose keeps within. */
    public static final int WIDTH = 100;

    private Paragraph() {
    }

    /**
     * {@code text} broken at spaces into lines of at most {@code width} characters, each after the first starting
     * with {@code indent}; a word longer than a line stays whole. Ends with a newline.
     */
    public static String wrap(String text, int width, String indent) {
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder();
        for (String word : text.strip().split(" +")) {
            if (!line.isEmpty() && line.length() + 1 + word.length() > width) {
                out.append(line).append('\n');
                line.setLength(0);
                line.append(indent);
            }
            if (!line.isEmpty() && !line.toString().equals(indent)) {
                line.append(' ');
            }
            line.append(word);
        }
        return out.append(line).append('\n').toString();
    }

    /**
     * {@code text} wrapped like {@link #wrap} within {@code width} columns, every line, the first too, starting with
     * {@code indent}: a block under a heading. Ends with a newline.
     */
    public static String indented(String text, int width, String indent) {
        return wrap(text, width - indent.length(), "").lines().map(line -> indent + line + "\n")
                .collect(java.util.stream.Collectors.joining());
    }
}
