package dev.simul.lab.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simul.lab.experiment.Cell;
import dev.simul.lab.experiment.Finding;
import dev.simul.lab.experiment.Measurement;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabReportTest {

    static LabReport report() {
        List<Cell> cells = List.of(
                new Cell("cpu", "sequential", 1, 4, 2.0, 2.0, 1.0,
                        List.of(new Measurement(2.1, 2.0), new Measurement(2.0, 2.0), new Measurement(1.9, 2.0)),
                        1, 1.0),
                new Cell("cpu", "threads", 2, 4, 1.0, 2.0, 2.0, List.of(new Measurement(1.0, 2.0)), 1, 1.0));
        return new LabReport("2026-11-21T00:00Z", 0.4, 3, VerdictTest.TWO_CORES, cells,
                Verdict.of(cells, VerdictTest.TWO_CORES, name -> null));
    }

    @Test
    void jsonKeepsTheContractFieldNames() throws Exception {
        StringWriter out = new StringWriter();
        new JsonFormat().write(report(), out);
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertThat(json.get("machine").get("logical_cpus").asInt()).isEqualTo(2);
        JsonNode first = json.get("results").get(0);
        assertThat(first.fieldNames()).toIterable().contains("workload", "mode", "workers", "tasks", "wall_s", "cpu_s",
                "speedup", "runs");
        assertThat(first.get("wall_s").asDouble()).isEqualTo(2.0);
        assertThat(first.get("runs")).hasSize(3);
        assertThat(first.get("runs").get(0).get("wall_s").asDouble()).isEqualTo(2.1);
        assertThat(json.get("verdicts").get(0).get("winner").asText()).isEqualTo("threads");
    }

    @Test
    void everyCellCarriesTheSpreadOfItsRunsBesideItsMedians() throws Exception {
        JsonNode results = new ObjectMapper().readTree(new JsonFormat().toString(report())).get("results");
        JsonNode three = results.get(0); // runs 2.1, 2.0, 1.9 wall; 2.0 CPU each
        assertThat(three.get("min_s").asDouble()).isEqualTo(1.9);
        assertThat(three.get("q1_s").asDouble()).isCloseTo(1.95, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(three.get("q3_s").asDouble()).isCloseTo(2.05, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(three.get("max_s").asDouble()).isEqualTo(2.1);
        assertThat(three.get("cpu_min_s").asDouble()).isEqualTo(2.0);
        assertThat(three.get("cpu_max_s").asDouble()).isEqualTo(2.0);
        JsonNode one = results.get(1); // one run: every figure is that run
        for (String field : List.of("min_s", "q1_s", "q3_s", "max_s")) {
            assertThat(one.get(field).asDouble()).as(field).isEqualTo(1.0);
        }
        // The spread sits beside the median it spreads, in a fixed order.
        assertThat(three.fieldNames()).toIterable().containsSubsequence("wall_s", "min_s", "q1_s", "q3_s", "max_s",
                "cpu_s", "cpu_min_s", "cpu_q1_s", "cpu_q3_s", "cpu_max_s", "speedup", "runs");

        Cell noRuns = new Cell("api", "virtual", 2, 2, 1.0, 0.01, null, List.of(), 1, 1.0);
        JsonNode empty = new ObjectMapper().readTree(new JsonFormat().toString(new LabReport("now", 1, 1,
                VerdictTest.TWO_CORES, List.of(noRuns), List.of()))).get("results").get(0);
        assertThat(empty.get("min_s").isNull()).isTrue();
        assertThat(empty.get("cpu_q3_s").isNull()).isTrue();
    }

    @Test
    void theJsonOpensWithItsSchemaAndCarriesTheRunsContext() throws Exception {
        RunContext context = new RunContext("0.1.0-SNAPSHOT", "05f2a00c1d2e", true, "2026-12-05T09:00Z",
                List.of("lab", "--scale", "0.4"), List.of("matrix", "race"), List.of("cpu"),
                List.of("sequential", "threads"), null, 0.4, 3, 1.0, "25.0.3+9-LTS", List.of("-Xmx1g"));
        LabReport base = report();
        LabReport report = new LabReport(base.date(), base.scale(), base.repeat(), base.machine(), base.results(),
                base.verdicts(), Map.of(), context);
        JsonNode json = new ObjectMapper().readTree(new JsonFormat().toString(report));
        assertThat(json.fieldNames()).toIterable().startsWith("schema", "date", "scale", "repeat", "context",
                "machine", "results", "verdicts");
        assertThat(json.get("schema").asInt()).isEqualTo(LabReport.SCHEMA).isEqualTo(2);
        JsonNode c = json.get("context");
        assertThat(c.fieldNames()).toIterable().containsExactly("simul_version", "git_commit", "git_dirty", "date",
                "arguments", "experiments", "workloads", "modes", "workers", "scale", "repeat", "warmup_s",
                "jvm_version", "jvm_flags");
        assertThat(c.get("simul_version").asText()).isEqualTo("0.1.0-SNAPSHOT");
        assertThat(c.get("git_commit").asText()).isEqualTo("05f2a00c1d2e");
        assertThat(c.get("git_dirty").asBoolean()).isTrue();
        assertThat(c.get("modes")).hasSize(2);
        assertThat(c.get("workers").isNull()).isTrue();
        assertThat(c.get("warmup_s").asDouble()).isEqualTo(1.0);
        assertThat(c.get("jvm_flags").get(0).asText()).isEqualTo("-Xmx1g");
        // A report made without a context (a format's test) still says its schema, and a null context.
        JsonNode bare = new ObjectMapper().readTree(new JsonFormat().toString(base));
        assertThat(bare.get("schema").asInt()).isEqualTo(2);
        assertThat(bare.get("context").isNull()).isTrue();
    }

    @Test
    void aCellOfARunnerThatChoseCarriesItsDecisionAndTheOthersNull() throws Exception {
        List<Cell> cells = List.of(
                new Cell("api", "virtual", 2, 2, 1.0, 0.01, null, List.of(), 1, 1.0),
                new Cell("api", "auto", 2, 2, 1.0, 0.01, null, List.of(), 1, 1.0,
                        "virtual threads x unbounded: tasks waited 99% of their time"));
        StringWriter out = new StringWriter();
        new JsonFormat().write(new LabReport("now", 1, 1, VerdictTest.TWO_CORES, cells, Verdict.of(cells, VerdictTest.TWO_CORES,
                name -> null)), out);
        JsonNode results = new ObjectMapper().readTree(out.toString()).get("results");
        assertThat(results.get(0).get("decision").isNull()).isTrue();
        assertThat(results.get(1).get("decision").asText())
                .isEqualTo("virtual threads x unbounded: tasks waited 99% of their time");
    }

    /** A finding as an experiment returns one: its components are its JSON. */
    record Ping(double roundTripNs, List<String> verdicts) implements Finding {
        @Override
        public String render() {
            return "ping: %.0f ns%n".formatted(roundTripNs);
        }
    }

    @Test
    void eachExperimentsFindingIsATopLevelKeyAndASectionAfterTheMatrix() throws Exception {
        LabReport report = new LabReport("now", 1, 1, VerdictTest.TWO_CORES, List.of(), List.of(),
                Map.of("ping", new Ping(1234, List.of("fast"))));
        StringWriter json = new StringWriter();
        new JsonFormat().write(report, json);
        JsonNode root = new ObjectMapper().readTree(json.toString());
        assertThat(root.get("ping").get("round_trip_ns").asDouble()).isEqualTo(1234);
        assertThat(root.get("ping").get("verdicts").get(0).asText()).isEqualTo("fast");
        assertThat(root.has("findings")).isFalse();
        assertThat(root.get("results")).isEmpty();
        assertThat(new TextFormat().toString(report)).contains("ping: 1234 ns").doesNotContain("median of", "wall =");
    }

    @Test
    void markdownHasARowPerWorkloadAColumnPerModeAndTheVerdicts() throws Exception {
        StringWriter md = new StringWriter();
        new MarkdownFormat().write(report(), md);
        assertThat(md.toString()).contains("| workload | sequential | threads |", "|---|---:|---:|",
                "| cpu | 2.00 s (1.00x) | 1.00 s (2.00x) |", "- **cpu: threads wins");
    }

    @Test
    void csvHasOneLinePerMeasuredRun() throws Exception {
        StringWriter out = new StringWriter();
        new CsvFormat().write(report(), out);
        assertThat(out.toString().lines()).containsExactly(
                "workload,mode,workers,tasks,run,wall_s,cpu_s",
                "cpu,sequential,1,4,1,2.100000,2.000000",
                "cpu,sequential,1,4,2,2.000000,2.000000",
                "cpu,sequential,1,4,3,1.900000,2.000000",
                "cpu,threads,2,4,1,1.000000,2.000000");
    }

    @Test
    void aRowNamesTheWorkersOfEachWorkload() {
        List<Cell> cells = List.of(
                new Cell("cpu", "threads", 2, 4, 1.0, 1.0, null, List.of(), 1, 1.0),
                new Cell("api", "threads", 2, 2, 1.0, 1.0, null, List.of(), 1, 1.0),
                new Cell("download", "threads", 10, 100, 1.0, 1.0, null, List.of(), 1, 1.0),
                new Cell("cpu", "virtual", 4, 4, 1.0, 1.0, null, List.of(), 1, 1.0),
                new Cell("api", "virtual", 2, 2, 1.0, 1.0, null, List.of(), 1, 1.0));
        String text = new TextFormat().toString(new LabReport("now", 1, 1, VerdictTest.TWO_CORES, cells,
                Verdict.of(cells, VerdictTest.TWO_CORES, name -> null)));
        assertThat(text).contains("threads | 2 (download 10) |", "virtual | 1 per task      |");
    }

    @Test
    void theMatrixHasARowPerModeAndAColumnPerWorkload() {
        String text = new TextFormat().toString(report());
        assertThat(text).contains("mode       | workers | cpu: wall  speedup  cpu",
                "sequential | 1       |", "threads    | 2       |", "1.00 s  2.00x  2.00 s",
                "cpu: threads wins, 2.00x sequential");
        assertThat(text).contains("cpu  sequential " + "#".repeat(40) + " 2.00 s\n"
                + "     threads    " + "#".repeat(20) + " 1.00 s\n");
    }
}
