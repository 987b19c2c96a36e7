package dev.simul.lab.report.html;

import dev.simul.lab.capacity.CapacityFinding;
import dev.simul.lab.capacity.ThreadLimits;
import dev.simul.lab.experiment.Cell;
import dev.simul.lab.experiment.Finding;
import dev.simul.lab.experiment.Measurement;
import dev.simul.lab.machine.Machine;
import dev.simul.lab.overheads.OverheadsFinding;
import dev.simul.lab.race.RaceFinding;
import dev.simul.lab.report.LabReport;
import dev.simul.lab.report.Verdict;
import dev.simul.lab.scaling.ScalingFinding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A report from fixed numbers, like a 2-core machine's: a CPU-bound and an I/O-bound workload in four modes, and a
 * finding of each experiment. What the page tests draw.
 */
final class SampleReport {

    private SampleReport() {
    }

    static final Machine MACHINE = new Machine("Test CPU @ 2.0GHz", 1, 2, 1, 2, 2, 8L << 30, "Linux 6.1", "amd64",
            "Eclipse Adoptium OpenJDK 64-Bit Server VM 25+36");

    static Cell cell(String workload, String mode, int workers, double cpuPerWall, Double speedup, double... walls) {
        List<Measurement> runs = new ArrayList<>();
        for (double w : walls) {
            runs.add(new Measurement(w, w * cpuPerWall));
        }
        double median = runs.stream().mapToDouble(Measurement::wallS).sorted().toArray()[walls.length / 2];
        return new Cell(workload, mode, workers, 16, median, median * cpuPerWall, speedup, runs, 1, 1.0);
    }

    static List<Cell> cells() {
        return List.of(
                cell("cpu", "sequential", 1, 1.0, 1.0, 2.05, 2.0, 1.96),
                cell("cpu", "threads", 2, 1.96, 1.96, 1.04, 1.02, 1.0),
                cell("cpu", "virtual", 16, 1.93, 1.94, 1.05, 1.03, 1.01),
                cell("cpu", "loop", 1, 1.0, 0.98, 2.1, 2.04, 2.0),
                cell("api", "sequential", 1, 0.02, 1.0, 1.62, 1.6, 1.6),
                cell("api", "threads", 2, 0.04, 2.0, 0.82, 0.8, 0.8),
                cell("api", "virtual", 16, 0.15, 16.0, 0.11, 0.1, 0.1),
                cell("api", "loop", 1, 0.12, 15.2, 0.12, 0.105, 0.104));
    }

    static LabReport report() {
        return report(findings());
    }

    static LabReport report(Map<String, Finding> findings) {
        List<Cell> cells = cells();
        return new LabReport("2026-12-05T10:00Z", 0.5, 3, MACHINE, cells, Verdict.of(cells, MACHINE, name -> null),
                findings);
    }

    static Map<String, Finding> findings() {
        Map<String, Finding> findings = new LinkedHashMap<>();
        findings.put("overheads", OverheadsFinding.of(List.of(
                unit("method_call", 2.5, 2.5, 24L),
                unit("platform_thread", 100_000, 5_000, 32_768L),
                unit("virtual_thread", 2_000, 1_000, 1_000L),
                unit("coroutine", 500, 100, 640L),
                unit("worker_process", 300_000_000, 50_000, 50L << 20))));
        findings.put("race", new RaceFinding(4, List.of(
                new RaceFinding.Case("threads", "no synchronization", 4_000_000, 2_765_433, 1_234_567L, 40e6),
                new RaceFinding.Case("threads", "AtomicLong", 4_000_000, 4_000_000, 0L, 30e6),
                new RaceFinding.Case("loop", "await inside", 40_000, 10_000, 30_000L, 800e3),
                new RaceFinding.Case("processes", "static counter per JVM", 4_000_000, 0, null, null)),
                List.of(2_500_000L, 1_500_000L), List.of("4 threads, no synchronization: lost 1,234,567 of"
                        + " 4,000,000 updates (31%).", "With AtomicLong, no update was lost.")));
        int[] workers = {1, 2, 4, 8, 16};
        double[] cpu = {10, 19.6, 19.4, 19.0, 18.5};
        double[] io = {32, 64, 128, 255, 505};
        List<ScalingFinding.Point> cpuPoints = new ArrayList<>();
        List<ScalingFinding.Point> ioPoints = new ArrayList<>();
        for (int i = 0; i < workers.length; i++) {
            cpuPoints.add(ScalingFinding.Point.of(workers[i], 32, List.of(cpu[i] * 0.95, cpu[i], cpu[i] * 1.03),
                    List.of(Math.min(2.0, workers[i]))));
            ioPoints.add(ScalingFinding.Point.of(workers[i], 4, List.of(io[i] * 0.98, io[i], io[i] * 1.01),
                    List.of(0.02)));
        }
        findings.put("scaling", ScalingFinding.of(2, 0.5, 3,
                new ScalingFinding.Curve("cpu", "hash 1 MiB, 32 tasks", cpuPoints),
                new ScalingFinding.Curve("io", "sleep 30 ms, 4 tasks per worker", ioPoints), 0.03, 0.8));
        findings.put("capacity", new CapacityFinding(2L << 30, 20, 0.4,
                new ThreadLimits(192_735L, 400L, 96_367L, 1L << 20), List.of(
                        model("platform threads", "resident", 10_000, 63_488.0, 0.6, "cap", "the experiment's cap",
                                step(1_000, 0.05, 63_000.0), step(10_000, 0.6, 63_488.0)),
                        model("virtual threads", "heap", 1_000_000, 1_126.0, 1.2, "steps", "it held every step",
                                step(1_000, 0.01, 2_000.0), step(100_000, 0.15, 1_200.0),
                                step(1_000_000, 1.2, 1_126.0)),
                        model("coroutines", "heap", 100_000, 600.0, 0.9, "time",
                                "the next step would take too long", step(1_000, 0.01, 600.0),
                                step(100_000, 0.9, 600.0))),
                List.of("platform threads: stopped at 10,000 (cap).", "So the claim holds.")));
        return findings;
    }

    private static OverheadsFinding.Unit unit(String model, double createJoinNs, double switchNs, Long bytes) {
        return new OverheadsFinding.Unit(model, createJoinNs, switchNs, bytes, 1000, "a switch", "measured");
    }

    private static CapacityFinding.Step step(int units, double startS, double bytesPerUnit) {
        return new CapacityFinding.Step(units, units, true, startS, startS / 2, (long) (bytesPerUnit * units),
                (long) (bytesPerUnit * units), bytesPerUnit);
    }

    private static CapacityFinding.ModelResult model(String name, String memory, int held, Double bytesPerUnit,
                                                     Double startS, String stop, String why,
                                                     CapacityFinding.Step... steps) {
        return new CapacityFinding.ModelResult(name, memory, held, bytesPerUnit, startS, stop, why, List.of(steps));
    }
}
