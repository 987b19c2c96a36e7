package dev.simul.lab.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simul.lab.Experiments;
import dev.simul.lab.experiment.Experiment;
import dev.simul.lab.machine.Machine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The experiment at a tiny scale, a failing thread factory, and the budget predictions: structure, not speed. */
class CapacityTest {

    static final Capacity.Budget SMALL = new Capacity.Budget(256L << 20, Duration.ofSeconds(15));

    static Experiment.Context context(double scale, List<String> progress) {
        return new Experiment.Context(scale, Machine.current(), progress::add);
    }

    @Test
    void stepsShrinkBelowTheDefaultScaleOnly() {
        assertThat(Capacity.factor(0.3)).isEqualTo(1);
        assertThat(Capacity.factor(1)).isEqualTo(1);
        assertThat(Capacity.decades(1)).containsExactly(1_000, 10_000, 100_000, 1_000_000);
        assertThat(Capacity.decades(0.01)).containsExactly(10, 100, 1_000, 10_000);
        assertThat(Capacity.decades(1e-4)).containsExactly(1, 10, 100);
        assertThat(new ProcessModel().steps(1, 2)).containsExactly(1, 2, 4, 8);
        assertThat(new ProcessModel().steps(1, 3)).containsExactly(1, 2, 4, 8, 12);
        assertThat(new ProcessModel().steps(0.01, 2)).containsExactly(1);
    }

    @Test
    void platformThreadsStopAtTheCapOrHalfWhatTheKernelHasLeft() {
        var roomy = new ThreadLimits(192_735L, 400L, 96_367L, 1L << 20);
        assertThat(roomy.platformCap(1)).isEqualTo(10_000);
        assertThat(ThreadModel.platform(roomy).steps(1, 2)).containsExactly(1_000, 10_000);
        var tight = new ThreadLimits(5_000L, 1_000L, null, 0);
        assertThat(tight.platformCap(1)).isEqualTo(2_000);
        assertThat(new ThreadLimits(null, null, 3_000L, 0).platformCap(1)).isEqualTo(1_500);
        assertThat(ThreadModel.virtual().steps(1, 2)).containsExactly(1_000, 10_000, 100_000, 1_000_000);
    }

    @Test
    void isNamedAndNotRunByDefault() {
        assertThat(Experiments.of("capacity")).isInstanceOf(Capacity.class);
        assertThat(Experiments.defaults()).doesNotContain("capacity");
    }

    @Test
    void aThreadTheSystemRefusesIsReportedAndEveryStartedOneJoined() throws Exception {
        List<Thread> made = new CopyOnWriteArrayList<>();
        var model = new ThreadModel("platform threads", true, ThreadLimits.current(), unit -> {
            if (made.size() == 5) {
                throw new OutOfMemoryError("unable to create native thread: possibly out of memory or process/resource"
                        + " limits reached");
            }
            Thread t = Thread.ofPlatform().daemon().start(unit);
            made.add(t);
            return t;
        });
        Meter meter = new Meter(SMALL.memoryBytes(), System.nanoTime() + SMALL.time().toNanos());
        meter.baseline();
        Held held = model.hold(20, meter);
        assertThat(held.requested()).isEqualTo(20);
        assertThat(held.started()).isEqualTo(5);
        assertThat(held.stop().kind()).isEqualTo(Stop.LIMIT);
        assertThat(held.stop().why()).startsWith("creating thread 6 failed: java.lang.OutOfMemoryError: unable to"
                + " create native thread");
        assertThat(made).hasSize(5).noneMatch(Thread::isAlive);

        var result = new Capacity(SMALL, 100).run(model, List.of(20, 200), context(0.01, new ArrayList<>()));
        assertThat(result.stop()).isEqualTo(Stop.LIMIT);
        assertThat(result.held()).isZero();
        assertThat(result.steps()).hasSize(1); // the next step never started
        assertThat(made).noneMatch(Thread::isAlive);
    }

    @Test
    void aStepThatWouldPassABudgetIsNotStarted() {
        var capacity = new Capacity(new Capacity.Budget(100L << 20, Duration.ofSeconds(20)), Integer.MAX_VALUE);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Held small = new Held(1_000, 1_000, 0.1, 0.1, new Meter.Sample(20L << 20, 1L << 20), null);
        // 20 MiB for 1,000 units: 10,000 would need 200 MiB, over the 100 MiB budget.
        assertThat(capacity.predict(small, 100_000_000, 10_000, deadline).kind()).isEqualTo(Stop.MEMORY);
        assertThat(capacity.predict(small, 100_000_000, 4_000, deadline)).isNull();
        // 2 s to start and release 1,000 units (2.5 s with the measurements): 10,000 would take 20.5 s, and 10 s
        // are left; 4,000 would take 8.5 s.
        Held slow = new Held(1_000, 1_000, 1, 1, new Meter.Sample(1L << 20, 1L << 20), null);
        Stop time = capacity.predict(slow, 2_500_000_000L, 10_000, deadline);
        assertThat(time.kind()).isEqualTo(Stop.TIME);
        assertThat(time.why()).startsWith("the next step, 10,000, would take about 20.5 s");
        assertThat(capacity.predict(slow, 2_500_000_000L, 4_000, deadline)).isNull();
    }

    @Test
    void runsEveryModelAtATinyScale() throws Exception {
        List<String> progress = new ArrayList<>();
        var finding = (CapacityFinding) new Capacity(SMALL, 100).run(context(0.003, progress));
        assertThat(finding.models()).extracting(CapacityFinding.ModelResult::model)
                .containsExactly("platform threads", "virtual threads", "coroutines", "worker processes");
        for (CapacityFinding.ModelResult m : finding.models()) {
            assertThat(m.steps()).as(m.model()).isNotEmpty();
            assertThat(m.held()).as(m.model() + ": " + m.why()).isPositive();
            assertThat(m.steps()).allSatisfy(s -> {
                assertThat(s.started()).isLessThanOrEqualTo(s.units());
                assertThat(s.startS()).isGreaterThanOrEqualTo(0);
            });
        }
        assertThat(finding.models().get(0).steps()).extracting(CapacityFinding.Step::units).containsExactly(10, 100);
        assertThat(finding.models().get(3).steps()).extracting(CapacityFinding.Step::units).containsExactly(1);
        assertThat(finding.models().get(0).memory()).isEqualTo("resident");
        assertThat(finding.models().get(1).memory()).isEqualTo("heap");
        assertThat(finding.verdicts()).hasSize(2);
        assertThat(progress).contains("platform threads: 10", "coroutines: 100", "worker processes: 1");
        assertThat(finding.render().lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(100));
        // Every unit was released: no sleeping thread of the experiment is left.
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getState() == Thread.State.TIMED_WAITING
                && java.util.Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getClassName().contains("ThreadModel")));
    }
}
