package dev.simul.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simul.runner.AutoRunner.Decision;
import dev.simul.runner.AutoRunner.Model;
import dev.simul.runner.AutoRunner.Nature;
import org.junit.jupiter.api.Test;

/** The auto mode's decisions on fixed measurements: no threads, no clock, no timing. */
class AutoPolicyTest {

    private static final long MS = 1_000_000;

    /** A policy on {@code cores} cores, its samples launched and back, each with the given CPU and wall time. */
    private static AutoPolicy sampled(int cores, int cap, long cpuMs, long wallMs) {
        AutoPolicy policy = new AutoPolicy(cores, cap);
        for (int i = 0; i < AutoPolicy.SAMPLE_TASKS; i++) {
            assertThat(policy.nextOnPlatform()).as("a sample runs on a measured platform thread").isTrue();
        }
        for (int i = 0; i < AutoPolicy.SAMPLE_TASKS; i++) {
            policy.completed(0, cpuMs * MS, wallMs * MS);
        }
        return policy;
    }

    @Test
    void undecidedItStartsOneTaskPerCoreTheFirstTasksMeasured() {
        AutoPolicy policy = new AutoPolicy(2, Runner.UNBOUNDED);
        assertThat(policy.decided()).isFalse();
        assertThat(policy.limit()).isEqualTo(2);
        assertThat(policy.peeking()).isTrue();
        assertThat(new AutoPolicy(4, 3).limit()).as("never above the cap").isEqualTo(3);
        assertThat(policy.decision().nature()).isEqualTo(Nature.UNDECIDED);
        for (int i = 0; i < AutoPolicy.SAMPLE_TASKS; i++) {
            assertThat(policy.nextOnPlatform()).isTrue();
        }
        assertThat(policy.nextOnPlatform()).as("beyond the samples: virtual threads, unmeasured").isFalse();
        policy.completed(0, -1, 50 * MS); // an unmeasured task tells nothing
        for (int i = 0; i < AutoPolicy.SAMPLE_TASKS - 1; i++) {
            policy.completed(0, 10 * MS, 10 * MS);
        }
        assertThat(policy.decided()).as("one sample is still out").isFalse();
    }

    @Test
    void undecidedSamplesThatComputeHoldTheOthersBackAndSamplesThatWaitReleaseThem() {
        AutoPolicy policy = new AutoPolicy(2, Runner.UNBOUNDED);
        policy.peeked(19 * MS, 20 * MS);
        assertThat(policy.limit()).as("computing: one per core").isEqualTo(2);
        policy.peeked(10 * MS, 20 * MS);
        assertThat(policy.limit()).as("one look is not enough to let more in").isEqualTo(2);
        policy.peeked(10 * MS, 20 * MS);
        assertThat(policy.limit()).as("half waiting twice: Goetz's count, 2 x (1 + 1)").isEqualTo(4);
        assertThat(policy.decision().why()).contains("waited 50% of their time so far", "4 tasks run at once");
        assertThat(policy.peeking()).isTrue();
        policy.peeked(1 * MS, 20 * MS);
        assertThat(policy.limit()).as("waiting: every task starts at once").isEqualTo(Runner.UNBOUNDED);
        assertThat(policy.peeking()).as("nothing is held back any more").isFalse();
        assertThat(policy.decided()).as("a peek is not a decision").isFalse();
        AutoPolicy capped = new AutoPolicy(2, 3);
        capped.peeked(10 * MS, 20 * MS);
        capped.peeked(10 * MS, 20 * MS);
        assertThat(capped.limit()).as("Goetz's count, capped").isEqualTo(3);
    }

    @Test
    void oneLookAtASampleBlockedInTheKernelLetsNoMoreTasksIn() {
        // Measured on file writes: mostly computing, with a look at 0.3 ms CPU in 0.9 ms when a write waited.
        AutoPolicy policy = new AutoPolicy(2, Runner.UNBOUNDED);
        policy.peeked(MS / 2, MS / 2);
        policy.peeked(3 * MS / 10, 9 * MS / 10);
        assertThat(policy.limit()).as("the blip alone").isEqualTo(2);
        policy.peeked(MS, MS);
        assertThat(policy.limit()).as("computing again").isEqualTo(2);
        policy.peeked(3 * MS / 10, 9 * MS / 10);
        assertThat(policy.limit()).as("another blip alone").isEqualTo(2);
        policy.peeked(MS, 2 * MS);
        policy.peeked(MS, 2 * MS);
        assertThat(policy.limit()).as("half waiting twice: Goetz's 4").isEqualTo(4);
        AutoPolicy downloads = new AutoPolicy(2, Runner.UNBOUNDED);
        downloads.peeked(MS / 2, MS); // the connect
        downloads.peeked(0, 2 * MS);
        assertThat(downloads.limit()).as("then waiting: every task starts").isEqualTo(Runner.UNBOUNDED);
    }

    @Test
    void cpuBoundTasksGetOnePlatformThreadPerCore() {
        Decision d = sampled(2, Runner.UNBOUNDED, 95, 100).decision();
        assertThat(d.model()).isEqualTo(Model.PLATFORM_THREADS);
        assertThat(d.workers()).isEqualTo(2);
        assertThat(d.nature()).isEqualTo(Nature.CPU_BOUND);
        assertThat(d.tasksSampled()).isEqualTo(4);
        assertThat(d.cpuMsPerTask()).isEqualTo(95.0);
        assertThat(d.wallMsPerTask()).isEqualTo(100.0);
        assertThat(d.blocking()).isCloseTo(0.05, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(d.toString()).isEqualTo("platform threads x 2: tasks waited 5% of their time: one platform thread"
                + " per core (2), as more would only take turns (CPU-bound; 4 tasks sampled, 95.0 ms CPU / 100.0 ms"
                + " wall each)");
        assertThat(sampled(8, 3, 95, 100).decision().workers()).as("never above the cap").isEqualTo(3);
    }

    @Test
    void waitingTasksGetVirtualThreadsUpToTheCap() {
        AutoPolicy policy = sampled(2, Runner.UNBOUNDED, 3, 100);
        Decision d = policy.decision();
        assertThat(d.model()).isEqualTo(Model.VIRTUAL_THREADS);
        assertThat(d.workers()).isEqualTo(Runner.UNBOUNDED);
        assertThat(d.nature()).isEqualTo(Nature.WAITING);
        assertThat(d.toString()).startsWith("virtual threads x unbounded: tasks waited 97% of their time");
        assertThat(sampled(2, 50, 3, 100).limit()).isEqualTo(50);
        // One task in PROBE_EVERY still runs on a measured platform thread.
        int probes = 0;
        for (int i = 0; i < 10 * AutoPolicy.PROBE_EVERY; i++) {
            probes += policy.nextOnPlatform() ? 1 : 0;
        }
        assertThat(probes).isEqualTo(10);
    }

    @Test
    void mixedTasksGetAPoolSizedByGoetzsRule() {
        Decision d = sampled(2, Runner.UNBOUNDED, 50, 100).decision();
        assertThat(d.model()).isEqualTo(Model.PLATFORM_THREADS);
        assertThat(d.nature()).isEqualTo(Nature.MIXED);
        assertThat(d.workers()).as("2 x (1 + 50/50)").isEqualTo(4);
        assertThat(d.why()).contains("Goetz's N = cores x (1 + wait/compute) = 2 x (1 + 1.00) = 4");
        assertThat(sampled(4, Runner.UNBOUNDED, 25, 100).limit()).as("4 x (1 + 75/25)").isEqualTo(16);
        assertThat(sampled(2, 3, 50, 100).limit()).as("capped").isEqualTo(3);
        assertThat(AutoPolicy.goetz(2, 0.5)).isEqualTo(4);
        assertThat(AutoPolicy.goetz(2, 0.2)).isEqualTo(3);
        assertThat(AutoPolicy.goetz(1, 0.0)).isEqualTo(1);
    }

    @Test
    void theThresholdsSplitTheNatures() {
        assertThat(Nature.of(0.19)).isEqualTo(Nature.CPU_BOUND);
        assertThat(Nature.of(0.2)).isEqualTo(Nature.MIXED);
        assertThat(Nature.of(0.79)).isEqualTo(Nature.MIXED);
        assertThat(Nature.of(0.8)).isEqualTo(Nature.WAITING);
        assertThat(AutoPolicy.blocking(120, 100)).as("CPU over wall (a task's own threads) clamps to 0").isZero();
        assertThat(AutoPolicy.blocking(0, 0)).isZero();
    }

    @Test
    void withFewerTasksThanSamplesItDecidesOnceAllAreDone() {
        AutoPolicy policy = new AutoPolicy(2, Runner.UNBOUNDED);
        policy.nextOnPlatform();
        policy.nextOnPlatform();
        policy.completed(0, 1 * MS, 100 * MS);
        policy.completed(0, 1 * MS, 100 * MS);
        assertThat(policy.decided()).isFalse();
        policy.idle(0);
        assertThat(policy.decided()).isTrue();
        assertThat(policy.decision().tasksSampled()).isEqualTo(2);
        assertThat(policy.decision().model()).isEqualTo(Model.VIRTUAL_THREADS);
        assertThat(new AutoPolicy(2, 4)).satisfies(p -> {
            p.idle(0);
            assertThat(p.decided()).as("nothing measured: nothing to decide on").isFalse();
        });
    }

    /** One window of the current size, its tasks each with the given CPU and wall time, ending at {@code end}. */
    private static void window(AutoPolicy policy, long end, long cpuMs, long wallMs) {
        int size = Math.max(AutoPolicy.MIN_WINDOW, 2 * policy.limit());
        for (int i = 0; i < size; i++) {
            policy.completed(end, cpuMs * MS, wallMs * MS);
        }
    }

    @Test
    void theMixedPoolClimbsTowardTheBestThroughputAndHoldsWithinTheNoise() {
        AutoPolicy policy = sampled(2, Runner.UNBOUNDED, 50, 100); // 4 workers, windows of 8, from time 0
        window(policy, 1000 * MS, 50, 100);
        assertThat(policy.limit()).as("the first window sets the baseline, then tries one more").isEqualTo(5);
        window(policy, 1000 * MS + 800 * MS, 50, 100); // 10 tasks in 0.8 s: 12.5/s, up from 8/s
        assertThat(policy.limit()).as("better: on up").isEqualTo(6);
        window(policy, 1800 * MS + 1200 * MS, 50, 100); // 12 in 1.2 s: 10/s, down
        assertThat(policy.limit()).as("worse: back").isEqualTo(5);
        window(policy, 3000 * MS + 1000 * MS, 50, 100); // 10 in 1.0 s: 10/s, the same
        assertThat(policy.limit()).as("within the noise: hold").isEqualTo(5);
        assertThat(policy.decision().nature()).isEqualTo(Nature.MIXED);
        assertThat(policy.decision().why()).contains("hill climbing: 4 -> 5 workers", "hill climbing: 6 -> 5");
    }

    @Test
    void theClimbStaysWithinItsBounds() {
        AutoPolicy.HillClimb climb = new AutoPolicy.HillClimb(4, 2, 5, 0.05);
        assertThat(climb.next(10)).isEqualTo(5);
        assertThat(climb.next(20)).as("at the top: stays, turns round").isEqualTo(5);
        assertThat(climb.next(40)).isEqualTo(4);
        assertThat(climb.next(80)).isEqualTo(3);
        assertThat(climb.next(160)).isEqualTo(2);
        assertThat(climb.next(320)).as("at the bottom").isEqualTo(2);
        assertThat(new AutoPolicy.HillClimb(99, 2, 5, 0.05).workers()).isEqualTo(5);
    }

    @Test
    void tasksThatChangeNatureAreDecidedAfresh() {
        AutoPolicy policy = sampled(2, Runner.UNBOUNDED, 95, 100);
        assertThat(policy.decision().nature()).isEqualTo(Nature.CPU_BOUND);
        window(policy, 1000 * MS, 2, 100);
        Decision d = policy.decision();
        assertThat(d.nature()).isEqualTo(Nature.WAITING);
        assertThat(d.model()).isEqualTo(Model.VIRTUAL_THREADS);
        assertThat(d.tasksSampled()).isEqualTo(Math.max(AutoPolicy.MIN_WINDOW, 4));
        assertThat(d.why()).endsWith("; re-decided: was CPU-bound");
        window(policy, 2000 * MS, -1, 100); // unmeasured tasks (virtual threads) change nothing
        assertThat(policy.decision()).isEqualTo(d);
    }

    /** A window of unmeasured completions (virtual threads), each of {@code wallMs}, ending at {@code endMs}. */
    private static void waits(AutoPolicy policy, long endMs, long wallMs) {
        long size = Math.max(AutoPolicy.MIN_WINDOW, Math.min(AutoPolicy.MAX_WINDOW, 2L * policy.limit()));
        for (int i = 0; i < size; i++) {
            policy.completed(endMs * MS, -1, wallMs * MS);
        }
    }

    @Test
    void waitsThatQueueForWhatTheyWaitOnGetAShorterQueueAndTheLimitComesBackWhenTheyNoLongerDo() {
        AutoPolicy policy = sampled(2, 30, 2, 100); // waiting-bound; alone, a task waits 100 ms; windows of 60
        assertThat(policy.limit()).isEqualTo(30);
        waits(policy, 1000, 150); // 60 tasks/s at 1.5x: within the tolerance
        assertThat(policy.limit()).isEqualTo(30);
        waits(policy, 2000, 400); // 60 tasks/s at 4x: queueing, it seems
        assertThat(policy.limit()).as("60/s x 1.5 x 0.1 s in flight keep the throughput").isEqualTo(9);
        assertThat(policy.decision().model()).isEqualTo(Model.VIRTUAL_THREADS);
        assertThat(policy.decision().why()).contains("waits took 4.0x their no-load 100.0 ms",
                "9 at once keep its 60.0 tasks/s", "on trial");
        waits(policy, 2400, 160); // started after the drop, at 1.6x: the queue is gone, the drop stands
        assertThat(policy.limit()).isEqualTo(9);
        waits(policy, 2800, 120); // 1.2x
        assertThat(policy.limit()).as("doubled").isEqualTo(18);
        waits(policy, 3200, 100);
        assertThat(policy.limit()).as("doubled, up to the cap").isEqualTo(30);
        waits(policy, 3300, 1000); // 600 tasks/s at 10x
        assertThat(policy.limit()).as("600/s x 0.15 s is above the cap: stays").isEqualTo(30);
        waits(policy, 63_300, 1000); // 1 task/s at 10x
        assertThat(policy.limit()).as("never below the cores").isEqualTo(2);
    }

    @Test
    void aDropThatLeavesTheWaitsAsLongIsUndoneAndTheirLengthBecomesTheNoLoadLatency() {
        AutoPolicy policy = sampled(2, 30, 2, 100); // the samples were short downloads
        waits(policy, 1000, 1000); // the rest are long ones: 60/s at 10x
        assertThat(policy.limit()).isEqualTo(9);
        waits(policy, 1500, 990); // all started before the drop: not evidence either way
        assertThat(policy.limit()).isEqualTo(9);
        waits(policy, 3000, 1000); // started after it, with 9 at once: as long
        assertThat(policy.limit()).as("back").isEqualTo(30);
        assertThat(policy.decision().why()).contains("tasks started with 9 at once still waited 1000.0 ms",
                "the limit is back to 30");
        waits(policy, 4000, 1100);
        assertThat(policy.limit()).as("1.1x the new no-load latency: no drop").isEqualTo(30);
    }

    @Test
    void tasksTooShortForTheClockSetNoNoLoadLatency() {
        AutoPolicy policy = sampled(2, Runner.UNBOUNDED, 2, 100);
        waits(policy, 1000, 0);
        waits(policy, 2000, 150);
        assertThat(policy.limit()).as("150 ms against the samples' 100 ms, not against 0").isEqualTo(Runner.UNBOUNDED);
    }

    @Test
    void unboundedWaitsAreLimitedOnlyWhenTheyQueue() {
        AutoPolicy policy = sampled(2, Runner.UNBOUNDED, 2, 100);
        waits(policy, 1000, 190);
        assertThat(policy.limit()).isEqualTo(Runner.UNBOUNDED);
        waits(policy, 2000, 1000);
        assertThat(policy.limit()).as("64/s x 1.5 x 0.1 s").isEqualTo(10);
        for (int window = 0; window < 40 && policy.limit() < Runner.UNBOUNDED; window++) {
            waits(policy, 3000 + window, 100);
        }
        assertThat(policy.limit()).as("raised back, doubling, to unbounded").isEqualTo(Runner.UNBOUNDED);
        assertThat(policy.decision().why()).contains("raised to unbounded")
                .contains("earlier changes").hasSizeLessThan(1200);
    }

    @Test
    void aStarvedQueueRaisesTheLimitOneAtATimeUpToTheCap() {
        AutoPolicy policy = sampled(1, 3, 95, 100);
        assertThat(policy.limit()).isEqualTo(1);
        assertThat(policy.starved()).isTrue();
        assertThat(policy.limit()).isEqualTo(2);
        assertThat(policy.starved()).isTrue();
        assertThat(policy.starved()).as("at the cap").isFalse();
        assertThat(policy.limit()).isEqualTo(3);
        assertThat(policy.decision().why()).contains("raised to 3 workers");
    }

    @Test
    void withoutCpuTimeItRunsOnVirtualThreadsAndSaysWhy() {
        AutoPolicy policy = new AutoPolicy(2, Runner.UNBOUNDED);
        policy.unmeasurable();
        assertThat(policy.decided()).isTrue();
        assertThat(policy.nextOnPlatform()).isFalse();
        assertThat(policy.decision().why()).contains("does not measure thread CPU time");
    }
}
