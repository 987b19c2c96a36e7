package dev.simul.lab.report;

import java.io.IOException;
import java.io.Writer;

/**
 * The report as JSON ({@code --json}). Field names are a contract: {@code machine}, {@code results[]} with
 * {@code workload, mode, workers, tasks, wall_s, cpu_s, speedup, runs}, and a top-level key per experiment
 * ({@code overheads}, {@code race}, ...); later versions add fields, never rename them.
 */
public final class JsonFormat implements ReportFormat {

    @Override
    public String name() {
        return "json";
    }

    @Override
    public void write(LabReport report, Writer out) throws IOException {
        Json.mapper().writeValue(out, report);
    }
}
