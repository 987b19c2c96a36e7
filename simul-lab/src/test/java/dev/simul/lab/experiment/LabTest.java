package dev.simul.lab.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.simul.lab.workload.Workload;
import dev.simul.runner.Runner;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabTest {

    /** Records which runners it ran on. */
    static class Probe extends Workload {
        final List<String> runs = new ArrayList<>();

        Probe() {
            super("probe", 3, IO_BOUND, "records its runs");
        }

        @Override
        public void run(Runner runner, double scale) throws Exception {
            runner.map(i -> i, List.of(1, 2, 3));
            runs.add(runner.mode() + "/" + runner.workers() + "@" + scale);
        }
    }

    @Test
    void runsEachCellOnceToWarmUpThenRepeatTimesOnAFreshRunner() throws Exception {
        Probe probe = new Probe();
        List<String> started = new ArrayList<>();
        List<Cell> cells = Lab.run(new LabConfig(List.of(probe), List.of("sequential", "threads", "virtual"), 2, 3,
                0.5, 0), (w, m, cell, cells2, run, runs) -> started.add(m + " " + cell + "/" + cells2 + " " + run));

        assertThat(probe.runs).hasSize(12).startsWith("sequential/1@0.5", "threads/2@0.5", "virtual/2@0.5")
                .contains("threads/2@0.5", "virtual/2@0.5");
        assertThat(started).as("every warm-up first, then the measured runs in turns").containsExactly(
                "sequential 1/3 0", "threads 2/3 0", "virtual 3/3 0",
                "sequential 1/3 1", "threads 2/3 1", "virtual 3/3 1",
                "sequential 1/3 2", "threads 2/3 2", "virtual 3/3 2",
                "sequential 1/3 3", "threads 2/3 3", "virtual 3/3 3");
        assertThat(cells).extracting(Cell::mode).containsExactly("sequential", "threads", "virtual");
        for (Cell cell : cells) {
            assertThat(cell.runs()).hasSize(3);
            assertThat(cell.tasks()).isEqualTo(3);
            assertThat(cell.wallS()).isEqualTo(Lab.median(cell.runs().stream().map(Measurement::wallS).toList()));
            assertThat(cell.speedup()).isEqualTo(cells.getFirst().wallS() / cell.wallS());
        }
        assertThat(cells.getFirst().speedup()).isEqualTo(1.0);
    }

    @Test
    void aRunnerThatChoosesLeavesItsDecisionInItsCellAndTheOthersNone() throws Exception {
        List<Cell> cells = Lab.run(new LabConfig(List.of(new Probe()), List.of("threads", "auto"), null, 1, 1, 0),
                (a, b, c, d, e, f) -> { });
        assertThat(cells.get(0).decision()).isNull();
        // Decided once the runner closed. How many of the 3 it measured depends on timing: on a busy machine a
        // task can end before the next is submitted, and auto then decides on the one it has (AutoPolicy.idle).
        assertThat(cells.get(1).decision()).as("decided from measured tasks when the runner closed")
                .containsPattern("[1-3] tasks? sampled");
    }

    /** Records its runs and clean-ups, and whether its runner was already closed at each clean-up. */
    static final class Tidy extends Workload {
        final List<String> events = new ArrayList<>();
        final boolean fail;
        Runner last;

        Tidy(boolean fail) {
            super("tidy", 1, IO_BOUND, "cleans up after each run");
            this.fail = fail;
        }

        @Override
        public void run(Runner runner, double scale) {
            last = runner;
            events.add("run");
            if (fail) {
                throw new IllegalStateException("a wrong result");
            }
        }

        @Override
        public void afterRun() {
            events.add(last.isTerminated() ? "afterRun, runner closed" : "afterRun, runner still open");
        }
    }

    @Test
    void cleansUpAfterEveryRunOnceItsRunnerIsClosedEvenWhenTheRunFails() throws Exception {
        Tidy tidy = new Tidy(false);
        Lab.run(new LabConfig(List.of(tidy), List.of("threads"), null, 2, 1, 0), (a, b, c, d, e, f) -> { });
        assertThat(tidy.events).containsExactly("run", "afterRun, runner closed", "run", "afterRun, runner closed",
                "run", "afterRun, runner closed");

        Tidy failing = new Tidy(true);
        assertThatThrownBy(() -> Lab.run(new LabConfig(List.of(failing), List.of("threads"), null, 2, 1, 0),
                (a, b, c, d, e, f) -> { })).hasMessage("a wrong result");
        assertThat(failing.events).containsExactly("run", "afterRun, runner closed");
    }

    @Test
    void warmsUpUntilTheWarmUpTimeHasPassedThenMeasures() throws Exception {
        long[] now = {0};
        Probe probe = new Probe() {
            @Override
            public void run(Runner runner, double scale) throws Exception {
                super.run(runner, scale);
                now[0] += 300_000_000L; // each run takes 0.3 s on the test's clock
            }
        };
        List<Integer> runIndexes = new ArrayList<>();
        List<Cell> cells = Lab.run(new LabConfig(List.of(probe), List.of("sequential"), null, 2, 1, 1.0),
                (w, m, cell, cells2, run, runs) -> runIndexes.add(run), () -> now[0], () -> 0);
        // 1 s of warm-up at 0.3 s a run: 4 runs (0.3, 0.6, 0.9, 1.2 s), then the 2 measured ones.
        assertThat(runIndexes).containsExactly(0, 0, 0, 0, 1, 2);
        assertThat(probe.runs).hasSize(6);
        assertThat(cells.getFirst().warmupRuns()).isEqualTo(4);
        assertThat(cells.getFirst().warmupS()).isCloseTo(1.2, within(1e-9));
    }

    /** A workload whose runs take 0.3 s on the test's clock, the JIT compiling for 0.1 s in each of the first few. */
    private static final class Compiling extends Probe {
        final long[] now = {0};
        final long[] jit = {0};
        final int busyRuns;

        Compiling(int busyRuns) {
            this.busyRuns = busyRuns;
        }

        @Override
        public void run(Runner runner, double scale) throws Exception {
            super.run(runner, scale);
            now[0] += 300_000_000L;
            if (runs.size() <= busyRuns) {
                jit[0] += 100_000_000L;
            } else {
                jit[0] += 10_000_000L; // 3% of the run: settled
            }
        }

        int warmupRuns(double warmupS) throws Exception {
            return Lab.run(new LabConfig(List.of(this), List.of("sequential"), null, 1, 1, warmupS),
                    (a, b, c, d, e, f) -> { }, () -> now[0], () -> jit[0]).getFirst().warmupRuns();
        }
    }

    @Test
    void warmsUpPastTheWarmUpTimeWhileTheJitIsStillCompiling() throws Exception {
        // Runs 1-6 compile for a third of their time; run 7 (at 2.1 s) is the first quiet one.
        assertThat(new Compiling(6).warmupRuns(1.0)).isEqualTo(7);
        // Quiet from the start: the warm-up time alone decides (4 runs to pass 1 s).
        assertThat(new Compiling(0).warmupRuns(1.0)).isEqualTo(4);
        // A run quiet before the warm-up time has passed does not end it early.
        assertThat(new Compiling(1).warmupRuns(1.0)).isEqualTo(4);
    }

    @Test
    void stopsWarmingUpAtThreeTimesTheWarmUpTimeEvenIfTheJitNeverSettles() throws Exception {
        assertThat(new Compiling(1000).warmupRuns(1.0)).isEqualTo(10); // 3.0 s
        assertThat(new Compiling(1000).warmupRuns(0)).as("--warmup 0: one run").isEqualTo(1);
    }

    @Test
    @org.junit.jupiter.api.condition.EnabledOnOs(org.junit.jupiter.api.condition.OS.LINUX)
    void countsTheCpuTimeOfFinishedChildProcesses() throws Exception {
        long before = Lab.childrenCpuNanos();
        Process busy = new ProcessBuilder("sh", "-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done").start();
        assertThat(busy.waitFor()).isZero();
        assertThat(Lab.childrenCpuNanos() - before).isGreaterThanOrEqualTo(10_000_000L); // it burned its CPU
    }

    @Test
    void anUnboundedRunnerReportsOneWorkerPerTask() throws Exception {
        List<Cell> cells = Lab.run(new LabConfig(List.of(new Probe()), List.of("virtual"), null, 1, 1), (a, b, c, d, e,
                f) -> { });
        assertThat(cells.getFirst().workers()).isEqualTo(3);
        assertThat(cells.getFirst().speedup()).as("no sequential cell, no speedup").isNull();
    }

    @Test
    void cpuWorkOnTheLoopDoesNotFloodTheOutputWithSlowStepWarnings() throws Exception {
        List<java.util.logging.LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(dev.simul.loop.EventLoop.class.getName());
        log.addHandler(capture);
        try {
            Probe spinning = new Probe() {
                @Override
                public void run(Runner runner, double scale) throws Exception {
                    super.run(runner, scale);
                    runner.map(i -> {
                        long end = System.nanoTime() + 250_000_000L; // a step 2.5 times the loop's warning threshold
                        while (System.nanoTime() < end) {
                            Thread.onSpinWait();
                        }
                        return i;
                    }, List.of(1));
                }
            };
            Lab.run(new LabConfig(List.of(spinning), List.of("loop"), null, 1, 1, 0), (a, b, c, d, e, f) -> { });
        } finally {
            log.removeHandler(capture);
        }
        assertThat(records).extracting(java.util.logging.LogRecord::getMessage).noneMatch(m -> m.contains("has run"));
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(Lab.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(Lab.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
    }

    @Test
    void rejectsNonsenseConfigurations() {
        List<Workload> p = List.of(new Probe());
        List<String> t = List.of("threads");
        assertThatThrownBy(() -> new LabConfig(p, t, 0, 1, 1)).hasMessageContaining("workers");
        assertThatThrownBy(() -> new LabConfig(p, t, 1, 0, 1)).hasMessageContaining("repeat");
        assertThatThrownBy(() -> new LabConfig(p, t, 1, 1, 0)).hasMessageContaining("scale");
        assertThatThrownBy(() -> new LabConfig(List.of(), t, 1, 1, 1)).hasMessageContaining("workload");
        assertThatThrownBy(() -> new LabConfig(p, t, 1, 1, 1, -1)).hasMessageContaining("warm-up");
    }
}
