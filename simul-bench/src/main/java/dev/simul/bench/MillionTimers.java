package dev.simul.bench;

import dev.simul.loop.EventLoop;
import dev.simul.loop.VirtualClock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * A million {@code callLater} timers scheduled in random deadline order, then fired: the rate in timers per second,
 * from the first {@code callLater} to the last callback.
 *
 * <p>Each round uses a fresh {@link EventLoop}. Its thread (before the loop runs, as the owner may) schedules
 * {@code n} timers whose delays are a shuffled sequence (fixed seed), then {@code runForever} runs until the last
 * callback stops the loop. Every callback checks that it fires no earlier, in deadline order, than the one before
 * it (violations are counted and printed). Clocks:
 * <ul>
 *   <li>{@code virtual}: a {@link VirtualClock}; delays are 1..n microseconds in random order, all distinct, so
 *       the loop makes one pass per timer, moving the clock to the next deadline: the cost of a timer here
 *       includes a whole pass of the loop (a non-blocking select included). No waiting.</li>
 *   <li>{@code system}: the system clock; delays are random in [0, window) (10 ms by default). Scheduling a
 *       million timers takes longer than the window, so by the time the loop runs nearly all are due and it fires
 *       them in few passes: the cost is mostly the timer heap and the callbacks.</li>
 * </ul>
 *
 * <pre>{@code
 * java -Xmx8g -cp simul-bench/target/benchmarks.jar dev.simul.bench.MillionTimers [virtual|system] [n] [rounds]
 * }</pre>
 * Rounds: one warm-up round (printed, not counted), then {@code rounds} measured ones (5 by default); the median
 * is of the measured rounds.
 */
public final class MillionTimers {

    private MillionTimers() {
    }

    public static void main(String[] args) throws Exception {
        String clock = args.length > 0 ? args[0] : "virtual";
        int n = args.length > 1 ? Integer.parseInt(args[1].replace("_", "")) : 1_000_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        long windowNanos = Duration.ofMillis(10).toNanos();
        if (!clock.equals("virtual") && !clock.equals("system")) {
            throw new IllegalArgumentException("clock: virtual or system, got " + clock);
        }
        System.out.printf(Locale.ROOT, "clock=%s n=%d rounds=1 warm-up + %d%n", clock, n, rounds);
        double[] rates = new double[rounds];
        for (int r = -1; r < rounds; r++) {
            double rate = round(clock, n, windowNanos, new Random(42 + r), r < 0 ? "warm-up" : "round " + (r + 1));
            if (r >= 0) {
                rates[r] = rate;
            }
        }
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "median of %d rounds: %.0f timers/s%n", rounds, sorted[rounds / 2]);
    }

    private static double round(String clock, int n, long windowNanos, Random random, String label) {
        long[] delays = new long[n];
        if (clock.equals("virtual")) {
            for (int i = 0; i < n; i++) {
                delays[i] = (i + 1) * 1_000L;
            }
            for (int i = n - 1; i > 0; i--) { // Fisher-Yates
                int j = random.nextInt(i + 1);
                long t = delays[i];
                delays[i] = delays[j];
                delays[j] = t;
            }
        } else {
            for (int i = 0; i < n; i++) {
                delays[i] = random.nextLong(windowNanos);
            }
        }
        System.gc();
        int[] fired = new int[1];
        long[] lastDeadline = {Long.MIN_VALUE};
        int[] outOfOrder = new int[1];
        long[] deadlines = new long[n];
        try (EventLoop loop = clock.equals("virtual") ? new EventLoop(new VirtualClock()) : new EventLoop()) {
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                int k = i;
                deadlines[i] = loop.callLater(Duration.ofNanos(delays[i]), () -> {
                    long d = deadlines[k];
                    if (d < lastDeadline[0]) {
                        outOfOrder[0]++;
                    }
                    lastDeadline[0] = d;
                    if (++fired[0] == n) {
                        loop.stop();
                    }
                }).deadline();
            }
            long scheduled = System.nanoTime();
            loop.runForever();
            long end = System.nanoTime();
            if (fired[0] != n) {
                throw new IllegalStateException("fired " + fired[0] + " of " + n);
            }
            double rate = n / ((end - start) / 1e9);
            System.out.printf(Locale.ROOT, "%s: schedule %.3f s, fire %.3f s, total %.3f s, %.0f timers/s,"
                            + " out of order %d%n", label, (scheduled - start) / 1e9, (end - scheduled) / 1e9,
                    (end - start) / 1e9, rate, outOfOrder[0]);
            return rate;
        }
    }
}
