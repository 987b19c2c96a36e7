package dev.simul.lab.report.html;

import java.util.List;

/** The few pieces of HTML the page repeats. Every text that goes in passes through {@link #escape}. */
final class Html {

    private Html() {
    }

    /** {@code text} safe as element content and as a double- or single-quoted attribute value. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * A table: a header row, then rows of cells, each escaped; columns after the first are numbers, right-aligned.
     * It scrolls sideways on its own on a narrow screen instead of widening the page.
     */
    static String table(String caption, List<String> header, List<List<String>> rows) {
        return table(caption, header, rows, 1);
    }

    /** A table whose first {@code textColumns} columns are text, left-aligned, and the rest numbers. */
    static String table(String caption, List<String> header, List<List<String>> rows, int textColumns) {
        StringBuilder out = new StringBuilder("<div class=\"scroll\"><table>");
        if (caption != null) {
            out.append("<caption>").append(escape(caption)).append("</caption>");
        }
        out.append("<thead><tr>");
        for (int i = 0; i < header.size(); i++) {
            out.append(i < textColumns ? "<th scope=\"col\">" : "<th scope=\"col\" class=\"num\">")
                    .append(escape(header.get(i)))
                    .append("</th>");
        }
        out.append("</tr></thead><tbody>");
        for (List<String> row : rows) {
            out.append("<tr>");
            for (int i = 0; i < row.size(); i++) {
                out.append(i == 0 ? "<th scope=\"row\">" : i < textColumns ? "<td>" : "<td class=\"num\">")
                        .append(escape(row.get(i))).append(i == 0 ? "</th>" : "</td>");
            }
            out.append("</tr>");
        }
        return out.append("</tbody></table></div>\n").toString();
    }

    /** A list of paragraphs-worth sentences, the verdicts of an experiment. */
    static String verdicts(List<String> verdicts) {
        StringBuilder out = new StringBuilder("<ul class=\"verdicts\">");
        for (String v : verdicts) {
            out.append("<li>").append(escape(v.replaceAll("\\s*\\R\\s*", " "))).append("</li>");
        }
        return out.append("</ul>\n").toString();
    }

    /** A chart and its caption, if any; the SVG carries its own accessible name, with the numbers. */
    static String figure(String svg, String caption) {
        return "<figure>" + svg + (caption == null ? "" : "<figcaption>" + escape(caption) + "</figcaption>")
                + "</figure>\n";
    }
}
