package dev.simul.lab.report;

import dev.simul.lab.experiment.Cell;
import dev.simul.lab.experiment.Measurement;
import java.io.IOException;
import java.io.Writer;
import java.util.Locale;

/** Every measured run of the matrix as a CSV line, with a header ({@code --csv}); medians are derived from these. */
public final class CsvFormat implements ReportFormat {

    @Override
    public String name() {
        return "csv";
    }

    @Override
    public void write(LabReport report, Writer out) throws IOException {
        out.write("workload,mode,workers,tasks,run,wall_s,cpu_s\n");
        for (Cell cell : report.results()) {
            for (int i = 0; i < cell.runs().size(); i++) {
                Measurement m = cell.runs().get(i);
                out.write(String.format(Locale.ROOT, "%s,%s,%d,%d,%d,%.6f,%.6f%n", cell.workload(), cell.mode(),
                        cell.workers(), cell.tasks(), i + 1, m.wallS(), m.cpuS()));
            }
        }
    }
}
