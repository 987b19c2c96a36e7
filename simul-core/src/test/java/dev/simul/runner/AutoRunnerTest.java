package dev.simul.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simul.runner.AutoRunner.Model;
import dev.simul.runner.AutoRunner.Nature;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The auto mode beyond the runner contract (which simul-testkit runs on every mode) and beyond its policy's rules
 * ({@link AutoPolicyTest}): what it measures on real tasks, and that it explains itself. Nothing here is timed.
 */
class AutoRunnerTest {

    @Test
    void beforeAnyTaskItHasDecidedNothingAndSaysSo() {
        try (AutoRunner runner = Runners.auto()) {
            assertThat(runner.explanation()).isNull();
            assertThat(runner.decision().nature()).isEqualTo(Nature.UNDECIDED);
            int cores = Runtime.getRuntime().availableProcessors();
            assertThat(runner.workers()).as("one sample per core at first").isEqualTo(cores);
            assertThat(runner.toString()).startsWith("auto runner (platform threads x " + cores
                    + ": no task measured");
            assertThat(runner).isInstanceOf(Explaining.class);
        }
    }

    @Test
    void tasksThatSleepAreWaitingBoundAndGetVirtualThreads() throws Exception {
        try (AutoRunner runner = Runners.auto()) {
            // A sleeping thread uses no CPU, so however loaded the machine, these tasks wait nearly all their time.
            runner.map(i -> {
                Thread.sleep(20);
                return i;
            }, List.of(1, 2, 3, 4));
            // A task's measurement is recorded just after its handle completes: wait for the last one's.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (runner.explanation() == null) {
                assertThat(System.nanoTime() - deadline).as("the samples are recorded").isNegative();
                Thread.onSpinWait();
            }
            AutoRunner.Decision decision = runner.decision();
            assertThat(decision.nature()).isEqualTo(Nature.WAITING);
            assertThat(decision.model()).isEqualTo(Model.VIRTUAL_THREADS);
            // 4 unless the machine is so busy that a task ends before the next is submitted (AutoPolicy.idle).
            assertThat(decision.tasksSampled()).isBetween(1, 4);
            assertThat(decision.wallMsPerTask()).isGreaterThan(decision.cpuMsPerTask());
            assertThat(runner.explanation()).startsWith("virtual threads x unbounded: tasks waited")
                    .containsPattern("[1-4] tasks? sampled");
            List<Thread> later = runner.map(i -> Thread.currentThread(), List.of(1, 2, 3));
            assertThat(later).as("after the decision").allMatch(Thread::isVirtual);
        }
    }

    @Test
    void theSamplesRunOnPlatformThreadsAtOnce() throws Exception {
        CountDownLatch all = new CountDownLatch(AutoPolicy.SAMPLE_TASKS);
        try (AutoRunner runner = Runners.auto()) {
            List<Thread> threads = runner.map(i -> {
                all.countDown();
                assertThat(all.await(60, TimeUnit.SECONDS)).isTrue();
                return Thread.currentThread();
            }, IntStream.range(0, AutoPolicy.SAMPLE_TASKS).boxed().toList());
            assertThat(threads).noneMatch(Thread::isVirtual)
                    .allSatisfy(t -> assertThat(t.getName()).startsWith("simul-auto-"));
        }
    }

    @Test
    void samplesThatWaitLetTheTasksHeldBackStart() throws Exception {
        // One core, so one task runs at first; it waits for the four after it, which start only because a blocked
        // thread uses no CPU, whatever the load: the watcher sees it wait and releases them.
        CountDownLatch others = new CountDownLatch(4);
        try (AutoRunner runner = new AutoRunner(Runner.UNBOUNDED, 1, System::nanoTime)) {
            List<Boolean> met = runner.map(i -> {
                if (i == 0) {
                    return others.await(60, TimeUnit.SECONDS);
                }
                others.countDown();
                return true;
            }, List.of(0, 1, 2, 3, 4));
            assertThat(met).containsOnly(true);
        }
    }

    @Test
    void tasksThatWaitForEachOtherBelowTheCapDoNotDeadlock() throws Exception {
        // One core: if the first tasks are judged CPU-bound, the limit is 1, and three tasks that wait for each
        // other need the starvation rule to raise it to 3 (the cap).
        try (AutoRunner runner = new AutoRunner(3, 1, System::nanoTime)) {
            runner.map(i -> i, List.of(1, 2, 3, 4));
            CountDownLatch three = new CountDownLatch(3);
            List<Boolean> met = runner.map(i -> {
                three.countDown();
                return three.await(60, TimeUnit.SECONDS);
            }, List.of(1, 2, 3));
            assertThat(met).containsExactly(true, true, true);
            assertThat(runner.workers()).isEqualTo(3);
        }
    }

    @Test
    void closeWaitsForEveryTaskToEnd() throws Exception {
        AutoRunner runner = Runners.auto(2);
        List<Thread> threads = Collections.synchronizedList(new java.util.ArrayList<>());
        AtomicInteger ended = new AtomicInteger();
        for (int i = 0; i < 6; i++) {
            runner.submit(() -> {
                threads.add(Thread.currentThread());
                try {
                    Thread.sleep(Duration.ofMillis(5));
                } finally {
                    ended.incrementAndGet();
                }
                return null;
            });
        }
        runner.close();
        assertThat(runner.isTerminated()).isTrue();
        assertThat(ended).hasValue(6);
        // Virtual threads are the runner's own and end; the measuring platform threads are shared by every auto
        // runner, kept for the next one, and never hold the JVM up.
        for (Thread thread : threads) {
            if (thread.isVirtual()) {
                assertThat(thread.join(Duration.ofSeconds(60))).isTrue();
            } else {
                assertThat(thread.isDaemon()).as(thread.getName()).isTrue();
            }
        }
    }

    @Test
    void theNextRunnersTasksSeeNoInterruptMeantForAnEarlierWatcher() throws Exception {
        for (int round = 0; round < 20; round++) {
            // One core, so tasks queue and a watcher runs; close() interrupts it once every task is done.
            try (AutoRunner runner = new AutoRunner(Runner.UNBOUNDED, 1, System::nanoTime)) {
                runner.map(i -> i, IntStream.range(0, 8).boxed().toList());
            }
        }
        try (AutoRunner runner = Runners.auto()) {
            List<Boolean> interrupted = runner.map(i -> Thread.currentThread().isInterrupted(),
                    IntStream.range(0, 8).boxed().toList());
            assertThat(interrupted).containsOnly(false);
        }
    }
}
