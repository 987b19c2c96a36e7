package dev.simul.runner;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The {@code auto} mode: chooses the execution model and the worker count from measurements of its own tasks, not
 * from a guess, and says what it chose ({@link #decision()}).
 *
 * <p>It measures the blocking coefficient of its tasks: the share of a task's wall time that is not CPU time
 * ({@link ThreadMXBean#getCurrentThreadCpuTime()} around each task on a platform thread; on Linux, the time the
 * thread waited for a core is left out of its wall time). The first tasks are its
 * samples; from them it picks one platform thread per core for CPU-bound tasks, virtual threads for tasks that
 * mostly wait, and a pool sized by Goetz's rule, N = cores x (1 + wait / compute), for tasks in between. It keeps
 * measuring while it runs, decides afresh when the tasks change nature, and in the mixed case moves the pool's size
 * toward the best measured throughput (hill climbing). {@link AutoPolicy} holds the rules and their constants.
 * It never picks worker processes or a cluster: those change what a failure does, which is the user's call.
 *
 * <p>A worker count given to {@link Runners#of(String, int)} caps it: it never runs more tasks at once. By default
 * it is unbounded. Tasks start in submission order; every guarantee of {@link Runner} holds whatever it picks.
 *
 * <p>Overview: under {@code lock}, a FIFO {@code queue} of promises, the count of tasks {@code running}, and the
 * policy, whose {@link AutoPolicy#limit()} bounds {@code running}. Whoever submits, or finishes a task, starts
 * queued tasks while the limit allows ({@link #drain}), on a platform thread of {@link #MEASURING} or a new
 * virtual thread, as the policy says. While tasks queue below the cap, one watcher thread ({@link #watch}) looks at
 * them: undecided, it reads the running samples' CPU time, every {@link #PEEK_MIN_NANOS} at first and then at
 * doubling intervals, so that samples that wait let the queued tasks start at once; decided, it raises the limit
 * when the queue starves. {@code alive} counts the tasks started (and the watcher) that have not ended, so that
 * {@link #close()} returns only once they have.
 */
public final class AutoRunner extends AbstractRunner implements Explaining {

    /** Queued tasks that see none finish for this long raise the limit by one (see {@link AutoPolicy#starved()}). */
    static final long STARVATION_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /**
     * Undecided, how often the watcher looks at the running samples' CPU time for its first {@link #FAST_PEEKS}
     * looks: long enough for a computing thread to show it (CPU time is counted in nanoseconds on Linux), short
     * against the wait of any task worth running concurrently. A download computes for about 0.5 ms (its connect)
     * before it waits; seen over longer periods, that start blurred its wait and held the other downloads back
     * for milliseconds more.
     */
    static final long PEEK_MIN_NANOS = TimeUnit.MICROSECONDS.toNanos(250);
    /** The looks at {@link #PEEK_MIN_NANOS}; each after them comes twice as late, up to {@link #PEEK_MAX_NANOS}. */
    static final int FAST_PEEKS = 8;
    /** The longest interval between two looks: samples that compute for long are not woken for nothing. */
    static final long PEEK_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /**
     * The platform threads that measure tasks, shared by every auto runner as virtual threads share their carriers:
     * starting a platform thread costs 0.2-0.5 ms here, which a runner made for one job paid before its first
     * sample could start. No queue (the runners' queues are in front of it) and no size limit (each runner's policy
     * bounds its own tasks); daemon threads, gone after {@value #MEASURING_IDLE_S} s idle.
     */
    private static final long MEASURING_IDLE_S = 30;
    private static final ThreadPoolExecutor MEASURING = measuringPool();

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static final Path THREAD_SCHEDSTAT = Path.of("/proc/thread-self/schedstat");
    private static final boolean SCHEDSTAT = Files.isReadable(THREAD_SCHEDSTAT);
    private static final AtomicInteger RUNNERS = new AtomicInteger();

    /** How a decided runner runs its tasks. */
    public enum Model {
        /** Platform threads, as the {@code threads} mode: one per core, or Goetz's count. */
        PLATFORM_THREADS("platform threads"),
        /** A virtual thread per task, as the {@code virtual} mode. */
        VIRTUAL_THREADS("virtual threads");

        private final String label;

        Model(String label) {
            this.label = label;
        }

        /** The model in words ({@code "virtual threads"}). */
        public String label() {
            return label;
        }
    }

    /** What the measured tasks were, by their blocking coefficient b (the share of their time spent waiting). */
    public enum Nature {
        /** Nothing measured yet. */
        UNDECIDED("undecided"),
        /** b below 0.2: they compute. */
        CPU_BOUND("CPU-bound"),
        /** b from 0.2 to 0.8: they compute and wait. */
        MIXED("mixed"),
        /** b from 0.8: they mostly wait. */
        WAITING("waiting-bound");

        private final String label;

        Nature(String label) {
            this.label = label;
        }

        /** The nature in words ({@code "waiting-bound"}). */
        public String label() {
            return label;
        }

        /** The nature of tasks with blocking coefficient {@code b}. */
        static Nature of(double b) {
            return b < AutoPolicy.CPU_BOUND_MAX_WAIT ? CPU_BOUND : b >= AutoPolicy.WAITING_MIN_WAIT ? WAITING : MIXED;
        }
    }

    /**
     * What the runner runs its tasks on now, and the measurements it decided on.
     *
     * @param model          platform or virtual threads
     * @param workers        the most tasks it runs at once now, or {@link Runner#UNBOUNDED}
     * @param nature         what the measured tasks were
     * @param tasksSampled   how many measured tasks the decision rests on (0 before any)
     * @param cpuMsPerTask   their mean CPU time, in milliseconds
     * @param wallMsPerTask  their mean wall time, in milliseconds
     * @param blocking       the blocking coefficient: 1 - CPU / wall over those tasks, 0 to 1
     * @param why            the reason, in words, with the latest adaptations since
     */
    public record Decision(Model model, int workers, Nature nature, int tasksSampled, double cpuMsPerTask,
                           double wallMsPerTask, double blocking, String why) {

        /**
         * One line: {@code "virtual threads x unbounded: tasks waited 97% of their time: ... (waiting-bound; 4 tasks
         * sampled, 0.9 ms CPU / 30.1 ms wall each)"}.
         */
        @Override
        public String toString() {
            String size = workers == Runner.UNBOUNDED ? "unbounded" : Integer.toString(workers);
            String figures = tasksSampled == 0 ? nature.label()
                    : "%s; %d task%s sampled, %.1f ms CPU / %.1f ms wall each".formatted(nature.label(), tasksSampled,
                    tasksSampled == 1 ? "" : "s", cpuMsPerTask, wallMsPerTask);
            return model.label() + " x " + size + ": " + why + " (" + figures + ")";
        }
    }

    private final Object lock = new Object();
    /** Guarded by {@code lock}: the tasks submitted and not yet started, oldest first. */
    private final ArrayDeque<Promise<?>> queue = new ArrayDeque<>();
    /** Guarded by {@code lock}: tasks started and not yet finished. */
    private int running;
    /** Guarded by {@code lock}. */
    private final AutoPolicy policy;
    /** Guarded by {@code lock}: when a task last finished, or the queue last began to wait; for starvation. */
    private long lastProgress;
    /** Guarded by {@code lock}: whether a watcher has been started and has not ended. */
    private boolean watching;
    /** Guarded by {@code lock}: the thread of the watcher once it runs its loop, else null. */
    private Thread watcher;
    /** Guarded by {@code lock}: the samples running while the policy peeks, with what was read of each last. */
    private final java.util.Map<Thread, Sample> samples = new java.util.HashMap<>();

    /**
     * A running sample as the watcher last read it: its thread's CPU time, the clock, and the time the thread has
     * waited for a core (from {@code schedstat}, its file; -1 where there is none), which is not the task waiting.
     */
    private static final class Sample {
        final Path schedstat;
        long cpu;
        long wall;
        long runQueue;

        Sample(Path schedstat, long cpu, long wall, long runQueue) {
            this.schedstat = schedstat;
            this.cpu = cpu;
            this.wall = wall;
            this.runQueue = runQueue;
        }
    }

    private final LongSupplier clock;
    private final ThreadFactory virtual;
    private final LiveThreads alive = new LiveThreads();

    /** An auto runner that runs at most {@code cap} tasks at once ({@link Runner#UNBOUNDED} for no cap). */
    AutoRunner(int cap) {
        this(cap, Runtime.getRuntime().availableProcessors(), System::nanoTime);
    }

    AutoRunner(int cap, int cores, LongSupplier clock) {
        super(AutoMode.NAME, cap);
        this.clock = clock;
        this.policy = new AutoPolicy(cores, cap);
        if (!CPU.isCurrentThreadCpuTimeSupported() || !CPU.isThreadCpuTimeEnabled()) {
            policy.unmeasurable();
        }
        virtual = Thread.ofVirtual().name("simul-auto-" + RUNNERS.incrementAndGet() + "-v", 1).factory();
    }

    private static ThreadPoolExecutor measuringPool() {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory named = r -> Thread.ofPlatform().daemon().name("simul-auto-" + count.incrementAndGet())
                .unstarted(r);
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, MEASURING_IDLE_S, TimeUnit.SECONDS,
                new SynchronousQueue<>(), named);
    }

    /**
     * What the runner runs its tasks on now, and why: the provisional decision until its samples are back. A task's
     * measurement is recorded just after its handle completes, so a decision may lag the last {@code get()} by a
     * moment; once {@link #close()} has returned, it is final.
     */
    public Decision decision() {
        synchronized (lock) {
            return policy.decision();
        }
    }

    /** The decision in one line, or null while no task has been measured. */
    @Override
    public String explanation() {
        synchronized (lock) {
            return policy.decided() ? policy.decision().toString() : null;
        }
    }

    /** The most tasks it runs at once now: the cap until it decides, then its choice (never above the cap). */
    @Override
    public int workers() {
        synchronized (lock) {
            return policy.limit();
        }
    }

    @Override
    protected void dispatch(Promise<?> promise) {
        synchronized (lock) {
            queue.add(promise);
            drain();
        }
    }

    /** Starts queued tasks while the limit allows; starts the watcher if some must wait. Holds the lock. */
    private void drain() {
        while (!queue.isEmpty() && running < policy.limit()) {
            Promise<?> next = queue.poll();
            if (next.isDone()) {
                continue; // cancelled while queued, or withdrawn by shutdownNow
            }
            running++;
            launch(next, policy.nextOnPlatform());
        }
        if (!queue.isEmpty() && !watching && policy.limit() < workersCap()) {
            lastProgress = clock.getAsLong();
            try {
                MEASURING.execute(this::watch);
            } catch (RuntimeException | Error e) {
                return; // no thread could be started: the next drain tries again, and the tasks run meanwhile
            }
            watching = true;
            alive.started();
        }
    }

    private int workersCap() {
        return super.workers();
    }

    private void launch(Promise<?> promise, boolean measured) {
        alive.started();
        Runnable body = () -> {
            try {
                runMeasured(promise, measured);
            } finally {
                ended();
            }
        };
        try {
            if (measured) {
                MEASURING.execute(body);
            } else {
                virtual.newThread(body).start();
            }
        } catch (RuntimeException | Error e) { // no thread could be started (out of memory, say): the task fails
            running--;
            ended();
            promise.fail(e);
        }
    }

    /**
     * Runs the task, measuring its CPU time if {@code measured} (a platform thread), then starts what is queued. The
     * wall time it reports leaves out the time the thread was ready to run but waited for a core (on Linux, where the
     * kernel says so): that is not waiting in the task's sense, and counting it would call CPU-bound tasks on a busy
     * machine (or beside this runner's own other tasks) waiting-bound.
     */
    private void runMeasured(Promise<?> promise, boolean measured) {
        long cpu0 = measured ? CPU.getCurrentThreadCpuTime() : -1;
        long queued0 = measured ? runQueueNanos(THREAD_SCHEDSTAT) : -1;
        long wall0 = clock.getAsLong();
        if (measured) {
            synchronized (lock) {
                if (policy.peeking()) {
                    samples.put(Thread.currentThread(), new Sample(ownSchedstat(), cpu0, wall0, queued0));
                }
            }
        }
        try {
            promise.run();
        } finally {
            long now = clock.getAsLong();
            long cpu = cpu0 >= 0 ? CPU.getCurrentThreadCpuTime() - cpu0 : -1;
            long queued1 = queued0 >= 0 ? runQueueNanos(THREAD_SCHEDSTAT) : -1;
            long wall = now - wall0 - (queued1 >= queued0 ? queued1 - queued0 : 0);
            synchronized (lock) {
                samples.remove(Thread.currentThread());
                running--;
                lastProgress = now;
                if (!promise.isCancelled()) {
                    policy.completed(now, cpu, Math.max(Math.max(cpu, 0), wall));
                }
                if (running == 0 && queue.isEmpty()) {
                    policy.idle(now);
                }
                drain();
            }
        }
    }

    /**
     * The watcher, on a platform thread of {@link #MEASURING} while tasks queue below the cap (so that its wake-ups
     * do not wait for a carrier behind the tasks' virtual threads). Undecided, every peek period it reads the
     * running samples' CPU time and lets the policy set the limit from it; decided, every starvation period in
     * which no task finished, one more worker. Ends when the queue holds nothing that can still start.
     * It is interrupted only while it runs this loop: the pool's thread, reused for other work afterwards, never
     * sees an interrupt meant for it.
     */
    private void watch() {
        synchronized (lock) {
            watcher = Thread.currentThread();
        }
        try {
            long peekPeriod = PEEK_MIN_NANOS;
            int peeks = 0;
            while (true) {
                boolean peeking;
                synchronized (lock) {
                    peeking = policy.peeking();
                }
                try {
                    Thread.sleep(Duration.ofNanos(peeking ? peekPeriod : STARVATION_NANOS));
                    if (peeking && ++peeks >= FAST_PEEKS) {
                        peekPeriod = Math.min(2 * peekPeriod, PEEK_MAX_NANOS);
                    }
                } catch (InterruptedException e) {
                    // terminate(): the queue holds nothing that can start, as the check below finds
                }
                synchronized (lock) {
                    queue.removeIf(Promise::isDone);
                    if (queue.isEmpty() || policy.limit() >= workersCap()) {
                        return;
                    }
                    long now = clock.getAsLong();
                    if (policy.peeking()) {
                        peek(now);
                    } else if (now - lastProgress >= STARVATION_NANOS && policy.starved()) {
                        lastProgress = now;
                    }
                    drain();
                }
            }
        } finally {
            synchronized (lock) {
                watcher = null;
                watching = false;
                Thread.interrupted(); // an interrupt from terminate() that came after its last sleep
            }
            ended();
        }
    }

    /**
     * Reads each running sample's CPU time since the last reading and tells the policy, once the samples have run
     * the shortest peek period between them. As for a finished task, the time a sample's thread waited for a core
     * is left out of its wall time: over a quarter of a millisecond, a computing thread that the watcher, the JIT
     * or another process kept off a core for 60 us would otherwise look 24% waiting, and let more tasks in to
     * share the cores. Holds the lock.
     */
    private void peek(long now) {
        long wall = 0;
        for (Sample last : samples.values()) {
            wall += now - last.wall;
        }
        if (wall < PEEK_MIN_NANOS) {
            return;
        }
        long cpu = 0;
        wall = 0;
        for (var entry : samples.entrySet()) {
            long used = CPU.getThreadCpuTime(entry.getKey().threadId());
            if (used < 0) { // the thread has just ended; its task's end removes it
                continue;
            }
            Sample last = entry.getValue();
            long queued = last.runQueue >= 0 ? runQueueNanos(last.schedstat) : -1;
            long queuedSince = queued >= last.runQueue ? queued - last.runQueue : 0;
            cpu += used - last.cpu;
            wall += Math.max(used - last.cpu, now - last.wall - queuedSince);
            last.cpu = used;
            last.wall = now;
            last.runQueue = queued;
        }
        if (wall > 0) {
            policy.peeked(cpu, wall);
        }
    }

    /**
     * The {@code schedstat} of the calling thread under a name other threads can read it by
     * ({@code /proc/self/task/<tid>/schedstat}), or null where there is none.
     */
    private static Path ownSchedstat() {
        if (!SCHEDSTAT) {
            return null;
        }
        try { // /proc/thread-self links to "<pid>/task/<tid>"
            return Path.of("/proc").resolve(Files.readSymbolicLink(Path.of("/proc/thread-self")))
                    .resolve("schedstat");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * How long a thread has waited, ready to run, for a core: the second figure of Linux's {@code schedstat} (the
     * kernel's run_delay, nanoseconds); -1 where there is none. {@code schedstat} is the thread's file: the
     * caller's own is {@link #THREAD_SCHEDSTAT}.
     */
    static long runQueueNanos(Path schedstat) {
        if (!SCHEDSTAT || schedstat == null) {
            return -1;
        }
        try {
            String[] fields = Files.readString(schedstat).trim().split(" ");
            return Long.parseLong(fields[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private void ended() {
        alive.ended();
    }

    @Override
    protected void terminate() {
        synchronized (lock) {
            if (watcher != null) {
                watcher.interrupt(); // every task is done: let it see so now, not at its next wake-up
            }
        }
    }

    @Override
    protected boolean awaitResources(long deadlineNanos) throws InterruptedException {
        return alive.awaitNone(deadlineNanos);
    }

    @Override
    public String toString() {
        return "auto runner (" + decision() + ")";
    }
}
