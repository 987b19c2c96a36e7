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
    void markdownGivesEachVerdictInBriefAndTheSharedNotesOnce() throws Exception {
        LabReport report = report();
        String md = new MarkdownFormat().toString(report);
        Verdict verdict = report.verdicts().getFirst();
        assertThat(verdict.why()).isNotEqualTo(verdict.brief());
        assertThat(md).contains(verdict.brief()).doesNotContain(verdict.why());
        List<String> notes = Verdict.notes(report.results());
        assertThat(notes).isNotEmpty();
        assertThat(md).containsOnlyOnce("Notes:");
        notes.forEach(note -> assertThat(md).containsOnlyOnce("- " + note));
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
    void theWorkersLineNamesEachModesUsualCountAndItsExceptions() {
        List<Cell> cells = List.of(
                new Cell("cpu", "threads", 2, 4, 1.0, 1.0, null, List.of(), 1, 1.0),
                new Cell("api", "threads", 2, 2, 1.0, 1.0, null, List.of(), 1, 1.0),
                new Cell("download", "threads", 10, 100, 1.0, 1.0, null, List.of(), 1, 1.0),
                new Cell("cpu", "virtual", 4, 4, 1.0, 1.0, null, List.of(), 1, 1.0),
                new Cell("api", "virtual", 2, 2, 1.0, 1.0, null, List.of(), 1, 1.0));
        String text = new TextFormat().toString(new LabReport("now", 1, 1, VerdictTest.TWO_CORES, cells,
                Verdict.of(cells, VerdictTest.TWO_CORES, name -> null)));
        assertThat(text).contains("workers: threads 2 (download 10), virtual 1 per task\n");
    }

    @Test
    void theMatrixHasARowPerWorkloadAColumnPerModeAndStarsTheFastest() {
        String text = new TextFormat().toString(report());
        assertThat(text).contains(
                "workload  sequential      threads\n",
                "cpu            2.00s  1.00s 2.00x*\n",
                "cpu: threads wins, 2.00x sequential");
        // The bars line up under the numbers: each row scaled to its slowest mode.
        assertThat(text).contains("cpu       ##########  ######\n");
    }

    // The modes and workloads of a default run, and figures like a 2-core machine's at scale 1.
    static final List<String> MODES = List.of("sequential", "threads", "virtual", "loop", "auto", "processes",
            "cluster");
    static final List<String> WORKLOADS = List.of("cpu", "hash", "api", "files", "countdown", "download", "mixed");

    /** A full-size matrix: every workload in every mode, slow enough (12.3 s) for the widest cells. */
    static List<Cell> fullMatrix(List<String> modes) {
        List<Cell> cells = new java.util.ArrayList<>();
        for (int w = 0; w < WORKLOADS.size(); w++) {
            double sequential = 12.3 + w;
            boolean io = WORKLOADS.get(w).equals("api") || WORKLOADS.get(w).equals("countdown");
            for (int m = 0; m < modes.size(); m++) {
                String mode = modes.get(m);
                double wall = mode.equals("sequential") ? sequential : sequential / (1.1 + m * 0.37) + (m > 4 ? 3 : 0);
                double cpu = io ? 0.01 * wall : wall * (mode.equals("sequential") ? 1 : 1.8);
                int workers = mode.equals("virtual") ? 50 : mode.equals("sequential") || mode.equals("loop") ? 1
                        : WORKLOADS.get(w).equals("download") ? 10 : 2;
                cells.add(new Cell(WORKLOADS.get(w), mode, workers, 50, wall, cpu, sequential / wall,
                        List.of(new Measurement(wall, cpu)), 1, 1.0,
                        mode.equals("auto") ? "virtual threads x unbounded: tasks waited 97% of their time" : null));
            }
        }
        return cells;
    }

    /** The default experiments' findings (overheads, race) and scaling, from fixed numbers. */
    static Map<String, Finding> findings() {
        java.util.function.BiFunction<String, Double, dev.simul.lab.overheads.OverheadsFinding.Unit> unit =
                (model, ns) -> new dev.simul.lab.overheads.OverheadsFinding.Unit(model, ns, ns / 20, 1L << 20, 5_000,
                        "one hand-over of a park/unpark ping-pong between two threads (half a round trip)",
                        "growth of this JVM's VmRSS (/proc/self/status) with 5,000 of them parked, no GC between:"
                                + " the touched pages of their stacks and the JVM's per-thread structures");
        var overheads = dev.simul.lab.overheads.OverheadsFinding.of(List.of(unit.apply("method_call", 3.6),
                unit.apply("platform_thread", 1.5e6), unit.apply("virtual_thread", 22e3),
                unit.apply("coroutine", 8e3), unit.apply("worker_process", 460e6)));
        var race = new dev.simul.lab.race.RaceFinding(4, List.of(
                new dev.simul.lab.race.RaceFinding.Case("threads", "no synchronization", 400_000, 151_619, 248_381L,
                        36.8e6),
                new dev.simul.lab.race.RaceFinding.Case("loop", "AsyncLock across await", 4_000, 4_000, 0L, 69.6e3),
                new dev.simul.lab.race.RaceFinding.Case("processes", "static counter per JVM", 400_000, 0, null,
                        null)),
                List.of(200_000L, 200_000L), List.of("In worker processes, the tasks added 400,000 of 400,000 to"
                        + " their JVMs' own copies of a static counter (in 2 worker JVMs: 200,000 + 200,000), and the"
                        + " parent's copy still reads 0: each process has its separate memory (seed 004), so there is"
                        + " nothing to race on, and nothing shared: results come back as messages."));
        List<dev.simul.lab.scaling.ScalingFinding.Point> cpu = new java.util.ArrayList<>();
        List<dev.simul.lab.scaling.ScalingFinding.Point> io = new java.util.ArrayList<>();
        int[] workers = {1, 2, 4, 8, 16, 32, 64, 128, 256, 1024};
        for (int i = 0; i < workers.length; i++) {
            cpu.add(dev.simul.lab.scaling.ScalingFinding.Point.of(workers[i], 32, List.of(10.0 * Math.min(2, workers[i])),
                    List.of((double) Math.min(2, workers[i]))));
            io.add(dev.simul.lab.scaling.ScalingFinding.Point.of(workers[i], 1024, List.of(32.0 * workers[i]),
                    List.of(0.01)));
        }
        var scaling = dev.simul.lab.scaling.ScalingFinding.of(2, 12.5, 3,
                new dev.simul.lab.scaling.ScalingFinding.Curve("cpu", "hash chains of 1,000,000 SHA-256 rounds", cpu),
                new dev.simul.lab.scaling.ScalingFinding.Curve("io", "sleeps of 30 ms", io), 0.03, 0.8);
        Map<String, Finding> findings = new java.util.LinkedHashMap<>();
        findings.put("overheads", overheads);
        findings.put("race", race);
        findings.put("scaling", scaling);
        return findings;
    }

    static final dev.simul.lab.machine.Machine WIDE_MACHINE = new dev.simul.lab.machine.Machine(
            "AMD EPYC 9654 96-Core Processor", 2, 96, 2, 384, 384, 1536L << 30, "Linux", "amd64",
            "Eclipse Adoptium OpenJDK 64-Bit Server VM 25.0.3+9-LTS");

    static LabReport fullReport(List<String> modes) {
        List<Cell> cells = fullMatrix(modes);
        return new LabReport("now", 1, 3, WIDE_MACHINE, cells, Verdict.of(cells, WIDE_MACHINE,
                dev.simul.lab.workload.Workloads::of), findings());
    }

    @Test
    void everyLineOfAFullDefaultReportFitsAHundredColumns() {
        for (TextFormat format : List.of(new TextFormat(), new TextFormat(false, true))) {
            String text = format.toString(fullReport(MODES));
            assertThat(text.lines().filter(l -> l.length() > TextFormat.WIDTH).toList()).as(text).isEmpty();
            // One table: seven modes fit, and the header names them all.
            assertThat(text.lines().filter(l -> l.startsWith("workload ")).count())
                    .isEqualTo(text.contains("Cores busy") ? 3 : 2);
        }
    }

    @Test
    void eachVerdictIsAHeadlineAndAtMostTwoLinesAndTheCommonNotesComeOnceAtTheEnd() {
        LabReport report = fullReport(MODES);
        String text = new TextFormat().toString(report);
        for (Verdict v : report.verdicts()) {
            int at = text.indexOf(v.headline() + "\n");
            assertThat(at).as(v.headline()).isNotNegative();
            List<String> after = text.substring(at).lines().skip(1).takeWhile(l -> l.startsWith("  ")).toList();
            assertThat(after).as(v.headline()).hasSizeBetween(1, Verdict.BRIEF_LINES);
        }
        String processes = dev.simul.runner.Runners.mode("processes").note();
        String gil = dev.simul.runner.Runners.mode("threads").note();
        String notes = text.substring(text.indexOf("\nNotes\n"));
        assertThat(text.replace("\n  ", " ")).containsOnlyOnce(processes).containsOnlyOnce(gil)
                .containsOnlyOnce(dev.simul.runner.Runners.mode("cluster").note())
                .containsOnlyOnce(dev.simul.runner.Runners.mode("loop").note())
                .containsOnlyOnce("isolation");
        assertThat(notes.replace("\n  ", " ")).contains(processes, gil);
        assertThat(text).contains("--explain");
    }

    @Test
    void aHeadlineWithManyTiesWrapsWithinTheWidth() {
        List<Cell> cells = MODES.stream().map(m -> new Cell("countdown", m, 2, 10, m.equals("sequential") ? 0.75
                : 0.38 + m.length() / 1000.0, 0.02, m.equals("sequential") ? 1.0 : 1.98, List.of(), 1, 1.0)).toList();
        String text = new TextFormat(true, false).toString(new LabReport("now", 1, 3, VerdictTest.TWO_CORES, cells,
                Verdict.of(cells, VerdictTest.TWO_CORES, name -> null)));
        assertThat(text).contains("tied within 5%");
        assertThat(text.replaceAll("\u001b\\[[0-9;]*m", "").lines().filter(l -> l.length() > TextFormat.WIDTH)
                .toList()).isEmpty();
    }

    @Test
    void notesAppearOnlyForTheModesMeasured() {
        List<Cell> cells = fullMatrix(List.of("sequential", "threads")).stream()
                .filter(c -> c.workload().equals("cpu")).toList();
        String text = new TextFormat().toString(new LabReport("now", 1, 3, VerdictTest.TWO_CORES, cells,
                Verdict.of(cells, VerdictTest.TWO_CORES, name -> null)));
        assertThat(text).doesNotContain("isolation", "Hazelcast", "cluster").contains("GIL");
    }

    @Test
    void explainGivesEachVerdictsReasoningInFull() {
        LabReport report = fullReport(MODES);
        String text = new TextFormat(false, true).toString(report);
        for (Verdict v : report.verdicts()) {
            assertThat(text.replace("\n  ", " ")).contains(v.headline() + " " + v.why());
        }
        // The long form repeats the processes' note in every workload where they were slower, as before.
        assertThat(text.replace("\n  ", " ").split("processes buy isolation", -1).length - 1)
                .isGreaterThan(1);
        assertThat(text).contains("Cores busy").doesNotContain("--explain gives");
    }

    @Test
    void moreModesThanFitWrapByTableWithTheWorkloadColumnRepeated() {
        List<String> modes = new java.util.ArrayList<>(MODES);
        modes.addAll(List.of("extra-one", "extra-two", "extra-three"));
        LabReport report = fullReport(modes);
        String text = new TextFormat().toString(report);
        assertThat(text.lines().filter(l -> l.length() > TextFormat.WIDTH).toList()).isEmpty();
        List<String> headers = text.lines().filter(l -> l.startsWith("workload ")).toList();
        assertThat(headers).hasSize(4); // the matrix and its bars, two tables each
        assertThat(headers.get(0)).contains("sequential").doesNotContain("extra-three");
        assertThat(headers.get(1)).contains("extra-three").doesNotContain("sequential");
        // Every workload has a row in both tables.
        for (String w : WORKLOADS) {
            assertThat(text.lines().filter(l -> l.startsWith(w + " ")).count()).as(w).isGreaterThanOrEqualTo(4);
        }
    }

    @Test
    void colourOnlyWhenAskedAndThenTheFastestCellAndTheHeadlinesAreBold() {
        LabReport report = fullReport(MODES);
        assertThat(new TextFormat().toString(report)).doesNotContain("\u001b");
        assertThat(new TextFormat(false, true).toString(report)).doesNotContain("\u001b");
        String coloured = new TextFormat(true, false).toString(report);
        assertThat(coloured).contains("\u001b[1;32m", "\u001b[1m" + report.verdicts().getFirst().headline()
                + "\u001b[0m");
        // The escape codes take no columns: without them, the lines are the plain report's.
        assertThat(coloured.replaceAll("\u001b\\[[0-9;]*m", "")).isEqualTo(new TextFormat().toString(report));
    }
}
