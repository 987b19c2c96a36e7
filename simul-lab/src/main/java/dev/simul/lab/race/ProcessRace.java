package dev.simul.lab.race;

import dev.simul.process.ProcessPool;
import java.io.Serializable;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tasks in worker JVMs incrementing a static counter: each worker increments its own copy, and the parent's copy
 * never moves. Seed 004: "each process created by a Parent process has its separate memory".
 */
final class ProcessRace {

    /**
     * The counter the tasks increment: one per JVM. A worker runs its tasks one at a time, so a plain field is
     * enough there; in the parent nothing writes it, so it reads 0 whatever the workers did.
     */
    private static long counter;

    /** How long to wait for the workers to start before going on without those still starting. */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);

    private ProcessRace() {
    }

    /** What a task saw in its worker: the worker's pid and its counter after the task's increments. */
    record Tally(long pid, long counter) implements Serializable {
    }

    /**
     * What the workers counted and what the parent reads.
     *
     * @param increments     what the tasks were asked to add, in all
     * @param workerCounters each worker JVM's counter at the end, by pid
     * @param parentCounter  the parent's copy of the same static field
     */
    record Outcome(long increments, Map<Long, Long> workerCounters, long parentCounter) {

        /** The outcome as a row of the table: expected what the workers were asked to add, actual the parent's. */
        RaceFinding.Case toCase() {
            return new RaceFinding.Case("processes", "static counter per JVM", increments, parentCounter, null, null);
        }
    }

    /** Runs {@code tasks} tasks on {@code workers} worker JVMs, each incrementing the static counter {@code each} times. */
    static Outcome run(int workers, int tasks, long each) throws Exception {
        List<Tally> tallies;
        try (ProcessPool pool = new ProcessPool(workers)) {
            awaitReady(pool);
            tallies = pool.map(ProcessRace::count, Collections.nCopies(tasks, each));
        }
        Map<Long, Long> byWorker = new TreeMap<>();
        for (Tally t : tallies) {
            byWorker.merge(t.pid(), t.counter(), Math::max); // a worker's last task saw its whole count
        }
        return new Outcome((long) tasks * each, byWorker, counter);
    }

    /**
     * Waits, a few seconds at most, until every worker is up: a worker that is ready first would otherwise take
     * every task of a short map, and the table would show one worker's counter instead of one per JVM.
     */
    private static void awaitReady(ProcessPool pool) throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && !allReady(pool.workerInfo(), pool.workers())) {
            Thread.sleep(10);
        }
    }

    /** Whether {@code workers} workers are up: the list is empty until the pool has launched them. */
    private static boolean allReady(List<ProcessPool.WorkerInfo> infos, int workers) {
        return infos.stream().filter(w -> w.startMillis() >= 0).count() >= workers;
    }

    /** A task: runs in a worker, where {@link #counter} is that worker's own. */
    private static Tally count(long times) {
        for (long i = 0; i < times; i++) {
            counter++;
        }
        return new Tally(ProcessHandle.current().pid(), counter);
    }
}
