package dev.simul.lab.report;

import java.io.IOException;
import java.io.Writer;

/**
 * The report as JSON ({@code --json}). Field names are a contract: {@code schema} ({@link LabReport#SCHEMA}),
 * {@code date}, {@code scale}, {@code repeat}, {@code context} ({@link RunContext}), {@code machine},
 * {@code results[]} with {@code workload, mode, workers, tasks, wall_s, cpu_s, speedup, runs} and the spread
 * ({@code min_s, q1_s, q3_s, max_s}, {@code cpu_min_s}, ...: {@link dev.simul.lab.experiment.Cell}),
 * {@code verdicts}, and a top-level key per experiment ({@code overheads}, {@code race}, ...). Later versions add
 * fields, never rename them; a removal or a change of meaning raises {@code schema}. docs/lab.md lists every field.
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
