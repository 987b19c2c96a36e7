package dev.simul.lab.workload;

import dev.simul.runner.Runner;
import dev.simul.task.Wait;
import java.time.Duration;
import java.util.Collections;
import java.util.List;

/**
 * Neither seed's kind of job but the common one: 16 tasks that each compute for about as long as they then wait
 * (a counting loop of about 100 ms on this project's reference machine, then a 100 ms sleep, both scaled), as a
 * request that parses, then calls a service. Sequentially it takes 16 x 200 ms; one thread per core keeps the cores
 * idle half the time; the best a runner can do on c cores is 16 x 100 ms / c of computing, with the waits overlapped.
 *
 * <p>The computing is a fixed number of steps ({@link CpuBound#count}), not a time, so that every mode does the same
 * work; {@link #STEPS_PER_MS} sets it to about as long as the wait on a 2025 server core (AMD EPYC, JDK 25: 0.85 s
 * for 4 x 9**9 x 0.3 steps in one thread, about 550,000 steps per millisecond).
 */
public final class Mixed extends Workload {

    static final int TASKS = 16;
    /** Computing and waiting per task at scale 1, in milliseconds. */
    static final long HALF_MILLIS = 100;
    /** Counting steps per millisecond of computing, on the reference machine (see the class comment). */
    static final long STEPS_PER_MS = 500_000;

    public Mixed() {
        super("mixed", TASKS, MIXED,
                "16 tasks, each computing about 100 ms then waiting 100 ms (scaled): half computing, half waiting");
    }

    /** The counting steps of each task at {@code scale}. */
    static long steps(double scale) {
        return Math.max(1, Math.round(HALF_MILLIS * STEPS_PER_MS * scale));
    }

    @Override
    public void run(Runner runner, double scale) throws Exception {
        long steps = steps(scale);
        Duration pause = Duration.ofNanos(Math.round(HALF_MILLIS * 1e6 * scale));
        List<Long> counted = runner.map(n -> task(n, pause), Collections.nCopies(TASKS, steps));
        for (long count : counted) {
            if (count != steps) {
                throw new IllegalStateException("mixed: counted " + count + ", expected " + steps);
            }
        }
    }

    /** Computes {@code steps} counting steps, then waits {@code pause}; returns the count, which equals steps. */
    static long task(long steps, Duration pause) throws InterruptedException {
        long count = CpuBound.count(steps);
        Wait.sleep(pause);
        return count;
    }
}
