package dev.simul.lab.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simul.lab.experiment.Cell;
import dev.simul.lab.experiment.Measurement;
import dev.simul.lab.report.JsonFormat;
import dev.simul.lab.report.LabReport;
import dev.simul.lab.report.RunContext;
import dev.simul.lab.machine.Machine;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComparisonTest {

    /** A report with one cell per {@code workload/mode=run,run,...} entry. */
    static JsonNode report(String... cells) throws Exception {
        StringBuilder json = new StringBuilder("{\"results\": [");
        for (int i = 0; i < cells.length; i++) {
            String[] parts = cells[i].split("=");
            String[] names = parts[0].split("/");
            StringBuilder runs = new StringBuilder();
            for (String run : parts[1].split(",")) {
                runs.append(runs.isEmpty() ? "" : ",").append("{\"wall_s\": ").append(run).append(", \"cpu_s\": 0}");
            }
            json.append(i == 0 ? "" : ",").append("{\"workload\": \"").append(names[0]).append("\", \"mode\": \"")
                    .append(names[1]).append("\", \"runs\": [").append(runs).append("]}");
        }
        return new ObjectMapper().readTree(json.append("]}").toString());
    }

    @Test
    void aPlantedSlowdownIsFlaggedAndTheSameRunsAreNoDifference() throws Exception {
        JsonNode before = report("cpu/threads=0.40,0.41,0.42", "api/threads=1.20,1.21,1.20");
        JsonNode after = report("cpu/threads=0.80,0.81,0.79", "api/threads=1.20,1.22,1.19");
        Comparison c = Comparison.of(before, after, 0.1);
        assertThat(c.rows()).extracting(Comparison.Row::change)
                .containsExactly(Comparison.Change.SLOWER, Comparison.Change.SAME);
        assertThat(c.rows().getFirst().ratio()).isBetween(1.9, 2.0);
        assertThat(c.slowerBy(0.5)).isTrue();
        assertThat(c.slowerBy(1.5)).isFalse();
        assertThat(c.render()).contains("+95% slower", "~", "1 cell slower, 0 faster, 1 no difference");

        Comparison same = Comparison.of(before, before, 0.1);
        assertThat(same.rows()).allMatch(r -> r.change() == Comparison.Change.SAME && r.p() == 1.0);
        assertThat(same.slowerBy(0)).isFalse();
    }

    @Test
    void aSmallButSignificantDifferenceIsStillNoise() throws Exception {
        Comparison c = Comparison.of(report("cpu/threads=1.00,1.01,1.02"), report("cpu/threads=1.03,1.04,1.05"), 0.1);
        assertThat(c.rows().getFirst().p()).isEqualTo(0.1);
        assertThat(c.rows().getFirst().change()).isEqualTo(Comparison.Change.SAME);
    }

    @Test
    void tooFewRunsAreSaidToBeTooFew() throws Exception {
        Comparison c = Comparison.of(report("cpu/threads=1,1,1"), report("cpu/threads=2,2,2"), 0.05);
        assertThat(c.rows().getFirst().change()).isEqualTo(Comparison.Change.SAME);
        assertThat(c.render()).contains("With 3 runs a cell, no p-value can reach 0.05");
    }

    @Test
    void cellsOfOneRunOnlyAreListed() throws Exception {
        Comparison c = Comparison.of(report("cpu/threads=1", "cpu/loop=2"), report("cpu/threads=1", "cpu/auto=1"), 0.1);
        assertThat(c.onlyBefore()).containsExactly("cpu on loop");
        assertThat(c.onlyAfter()).containsExactly("cpu on auto");
        assertThat(c.render()).contains("only in the first: cpu on loop", "only in the second: cpu on auto");
    }

    @Test
    void whatIsNotAReportIsRefusedWithWhy() {
        ObjectMapper json = new ObjectMapper();
        assertThatThrownBy(() -> Comparison.of(json.readTree("{\"machine\": {}}"), report("a/b=1"), 0.1))
                .hasMessageContaining("the first file is not a lab report");
        assertThatThrownBy(() -> Comparison.of(report("a/b=1"), json.readTree("{\"results\": [{\"workload\": \"a\"}]}"),
                0.1)).hasMessageContaining("the second file has a result without");
        assertThatThrownBy(() -> Comparison.of(report("a/b=1"), report("a/b=1"), 1.5)).hasMessageContaining("alpha");
    }

    /** A report as {@code simul lab --json} writes it now (schema 2: context, spread), of the cells given. */
    static JsonNode written(double scale, Integer workers, Cell... cells) throws Exception {
        RunContext context = new RunContext("0.1.0-SNAPSHOT", "05f2a00c1d2e", false, "2026-12-05T09:00Z",
                List.of("lab", "--json", "x.json"), List.of("matrix"), List.of("cpu"), List.of("threads"), workers,
                scale, 3, 1.0, "25.0.3+9-LTS", List.of("-Xmx1g"));
        Machine machine = new Machine("Test CPU", 1, 2, 1, 2, 2, 8L << 30, "Linux", "amd64", "JVM 25");
        LabReport report = new LabReport("2026-12-05T09:00Z", scale, 3, machine, List.of(cells), List.of(), Map.of(),
                context);
        return new ObjectMapper().readTree(new JsonFormat().toString(report));
    }

    static Cell cell(String workload, String mode, double... walls) {
        List<Measurement> runs = java.util.Arrays.stream(walls).mapToObj(w -> new Measurement(w, w)).toList();
        return new Cell(workload, mode, 2, 4, Comparison.median(walls), Comparison.median(walls), null, runs, 1, 1.0);
    }

    @Test
    void aReportOfTheCurrentSchemaIsReadAsTheOldOnesAndItsContextNamed() throws Exception {
        JsonNode now = written(0.3, null, cell("cpu", "threads", 0.80, 0.81, 0.79));
        assertThat(now.get("schema").asInt()).isEqualTo(LabReport.SCHEMA);
        JsonNode old = report("cpu/threads=0.40,0.41,0.42");
        assertThat(old.has("schema")).isFalse();

        Comparison c = Comparison.of(old, now, 0.1);
        assertThat(c.rows()).singleElement().satisfies(r -> {
            assertThat(r.change()).isEqualTo(Comparison.Change.SLOWER);
            assertThat(r.afterS()).isEqualTo(0.80);
        });
        assertThat(c.notes()).containsExactly("first: a report without context; second: simul 0.1.0-SNAPSHOT at"
                + " 05f2a00c1d2e, 2026-12-05T09:00Z");
        assertThat(c.render()).startsWith("first: a report without context; second: simul 0.1.0-SNAPSHOT");

        Comparison same = Comparison.of(now, now, 0.1);
        assertThat(same.rows()).allMatch(r -> r.change() == Comparison.Change.SAME);
        assertThat(same.notes()).hasSize(1);
    }

    @Test
    void optionsThatChangeEveryCellAreNamedWhenTheRunsDifferInThem() throws Exception {
        JsonNode before = written(0.3, null, cell("cpu", "threads", 0.4, 0.4, 0.4));
        JsonNode after = written(1, 1, cell("cpu", "threads", 0.4, 0.4, 0.4));
        assertThat(Comparison.of(before, after, 0.1).notes()).containsSubsequence(
                "the runs differ in --scale (0.3, then 1.0): a cell's change may be that, not the code",
                "the runs differ in --workers (default, then 1): a cell's change may be that, not the code");
    }

    @Test
    void aReportOfANewerSchemaIsRefusedRatherThanMisread() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode newer = json.readTree("{\"schema\": " + (LabReport.SCHEMA + 1) + ", \"results\": [{\"workload\":"
                + " \"cpu\", \"mode\": \"threads\", \"runs\": [{\"wall_s\": 1}]}]}");
        assertThatThrownBy(() -> Comparison.of(report("cpu/threads=1"), newer, 0.1))
                .hasMessage("the second file has schema " + (LabReport.SCHEMA + 1) + ", from a newer simul; this one"
                        + " reads schemas up to " + LabReport.SCHEMA + ": compare with the simul that wrote it");
        JsonNode odd = json.readTree("{\"schema\": \"two\", \"results\": []}");
        assertThatThrownBy(() -> Comparison.of(odd, report("cpu/threads=1"), 0.1))
                .hasMessageContaining("the first file has a \"schema\" that is not a positive whole number");
    }
}
