package dev.simul.lab.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simul.lab.experiment.Cell;
import dev.simul.lab.experiment.Measurement;
import dev.simul.lab.machine.Machine;
import dev.simul.lab.workload.Workloads;
import dev.simul.runner.Runners;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VerdictTest {

    static final Machine TWO_CORES = new Machine("Test CPU", 1, 2, 1, 2, 2, 8L << 30, "Linux", "amd64", "JVM 25");

    static Cell cell(String workload, String mode, int workers, double wall, double cpu, double seqWall) {
        return new Cell(workload, mode, workers, 4, wall, cpu, seqWall / wall, List.of(), 1, 1.0);
    }

    @Test
    void aBusySequentialRunIsCpuBoundAndParallelThreadsWin() {
        List<Verdict> verdicts = Verdict.of(List.of(
                cell("cpu", "sequential", 1, 2.0, 2.0, 2.0),
                cell("cpu", "threads", 2, 1.02, 2.0, 2.0),
                cell("cpu", "virtual", 4, 1.2, 2.1, 2.0)), TWO_CORES, name -> null);
        Verdict v = verdicts.getFirst();
        assertThat(v.winner()).isEqualTo("threads");
        assertThat(v.nature()).isEqualTo("CPU-bound");
        assertThat(v.busy()).isEqualTo(1.0);
        assertThat(v.headline())
                .isEqualTo("cpu: threads wins, 1.96x sequential (1.02 s vs 2.00 s); 18% ahead of virtual");
        assertThat(v.why()).contains("only parallelism helps", "2.0 of 2 logical CPUs", "no GIL");
    }

    @Test
    void mixedWorkNamesTheFloorNoModeCanBeat() {
        // 4 tasks of 0.1 s CPU and 0.1 s wait each: 0.4 s CPU over 2 CPUs, then the last task's wait.
        Verdict v = Verdict.of(List.of(
                cell("mixed", "sequential", 1, 0.80, 0.40, 0.80),
                cell("mixed", "threads", 2, 0.40, 0.40, 0.80),
                cell("mixed", "virtual", 4, 0.31, 0.40, 0.80)), TWO_CORES, name -> null).getFirst();
        assertThat(v.nature()).isEqualTo("mixed");
        assertThat(v.why()).contains("0.40 s / 2 + 0.10 s = 0.30 s (from the sequential run); virtual took 0.31 s,"
                + " at it.");
        assertThat(v.brief()).contains("Floor: 0.40 s CPU / 2 CPUs + one task's wait = 0.30 s; virtual took 0.31 s.");
        Verdict far = Verdict.of(List.of(
                cell("mixed", "sequential", 1, 0.80, 0.40, 0.80),
                cell("mixed", "threads", 2, 0.45, 0.40, 0.80)), TWO_CORES, name -> null).getFirst();
        assertThat(far.why()).contains("threads took 0.45 s, 50% above it.");
    }

    @Test
    void workerProcessesAreComparedWithThreadsAndTheirCostIsNamed() {
        Verdict slower = Verdict.of(List.of(
                cell("cpu", "sequential", 1, 2.0, 2.0, 2.0),
                cell("cpu", "threads", 2, 1.0, 2.0, 2.0),
                cell("cpu", "processes", 2, 1.3, 2.4, 2.0)), TWO_CORES, name -> null).getFirst();
        assertThat(slower.winner()).isEqualTo("threads");
        assertThat(slower.why()).contains("processes (2 workers) took 1.30 s, 0.30 s more than threads: the cost"
                + " of starting worker JVMs", "isolation");
        // The brief leaves the why of processes to the notes, said once for every workload.
        assertThat(slower.brief()).contains("Other JVMs cost time over threads: processes +0.30 s (see notes).")
                .doesNotContain("isolation");
        Verdict level = Verdict.of(List.of(
                cell("cpu", "threads", 2, 1.0, 2.0, 2.0),
                cell("cpu", "processes", 2, 1.02, 2.0, 2.0)), TWO_CORES, name -> null).getFirst();
        assertThat(level.why()).contains("processes (2 workers) took 1.02 s, level with threads (1.00 s)");
        Verdict alone = Verdict.of(List.of(cell("cpu", "processes", 2, 1.0, 2.0, 2.0)), TWO_CORES, name -> null)
                .getFirst();
        assertThat(alone.why()).doesNotContain("processes (2 workers) took");
    }

    /** A cell whose runs added {@code threads} threads at their peak. */
    static Cell withThreads(String workload, String mode, int workers, double wall, double cpu, double seqWall,
                            int threads) {
        return new Cell(workload, mode, workers, 4, wall, cpu, seqWall / wall,
                List.of(new Measurement(wall, cpu, threads)), 1, 1.0);
    }

    @Test
    void aModeSlowerThanSequentialIsExplainedFromItsCpuAndItsThreads() {
        Verdict v = Verdict.of(List.of(
                cell("files", "sequential", 1, 0.80, 0.62, 0.80),
                withThreads("files", "threads", 2, 0.42, 0.64, 0.80, 2),
                withThreads("files", "virtual", 4, 0.94, 0.66, 0.80, 3),
                withThreads("files", "loop", 1, 1.03, 0.90, 0.80, 7)), TWO_CORES, name -> null).getFirst();
        assertThat(v.why()).contains("virtual took 0.94 s, 0.85x sequential, with about the same CPU (0.66 s against"
                        + " 0.62 s): the work did not grow, its tasks waited",
                "the JDK started up to 3 platform threads beside its carriers",
                "loop took 1.03 s, 0.78x sequential, with 45% more CPU (0.90 s against 0.62 s)",
                "up to 7 threads ran at once for its 1 worker")
                .doesNotContain("threads took 0.42 s");
    }

    @Test
    void theClusterIsComparedWithThreadsAndItsCostIsNamed() {
        Verdict slower = Verdict.of(List.of(
                cell("cpu", "threads", 2, 1.0, 2.0, 2.0),
                cell("cpu", "cluster", 2, 1.5, 2.6, 2.0)), TWO_CORES, name -> null).getFirst();
        assertThat(slower.why()).contains("cluster (2 workers) took 1.50 s, 0.50 s more than threads: the cost of"
                        + " joining",
                "serialization", "does not make one machine faster");
        Verdict faster = Verdict.of(List.of(
                cell("cpu", "threads", 2, 1.0, 2.0, 2.0),
                cell("cpu", "cluster", 8, 0.5, 4.0, 2.0)), TWO_CORES, name -> null).getFirst();
        assertThat(faster.why()).contains("cluster (8 workers) took 0.50 s, 0.50 s less than threads (1.00 s).");
    }

    @Test
    void anIdleSequentialRunIsIoBoundAndCloseResultsAreATie() {
        Verdict v = Verdict.of(List.of(
                cell("api", "sequential", 1, 7.0, 0.01, 7.0),
                cell("api", "threads", 2, 4.01, 0.02, 7.0),
                cell("api", "virtual", 2, 4.0, 0.02, 7.0)), TWO_CORES, name -> null).getFirst();
        assertThat(v.winner()).isEqualTo("virtual");
        assertThat(v.nature()).isEqualTo("I/O-bound");
        assertThat(v.headline()).contains("virtual wins, 1.75x sequential", "tied within 5% with threads");
        assertThat(v.why()).contains("waiting", "concurrency");
    }

    @Test
    void withoutASequentialCellTheNatureIsJudgedPerWorker() {
        Verdict v = Verdict.of(List.of(new Cell("files", "threads", 2, 4, 1.0, 1.0, null, List.of(), 1, 1.0)),
                TWO_CORES, name -> null).getFirst();
        assertThat(v.speedup()).isNull();
        assertThat(v.busy()).isEqualTo(0.5);
        assertThat(v.nature()).isEqualTo("mixed");
        assertThat(v.headline()).isEqualTo("files: threads wins (1.00 s)");
    }

    @Test
    void aMeasurementThatContradictsTheSeedsIsPointedOut() {
        Verdict v = Verdict.of(List.of(
                cell("files", "sequential", 1, 1.0, 1.0, 1.0),
                cell("files", "threads", 2, 0.4, 0.7, 1.0)), TWO_CORES, Map.of("files", Workloads.of("files"))::get).getFirst();
        assertThat(v.nature()).isEqualTo("CPU-bound");
        assertThat(v.headline()).isEqualTo("files: threads wins, 2.50x sequential (0.40 s vs 1.00 s)");
        assertThat(v.why()).contains("It beat that cap because it also used less CPU in all (0.70 s vs 1.00 s)",
                "The seeds call this job I/O-bound; measured here on the JVM, it is CPU-bound.");
    }

    @Test
    void aMeasurementThatAgreesWithTheSeedsSaysNothingMore() {
        Verdict v = Verdict.of(List.of(cell("api", "sequential", 1, 7.0, 0.0, 7.0),
                cell("api", "virtual", 2, 4.0, 0.0, 7.0)), TWO_CORES, Map.of("api", Workloads.of("api"))::get).getFirst();
        assertThat(v.why()).doesNotContain("seeds");
    }

    @Test
    void aRunnerThatChoseSaysWhatItPickedAndHowItDidAgainstTheFastestOtherMode() {
        String picked = "virtual threads x unbounded: tasks waited 97% of their time";
        Verdict behind = Verdict.of(List.of(
                cell("api", "sequential", 1, 7.0, 0.01, 7.0),
                cell("api", "virtual", 2, 4.0, 0.01, 7.0),
                new Cell("api", "auto", 2, 2, 4.4, 0.01, 7.0 / 4.4, List.of(), 1, 1.0, picked)), TWO_CORES,
                name -> null).getFirst();
        assertThat(behind.why()).endsWith(" auto picked " + picked
                + "; it took 4.40 s, 10% behind the fastest other mode, virtual (4.00 s).");
        Verdict level = Verdict.of(List.of(
                cell("api", "virtual", 2, 4.0, 0.01, 7.0),
                new Cell("api", "auto", 2, 2, 3.9, 0.01, null, List.of(), 1, 1.0, picked)), TWO_CORES,
                name -> null).getFirst();
        assertThat(level.why()).contains("level with the fastest other mode, virtual");
        Verdict none = Verdict.of(List.of(cell("api", "virtual", 2, 4.0, 0.01, 7.0)), TWO_CORES, name -> null)
                .getFirst();
        assertThat(none.why()).doesNotContain("picked");
    }

    @Test
    void oneVerdictPerWorkloadInOrder() {
        List<Verdict> verdicts = Verdict.of(List.of(
                cell("b", "sequential", 1, 1, 1, 1), cell("a", "sequential", 1, 1, 1, 1)), TWO_CORES, name -> null);
        assertThat(verdicts).extracting(Verdict::workload).containsExactly("b", "a");
    }

    @Test
    void theBriefIsTheNatureAndWhatStandsOutInAtMostTwoLines() {
        Verdict v = Verdict.of(List.of(
                cell("files", "sequential", 1, 0.80, 0.62, 0.80),
                withThreads("files", "threads", 2, 0.42, 0.64, 0.80, 2),
                withThreads("files", "virtual", 4, 0.94, 0.66, 0.80, 3),
                withThreads("files", "loop", 1, 1.03, 0.90, 0.80, 7),
                cell("files", "processes", 2, 2.0, 1.9, 0.80)), TWO_CORES, name -> null).getFirst();
        assertThat(v.brief()).isEqualTo("CPU-bound: the sequential run kept one core 77% busy; threads kept 1.5"
                + " of 2 CPUs busy (2x at most here). Slower than sequential: loop 0.78x (+45% CPU), virtual 0.85x"
                + " (same CPU: waited).");
        assertThat(Verdict.lines(v.brief())).isLessThanOrEqualTo(Verdict.BRIEF_LINES);
        assertThat(v.why()).contains("only parallelism helps", "isolation"); // the long form, notes included
    }

    @Test
    void theNotesComeFromTheModesMeasuredAndSayOnceWhatEveryWorkloadShares() {
        List<Cell> cells = List.of(
                cell("cpu", "sequential", 1, 2.0, 2.0, 2.0),
                cell("cpu", "threads", 2, 1.0, 2.0, 2.0),
                cell("cpu", "loop", 1, 2.0, 2.0, 2.0),
                cell("api", "sequential", 1, 7.0, 0.01, 7.0),
                cell("api", "threads", 2, 4.0, 0.02, 7.0),
                cell("api", "loop", 1, 4.0, 0.02, 7.0));
        List<String> notes = Verdict.notes(cells);
        assertThat(notes).contains(Runners.mode("threads").note(), Runners.mode("loop").note())
                .doesNotContain(Runners.mode("processes").note())
                .noneMatch(n -> n.startsWith("Short runs"));
        assertThat(notes.getFirst()).startsWith("CPU-bound or I/O-bound is judged from how busy the sequential run");
        assertThat(Verdict.notes(List.of(cell("cpu", "sequential", 1, 0.2, 0.2, 0.2)))).last().asString()
                .startsWith("Short runs (cpu): under 0.5 s");
        assertThat(Verdict.notes(List.of())).isEmpty();
    }

    @Test
    void everyModeSaysWhatItIsForTheVerdicts() {
        assertThat(Runners.mode("loop").oneThread()).isTrue();
        assertThat(Runners.mode("sequential").oneThread()).isTrue();
        assertThat(Runners.mode("threads").oneThread()).isFalse();
        assertThat(Runners.mode("virtual").virtualThreads()).isTrue();
        assertThat(Runners.mode("processes").otherJvms()).isTrue();
        assertThat(Runners.mode("cluster").otherJvms()).isTrue();
        assertThat(Runners.mode("cluster").overhead()).contains("joining the cluster");
        for (String name : Runners.modes()) {
            String note = Runners.mode(name).note();
            if (note != null) {
                assertThat(note).as(name).doesNotContain("\n").endsWith(".");
            }
        }
    }
}
