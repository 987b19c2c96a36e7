package dev.simul.runner;

import dev.simul.runner.AutoRunner.Decision;
import dev.simul.runner.AutoRunner.Model;
import dev.simul.runner.AutoRunner.Nature;
import java.util.ArrayDeque;

/**
 * What the {@link AutoRunner} decides, from measurements alone: it owns no thread and reads no clock, so tests give
 * it fixed numbers. Not thread-safe: the runner calls it under its lock.
 *
 * <p>Overview. Undecided, the first {@link #SAMPLE_TASKS} tasks run on platform threads whose CPU time is measured,
 * one per core at first; the tasks after them wait while the samples compute. Every so often
 * ({@link AutoRunner#PEEK_MIN_NANOS} at first) the runner reads the running samples' CPU time ({@link #peeked}):
 * samples that compute keep the others waiting (a short CPU-bound job runs as {@code threads} does); samples that
 * mostly wait let them all start at once (a hundred downloads lose a fraction of a millisecond to the measuring,
 * not a sample's length), and in between, Goetz's count (below) starts once two looks in a row call for it. Once
 * the samples have finished (or every task so far has, with at least one measured), the blocking coefficient
 * b = 1 - CPU / wall, summed over the samples, picks the model: b below {@link #CPU_BOUND_MAX_WAIT}, CPU-bound:
 * one platform thread per core; b from {@link #WAITING_MIN_WAIT} up, waiting-bound: virtual threads up to the cap;
 * in between, mixed: a pool of N = cores x (1 + wait / compute) platform threads (Goetz's rule). Then, every
 * window of completed tasks:
 * <ul>
 *   <li>the window's measured tasks (every task on a platform thread; one in {@link #PROBE_EVERY} on virtual
 *       threads) give b again; if it names another nature, the model is decided afresh from it;</li>
 *   <li>otherwise, in the mixed model, the worker count climbs a hill (the .NET thread pool's idea, without its
 *       signal processing): one worker more or fewer, kept going while throughput rises by more than
 *       {@link #NOISE}, turned back when it falls by more, held when it stays within it; never below the cores nor
 *       above twice Goetz's estimate, nor above the cap;</li>
 *   <li>in the waiting model, the limit follows the tasks' wall time, as Netflix's concurrency-limits follows a
 *       call's round trip: a task that waits alone for its answer sets the no-load latency (the samples' mean, then
 *       the lowest window mean). A window whose tasks took more than {@link #LATENCY_TOLERANCE} times that may be
 *       queueing for something that serves fewer at once (a service, a disk, a connection pool): by Little's law
 *       (in flight = throughput x latency), the window's throughput needs only throughput x
 *       {@link #LATENCY_TARGET} x no-load latency tasks in flight, so the limit drops to that (never below the
 *       cores), and the thing waited on gets a short queue instead of every task at once. The drop is on trial:
 *       if the first {@link #MIN_WINDOW} tasks started after it still wait over the tolerance, the waits were not
 *       a queue but the tasks' own length (later tasks that fetch more, say), so the limit goes back and their
 *       latency becomes the no-load one. A window back under {@link #LATENCY_RELAXED} times the no-load latency
 *       doubles the limit, up to the cap.</li>
 * </ul>
 * A starved queue (tasks waiting, none finishing for {@link AutoRunner#STARVATION_NANOS}) raises the limit by one,
 * up to the cap, as the .NET pool injects a thread: tasks that wait for each other never deadlock below the cap.
 *
 * <p>Invariant: {@link #limit()} is between 1 and the cap, and {@link #decision()} is never null.
 */
final class AutoPolicy {

    /** Tasks measured before the first decision: enough to average out one odd task, few enough to decide soon. */
    static final int SAMPLE_TASKS = 4;
    /** Tasks that wait less than this share of their time are CPU-bound: more threads than cores only take turns. */
    static final double CPU_BOUND_MAX_WAIT = 0.2;
    /**
     * Tasks that wait at least this share of their time are waiting-bound: Goetz's rule would want 5 or more
     * threads per core, where virtual threads cost far less than platform ones.
     */
    static final double WAITING_MIN_WAIT = 0.8;
    /** On virtual threads, one task in this many runs on a measured platform thread, so that b stays known. */
    static final int PROBE_EVERY = 16;
    /** The fewest completions a window holds; a window also holds at least twice the worker count (up to 64). */
    static final int MIN_WINDOW = 8;
    /** A window holds at most this many completions, so that adaptation goes on with thousands of workers. */
    static final int MAX_WINDOW = 64;
    /** The latest changes a decision's reason keeps: a long run adapts its worker count thousands of times. */
    static final int CHANGES_KEPT = 4;
    /** Throughputs closer than this fraction are the same on a shared, noisy machine: hold the worker count. */
    static final double NOISE = 0.05;
    /**
     * Waiting tasks that take longer than this many times the no-load latency queue for what they wait on: the
     * limit drops. Twice, as a timer, a scheduler or a network stretch a wait by far less when nothing queues.
     */
    static final double LATENCY_TOLERANCE = 2;
    /**
     * A dropped limit aims at waits this many times the no-load latency: between the relaxed level and the
     * tolerance, so that a queue the drop cured shows as such, and the limit then holds.
     */
    static final double LATENCY_TARGET = 1.5;
    /**
     * Waiting tasks back under this many times the no-load latency raise a dropped limit: below the tolerance, so
     * that the limit holds between the two rather than swinging.
     */
    static final double LATENCY_RELAXED = 1.25;

    private final int cores;
    private final int cap;

    private Decision decision;
    private boolean decided;
    private boolean measurable = true;

    /** The worker count the last peek called for: a look raises the limit only as far as the one before. */
    private int lastPeek;

    /** Tasks launched so far, and how many of them ran on a measured platform thread before the decision. */
    private long launched;
    private int samplesLaunched;

    /** The samples' measurements, before the decision. */
    private int sampled;
    private long sampledCpu;
    private long sampledWall;

    /** The current window (after the decision): when it began, completions in it, and its measured tasks. */
    private long windowStart;
    private int windowDone;
    private int windowMeasured;
    private long windowCpu;
    private long windowWall;

    /** The waiting model's no-load latency, nanoseconds: the samples' mean wall time, then the lowest window's. */
    private double noLoadNanos;
    /** The wall time of every task of the window (measured or not), summed. */
    private long windowLatency;
    /**
     * A drop of the waiting model's limit on trial: the limit before it (0: none on trial), when it was made, and
     * the tasks started since that have finished, with their wall time summed.
     */
    private int limitBeforeDrop;
    private long dropTime;
    private int sinceDrop;
    private long sinceDropLatency;

    /** The reason of the last choice of model, and the latest changes since (the oldest dropped past a few). */
    private String chosenWhy = "";
    private final ArrayDeque<String> changes = new ArrayDeque<>();
    private int changesDropped;

    /** The mixed model's hill climb; null in the other models. */
    private HillClimb climb;

    /**
     * @param cores the processors to keep busy
     * @param cap   the most tasks at once, or {@link Runner#UNBOUNDED}
     */
    AutoPolicy(int cores, int cap) {
        if (cores < 1 || cap < 1) {
            throw new IllegalArgumentException("cores and cap must be at least 1, got " + cores + " and " + cap);
        }
        this.cores = cores;
        this.cap = cap;
        this.lastPeek = Math.min(cap, cores);
        this.decision = new Decision(Model.PLATFORM_THREADS, Math.min(cap, cores), Nature.UNDECIDED, 0, 0, 0, 0,
                "no task measured yet: the first " + SAMPLE_TASKS + " run on platform threads that measure their"
                        + " CPU time, one per core at first, and the others wait while those compute");
    }

    /** The current decision: the provisional one until tasks are measured. */
    Decision decision() {
        return decision;
    }

    /** Whether the model has been chosen from measurements. */
    boolean decided() {
        return decided;
    }

    /** The most tasks to run at once now. */
    int limit() {
        return decision.workers();
    }

    /** Where the next task to start runs: true for a measured platform thread. Counts it as launched. */
    boolean nextOnPlatform() {
        launched++;
        if (!decided) {
            if (measurable && samplesLaunched < SAMPLE_TASKS) {
                samplesLaunched++;
                return true;
            }
            return false;
        }
        return decision.model() == Model.PLATFORM_THREADS || (measurable && launched % PROBE_EVERY == 0);
    }

    /** Whether the runner should read its running samples' CPU time: undecided, with tasks held back. */
    boolean peeking() {
        return !decided && decision.workers() < cap;
    }

    /**
     * The running samples used {@code cpuNanos} of CPU in {@code wallNanos} of their time (summed over them) since
     * the last peek: set how many tasks may run until the decision. Samples that mostly waited let every task
     * start; samples that waited part of the time raise the limit only as far as the last look allowed too: a
     * computing sample can block in the kernel for a millisecond (a file write, measured here: one look at 0.3 ms
     * CPU in 0.9 ms), and one such look let two more writers in to share two cores. A download's first look, on
     * its connect, is the same kind of part-waiting look, and the next one shows it waiting: that releases at once.
     */
    void peeked(long cpuNanos, long wallNanos) {
        double b = blocking(cpuNanos, wallNanos);
        int seen = switch (Nature.of(b)) {
            case CPU_BOUND -> Math.min(cap, cores);
            case WAITING -> cap;
            default -> Math.min(cap, goetz(cores, b));
        };
        int workers = seen == cap ? cap : Math.min(seen, lastPeek);
        lastPeek = seen;
        if (workers != decision.workers()) {
            String size = workers == cap ? "every task starts at once" : workers + " tasks run at once";
            decision = new Decision(workers == cap ? Model.VIRTUAL_THREADS : Model.PLATFORM_THREADS, workers,
                    Nature.UNDECIDED, 0, 0, 0, 0,
                    "undecided; the running samples waited %.0f%% of their time so far: %s".formatted(b * 100, size));
        }
    }

    /** This JVM cannot measure a thread's CPU time: decide at once, without measurements, on virtual threads. */
    void unmeasurable() {
        measurable = false;
        decided = true;
        decision = new Decision(Model.VIRTUAL_THREADS, cap, Nature.UNDECIDED, 0, 0, 0, 0,
                "this JVM does not measure thread CPU time, so nothing was measured: virtual threads start every"
                        + " task at once, whatever it turns out to be");
        chosenWhy = decision.why();
    }

    /**
     * A task finished (not cancelled).
     *
     * @param now       the clock, in nanoseconds
     * @param cpuNanos  its CPU time on a measured platform thread, or -1 if it was not measured
     * @param wallNanos its wall time
     */
    void completed(long now, long cpuNanos, long wallNanos) {
        if (!decided) {
            if (cpuNanos >= 0) {
                sampled++;
                sampledCpu += cpuNanos;
                sampledWall += wallNanos;
                if (sampled >= SAMPLE_TASKS) {
                    decideFromSamples(now);
                }
            }
            return;
        }
        windowDone++;
        windowLatency += wallNanos;
        if (limitBeforeDrop > 0 && now - wallNanos >= dropTime && ++sinceDrop <= MIN_WINDOW) {
            sinceDropLatency += wallNanos;
            if (sinceDrop == MIN_WINDOW) {
                judgeDrop();
            }
        }
        if (cpuNanos >= 0) {
            windowMeasured++;
            windowCpu += cpuNanos;
            windowWall += wallNanos;
        }
        if (windowDone >= windowSize()) {
            adapt(now);
        }
    }

    /** Every task so far has finished: decide on the samples measured, if any. */
    void idle(long now) {
        if (!decided && sampled > 0) {
            decideFromSamples(now);
        }
    }

    /**
     * Tasks have waited in the queue, and none finished, for the starvation time: one more worker, up to the cap.
     *
     * @return whether the limit rose
     */
    boolean starved() {
        if (decision.workers() >= cap) {
            return false;
        }
        int workers = decision.workers() + 1;
        if (climb != null) {
            climb.raiseTo(workers);
        }
        adapted(workers, "raised to " + workers + " workers: queued tasks waited with none"
                + " finishing (as the .NET pool injects a thread when starved)");
        return true;
    }

    private int windowSize() {
        long size = Math.min(MAX_WINDOW, 2L * decision.workers());
        return (int) Math.max(MIN_WINDOW, size);
    }

    private void decideFromSamples(long now) {
        decided = true;
        decision = choose(sampled, sampledCpu, sampledWall, "");
        startWindow(now);
    }

    /** The end of a window: decide afresh if the nature changed, else climb the hill in the mixed model. */
    private void adapt(long now) {
        double throughput = windowDone * 1e9 / Math.max(1, now - windowStart);
        if (windowMeasured > 0) {
            Nature seen = Nature.of(blocking(windowCpu, windowWall));
            if (seen != decision.nature()) {
                decision = choose(windowMeasured, windowCpu, windowWall,
                        "; re-decided: was " + decision.nature().label());
                startWindow(now);
                return;
            }
        }
        if (decision.nature() == Nature.WAITING) {
            limitWaits(now, throughput);
        }
        if (climb != null) {
            int before = decision.workers();
            int after = climb.next(throughput);
            if (after != before) {
                adapted(after, "hill climbing: %d -> %d workers at %.1f tasks/s"
                        .formatted(before, after, throughput));
            }
        }
        startWindow(now);
    }

    /**
     * The waiting model's window has ended at {@code throughput} tasks per second: drop the limit if its tasks queued
     * for what they wait on, raise it if they no longer do (see the class comment).
     */
    private void limitWaits(long now, double throughput) {
        double latency = (double) windowLatency / windowDone;
        if (latency <= 0 || noLoadNanos <= 0) { // tasks too short for the clock: nothing to compare yet
            noLoadNanos = Math.max(noLoadNanos, latency);
            return;
        }
        if (limitBeforeDrop > 0) {
            return; // a drop is on trial: the tasks started since it judge it, not those started before
        }
        int before = decision.workers();
        double stretch = latency / noLoadNanos;
        if (stretch > LATENCY_TOLERANCE) {
            long needed = (long) Math.ceil(throughput * LATENCY_TARGET * noLoadNanos / 1e9);
            int workers = (int) Math.max(Math.min(cap, cores), Math.min(needed, cap));
            if (workers < before) {
                adapted(workers, ("waits took %.1fx their no-load %.1f ms, as if queueing for what they wait"
                        + " on: %d at once keep its %.1f tasks/s (Little's law) with a short queue, on trial")
                        .formatted(stretch, noLoadNanos / 1e6, workers, throughput));
                limitBeforeDrop = before;
                dropTime = now;
                sinceDrop = 0;
                sinceDropLatency = 0;
            }
        } else if (stretch < LATENCY_RELAXED && before < cap) {
            int workers = (int) Math.min(cap, 2L * before);
            adapted(workers, "waits back to %.1fx their no-load %.1f ms: raised to %s"
                    .formatted(stretch, noLoadNanos / 1e6, workers == Runner.UNBOUNDED ? "unbounded" : workers));
        }
        noLoadNanos = Math.min(noLoadNanos, latency);
    }

    /**
     * The first tasks started after a drop of the limit have finished: if they still waited over the tolerance,
     * the drop did not shorten a queue, so the waits are the tasks' own: back to the limit before it, with their
     * latency as the no-load one. Otherwise the drop stands.
     */
    private void judgeDrop() {
        double latency = (double) sinceDropLatency / sinceDrop;
        if (latency > LATENCY_TOLERANCE * noLoadNanos) {
            int back = limitBeforeDrop;
            noLoadNanos = latency;
            adapted(back, ("tasks started with %d at once still waited %.1f ms: their own length, not a queue;"
                    + " that is the no-load latency now, and the limit is back to %s").formatted(decision.workers(),
                    latency / 1e6, back == Runner.UNBOUNDED ? "unbounded" : Integer.toString(back)));
        }
        limitBeforeDrop = 0;
    }

    /** The decision with another worker count, and why: the reason it was chosen and its latest changes. */
    private void adapted(int workers, String because) {
        changes.add(because);
        if (changes.size() > CHANGES_KEPT) {
            changes.poll();
            changesDropped++;
        }
        String earlier = changesDropped == 0 ? "" : "; %d earlier change%s".formatted(changesDropped,
                changesDropped == 1 ? "" : "s");
        decision = new Decision(decision.model(), workers, decision.nature(), decision.tasksSampled(),
                decision.cpuMsPerTask(), decision.wallMsPerTask(), decision.blocking(),
                chosenWhy + earlier + "; " + String.join("; ", changes));
    }

    private void startWindow(long now) {
        windowStart = now;
        windowDone = 0;
        windowLatency = 0;
        windowMeasured = 0;
        windowCpu = 0;
        windowWall = 0;
    }

    /** The model for tasks that used {@code cpu} of {@code wall} nanoseconds, {@code tasks} of them measured. */
    private Decision choose(int tasks, long cpu, long wall, String note) {
        double b = blocking(cpu, wall);
        Nature nature = Nature.of(b);
        double cpuMs = cpu / 1e6 / tasks;
        double wallMs = wall / 1e6 / tasks;
        String waited = "tasks waited %.0f%% of their time".formatted(b * 100);
        climb = null;
        Decision chosen = switch (nature) {
            case CPU_BOUND -> new Decision(Model.PLATFORM_THREADS, Math.min(cap, cores), nature, tasks, cpuMs, wallMs,
                    b, waited + ": one platform thread per core (" + cores + "), as more would only take turns"
                            + note);
            case WAITING -> {
                noLoadNanos = (double) wall / tasks;
                yield new Decision(Model.VIRTUAL_THREADS, cap, nature, tasks, cpuMs, wallMs, b,
                        waited + ": virtual threads, which cost next to nothing while they wait" + note);
            }
            default -> {
                int goetz = goetz(cores, b);
                int workers = Math.min(cap, goetz);
                climb = new HillClimb(workers, Math.min(cap, cores), Math.min(cap, 2 * goetz), NOISE);
                yield new Decision(Model.PLATFORM_THREADS, workers, nature, tasks, cpuMs, wallMs, b,
                        waited + ": Goetz's N = cores x (1 + wait/compute) = %d x (1 + %.2f) = %d platform threads"
                                .formatted(cores, b / (1 - b), goetz) + note);
            }
        };
        chosenWhy = chosen.why();
        limitBeforeDrop = 0;
        changes.clear();
        changesDropped = 0;
        return chosen;
    }

    /** Goetz's rule (Java Concurrency in Practice, 8.2): the threads that keep {@code cores} busy at wait share b. */
    static int goetz(int cores, double b) {
        double waitPerCompute = b / (1 - b);
        return (int) Math.ceil(cores * (1 + waitPerCompute) - 1e-9);
    }

    /** The share of wall time spent not computing, 0 to 1. */
    static double blocking(long cpu, long wall) {
        if (wall <= 0) {
            return 0;
        }
        return Math.max(0, Math.min(1, 1 - (double) cpu / wall));
    }

    /**
     * The .NET thread pool's hill climbing, reduced to its idea: move the worker count one step at a time in the
     * direction that raised throughput, turn back when it fell, hold when the change is within the noise.
     * Invariant: {@code min <= workers <= max}.
     */
    static final class HillClimb {
        private final int min;
        private int max;
        private final double noise;
        private int workers;
        private int direction = 1;
        private double last = Double.NaN;

        HillClimb(int workers, int min, int max, double noise) {
            this.min = min;
            this.max = Math.max(min, max);
            this.noise = noise;
            this.workers = Math.max(this.min, Math.min(this.max, workers));
        }

        /** The worker count for the next window, given the throughput of the window that just ran. */
        int next(double throughput) {
            if (Double.isNaN(last)) {
                step(); // the first window sets the baseline: try a step up
            } else if (throughput > last * (1 + noise)) {
                step();
            } else if (throughput < last * (1 - noise)) {
                direction = -direction;
                step();
            } // within the noise: hold
            last = throughput;
            return workers;
        }

        /** A starved queue took the count up: start from there, and forget the throughput of another count. */
        void raiseTo(int count) {
            workers = Math.max(min, count);
            max = Math.max(max, workers);
            last = Double.NaN;
        }

        int workers() {
            return workers;
        }

        private void step() {
            int next = workers + direction;
            if (next < min || next > max) {
                direction = -direction; // at a bound: turn round, try the other way next time
                return;
            }
            workers = next;
        }
    }
}
