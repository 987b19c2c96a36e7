package dev.simul.lab.capacity;

import dev.simul.lab.text.Figures;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Threads that sleep: platform threads (each a kernel thread with its own native stack, so its cost is resident
 * memory outside the heap) or virtual threads (a sleeping one is a stack chunk on the heap and a timer). Each
 * unit signals that it runs, then calls {@code Thread.sleep} for an hour; the step interrupts them all and joins
 * every one.
 */
final class ThreadModel implements Model {

    /** Units started between two looks at the memory budget (the time budget is looked at before every unit). */
    static final int CHECK_EVERY = 1_000;
    /** Longer than any step: units sleep until they are interrupted. */
    static final Duration SLEEP = Duration.ofHours(1);

    private final String name;
    private final boolean platform;
    private final ThreadLimits limits;
    private final Function<Runnable, Thread> starter;

    /**
     * @param starter starts a thread running its argument: the model's kind of thread (tests pass one that fails)
     */
    ThreadModel(String name, boolean platform, ThreadLimits limits, Function<Runnable, Thread> starter) {
        this.name = name;
        this.platform = platform;
        this.limits = limits;
        this.starter = starter;
    }

    /** Platform threads, up to {@code 10,000 x factor} and half what the kernel has left. */
    static ThreadModel platform(ThreadLimits limits) {
        Thread.Builder builder = Thread.ofPlatform().daemon(); // daemons: a unit left behind never holds up exit
        return new ThreadModel("platform threads", true, limits, builder::start);
    }

    /** Virtual threads, up to {@code 1,000,000 x factor}. */
    static ThreadModel virtual() {
        Thread.Builder builder = Thread.ofVirtual();
        return new ThreadModel("virtual threads", false, null, builder::start);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String memory() {
        return platform ? "resident" : "heap";
    }

    @Override
    public List<Integer> steps(double factor, int processors) {
        List<Integer> decades = Capacity.decades(factor);
        if (!platform) {
            return decades;
        }
        int cap = limits.platformCap(factor);
        return decades.stream().filter(n -> n <= cap).toList();
    }

    @Override
    public String capReason(int last, Held held) {
        if (!platform) {
            return null;
        }
        return ("the experiment's cap: each platform thread is a kernel thread with a stack of its own (%s reserved,"
                + " -Xss); the kernel runs %s threads at most (threads-max; %s in use now), ulimit -u allows %s"
                + " processes and threads per user, and past either, creating one fails with OutOfMemoryError"
                + " \"unable to create native thread\"; the cap keeps well clear of them, for the machine's other"
                + " users").formatted(limits.stackBytes() > 0 ? Figures.bytes(limits.stackBytes()) : "its default",
                limits.describe(limits.threadsMax()), limits.describe(limits.threadsInUse()),
                limits.describe(limits.maxUserProcesses()));
    }

    @Override
    public Held hold(int n, Meter meter) throws InterruptedException {
        Semaphore sleeping = new Semaphore(0);
        Runnable unit = () -> {
            sleeping.release();
            try {
                Thread.sleep(SLEEP);
            } catch (InterruptedException e) {
                // woken: the step is over
            }
        };
        Thread[] threads = new Thread[n];
        int started = 0;
        Stop stop = null;
        double startS = 0;
        Meter.Sample memory = null;
        double releaseS;
        long t0 = System.nanoTime();
        try {
            try {
                while (started < n) {
                    stop = started % CHECK_EVERY == 0 && started > 0 ? meter.over(0) : meter.late();
                    if (stop != null) {
                        break;
                    }
                    threads[started] = starter.apply(unit);
                    started++;
                }
            } catch (OutOfMemoryError | RuntimeException e) {
                // "unable to create native thread" (the kernel's or ulimit's thread limit, or no memory for a stack):
                // the answer this model is asked for, not a failure of the lab.
                boolean limit = e instanceof OutOfMemoryError && String.valueOf(e.getMessage()).contains("native");
                stop = new Stop(limit ? Stop.LIMIT : Stop.ERROR, "creating thread %s failed: %s".formatted(
                        Figures.count(started + 1L), e));
            }
            if (!sleeping.tryAcquire(started, meter.remainingNanos(), TimeUnit.NANOSECONDS)) {
                if (stop == null) {
                    stop = new Stop(Stop.TIME, "its time budget ran out before %s threads slept"
                            .formatted(Figures.count(started)));
                }
            } else {
                startS = (System.nanoTime() - t0) / 1e9;
                memory = started > 0 ? meter.sample(0) : null;
            }
        } finally {
            releaseS = release(threads, started);
        }
        return new Held(n, started, startS, releaseS, memory, stop);
    }

    /** Interrupts the first {@code started} threads, then joins each (none outlives its step); returns the seconds. */
    private static double release(Thread[] threads, int started) throws InterruptedException {
        long r0 = System.nanoTime();
        for (int i = 0; i < started; i++) {
            threads[i].interrupt();
        }
        for (int i = 0; i < started; i++) {
            threads[i].join();
        }
        return (System.nanoTime() - r0) / 1e9;
    }
}
