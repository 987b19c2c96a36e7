package dev.simul.lab.race;

import dev.simul.lab.experiment.Experiment;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code race} experiment: threads, coroutines on the loop and tasks in worker JVMs increment one counter,
 * with and without guards, and the report counts the updates lost. It answers seed 002 (with preemptive threads,
 * "you have to guard portions of your code that access a shared resource") and seed 004 (processes have "separate
 * memory").
 *
 * <p>Of its numbers, only the unguarded threads' loss varies from run to run: the loop runs one coroutine at a time
 * and switches only at an await, so its counts are the same on every run, and the guarded variants lose nothing.
 */
public final class RaceExperiment implements Experiment {

    /** Increments per thread and per task at scale 1: enough for the threads to overlap for a while. */
    static final long THREAD_INCREMENTS = 2_000_000;
    /** Increments per coroutine at scale 1: each is a suspension, about a microsecond. */
    static final long LOOP_INCREMENTS = 20_000;
    /** Worker JVMs of the processes case: two are enough to show two separate counters. */
    static final int WORKERS = 2;
    /** The fewest increments per thread, coroutine or task, whatever the scale, so that tiny scales still race. */
    private static final long MIN_INCREMENTS = 100;

    private final int threads;

    /** The experiment with as many threads as processors, and at least 4, so that threads are preempted too. */
    public RaceExperiment() {
        this(Math.max(4, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * The experiment with {@code threads} threads, coroutines and tasks.
     *
     * @throws IllegalArgumentException below 2, where nothing can race
     */
    public RaceExperiment(int threads) {
        if (threads < 2) {
            throw new IllegalArgumentException("a race needs at least 2 threads, got " + threads);
        }
        this.threads = threads;
    }

    @Override
    public String name() {
        return "race";
    }

    @Override
    public String description() {
        return "a shared counter incremented by threads, coroutines and worker JVMs, guarded or not: updates lost";
    }

    @Override
    public RaceFinding run(Context context) throws Exception {
        long perThread = increments(THREAD_INCREMENTS, context.scale());
        long perCoroutine = increments(LOOP_INCREMENTS, context.scale());
        List<RaceFinding.Case> cases = new ArrayList<>();
        for (ThreadRace variant : ThreadRace.values()) {
            context.progress().accept("threads: " + variant.label);
            variant.run(threads, Math.max(1, perThread / 4)); // warm-up: the measured run starts compiled
            cases.add(variant.run(threads, perThread));
        }
        for (LoopRace variant : LoopRace.values()) {
            context.progress().accept("loop: " + variant.label);
            variant.run(threads, perCoroutine); // warm-up: cheap here, and the loop's own code compiles late
            cases.add(variant.run(threads, perCoroutine));
        }
        context.progress().accept("processes: " + WORKERS + " worker JVMs");
        ProcessRace.Outcome outcome = ProcessRace.run(WORKERS, threads, perThread);
        cases.add(outcome.toCase());
        return RaceFinding.of(threads, cases, List.copyOf(outcome.workerCounters().values()));
    }

    private static long increments(long atScaleOne, double scale) {
        return Math.max(MIN_INCREMENTS, Math.round(atScaleOne * scale));
    }
}
