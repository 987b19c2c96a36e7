package dev.simul.lab.workload;

import dev.simul.runner.Runner;
import java.util.List;

/**
 * Seed 004's {@code cpu_bound(x)}: count from 0 to x**x, as 4 tasks with x = 9 (387,420,489 steps each).
 *
 * <p>A plain {@code count++} loop is folded by the JIT into {@code count = n}, which would measure nothing. Here
 * every step is gated by a xorshift generator: xorshift never reaches 0 from a non-zero seed, so each step adds
 * exactly 1, but the JIT cannot prove it and must run every step, in order (each depends on the one before).
 */
public final class CpuBound extends Workload {

    /** The seed's x: each task counts to 9**9. */
    static final int X = 9;
    private static final int TASKS = 4;

    /** The number of steps each task counts at {@code scale}. */
    static long steps(double scale) {
        return Math.max(1, Math.round(Math.pow(X, X) * scale));
    }

    public CpuBound() {
        super("cpu", TASKS, CPU_BOUND,
                "seed 004 cpu_bound(9): 4 tasks, each counting to 9**9 (scaled)");
    }

    @Override
    public void run(Runner runner, double scale) throws Exception {
        long steps = steps(scale);
        List<Long> counts = runner.map(CpuBound::count, List.of(steps, steps, steps, steps));
        for (long count : counts) {
            if (count != steps) {
                throw new IllegalStateException("cpu: counted " + count + ", expected " + steps);
            }
        }
    }

    /** Counts from 0 to {@code n}, one unfoldable step at a time; returns the count, which equals {@code n}. */
    public static long count(long n) {
        long count = 0;
        long gate = 0x9E3779B97F4A7C15L;
        for (long i = 0; i < n; i++) {
            gate ^= gate << 13;
            gate ^= gate >>> 7;
            gate ^= gate << 17;
            count += gate != 0 ? 1 : 0;
        }
        return count;
    }
}
