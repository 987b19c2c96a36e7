package dev.simul.lab.report;

import dev.simul.lab.experiment.Cell;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;

/**
 * The matrix as a Markdown table (a row per workload, a column per mode, each cell the median wall time and the
 * speedup against sequential), then the verdicts in brief, the notes they share, and each experiment's verdicts,
 * for pasting into docs ({@code --markdown}).
 */
public final class MarkdownFormat implements ReportFormat {

    @Override
    public String name() {
        return "markdown";
    }

    @Override
    public void write(LabReport report, Writer out) throws IOException {
        out.write("simul lab, %s: scale %s, median of %d run%s per cell; %s%n%n".formatted(report.date(),
                LabReport.plain(report.scale()), report.repeat(), report.repeat() == 1 ? "" : "s",
                report.machine().summary()));
        List<String> modes = report.modes();
        if (!modes.isEmpty()) {
            out.write("| workload | " + String.join(" | ", modes) + " |\n");
            out.write("|---|" + "---:|".repeat(modes.size()) + "\n");
            for (Map.Entry<String, Map<String, Cell>> row : report.byWorkload().entrySet()) {
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
        for (Verdict v : report.verdicts()) {
            out.write("- **" + escape(v.headline()) + "** " + escape(v.brief()) + "\n");
        }
        List<String> notes = Verdict.notes(report.results());
        if (!notes.isEmpty()) {
            out.write("\nNotes:\n\n");
            for (String note : notes) {
                out.write("- " + escape(note) + "\n");
            }
        }
        for (var finding : report.findings().entrySet()) {
            out.write("\n**" + finding.getKey() + "**\n\n");
            for (String verdict : finding.getValue().verdicts()) {
                out.write("- " + escape(verdict).replaceAll("\\s*\\R\\s*", " ") + "\n");
            }
        }
    }

    private static String escape(String text) {
        return text.replace("|", "\\|");
    }
}
