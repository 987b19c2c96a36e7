package dev.simul.lab.report;

import java.io.IOException;
import java.io.Writer;

/**
 * One way to write a {@link LabReport}: the printed text, JSON, CSV, Markdown, an HTML page. A format holds its own
 * options (set when it is made) and writes the whole report in one call; the report itself is only data.
 */
public interface ReportFormat {

    /** The format's name, as its command-line flag says it ({@code "json"} for {@code --json}). */
    String name();

    /** Writes {@code report} to {@code out}; does not close it. */
    void write(LabReport report, Writer out) throws IOException;

    /** The report as a string, for tests and for the terminal. */
    default String toString(LabReport report) {
        java.io.StringWriter out = new java.io.StringWriter();
        try {
            write(report, out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a StringWriter throws none
        }
        return out.toString();
    }
}
