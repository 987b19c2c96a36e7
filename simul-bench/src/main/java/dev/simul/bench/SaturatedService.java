package dev.simul.bench;

import dev.simul.runner.Explaining;
import dev.simul.runner.Handle;
import dev.simul.runner.Runner;
import dev.simul.runner.Runners;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Calls to a service that serves a few at once, submitted faster than it serves them: what {@code auto}'s limit on
 * waiting tasks (Netflix's concurrency-limits' idea) changes against {@code virtual}, which starts every call at once.
 *
 * <p>The service serves {@code permits} calls at once, each for {@code serviceMs}; the others queue in it (a
 * semaphore, as a connection pool or a server's worker pool queues). {@code calls} calls arrive in waves of
 * {@code wave} every {@code everyMs}, faster than it serves them, so a queue must form somewhere: in the service
 * (every call started, waiting there) or in the runner (calls not started yet). Per mode, in turns over
 * {@code rounds} rounds: the total time, each call's latency inside the service (from its arrival at the service
 * to its answer: what a timeout counts), and the most calls inside the service at once. Medians over the rounds.
 *
 * <pre>{@code
 * . scripts/jdk25.sh; "$JAVA_HOME/bin/java" -cp simul-bench/target/benchmarks.jar dev.simul.bench.SaturatedService \
 *     [calls (2000)] [permits (8)] [serviceMs (10)] [wave (100)] [everyMs (50)] [rounds (5)]
 * }</pre>
 */
public final class SaturatedService {

    private SaturatedService() {
    }

    /** One round's figures for one mode. */
    private record Round(double totalS, double medianMs, double p99Ms, int peakInside, String decision) {
    }

    public static void main(String[] args) throws Exception {
        int calls = arg(args, 0, 2000);
        int permits = arg(args, 1, 8);
        int serviceMs = arg(args, 2, 10);
        int wave = arg(args, 3, 100);
        int everyMs = arg(args, 4, 50);
        int rounds = arg(args, 5, 5);
        System.out.printf(Locale.ROOT, "%d calls in waves of %d every %d ms (%.0f/s) to a service of %d x %d ms"
                        + " (%.0f/s); median of %d rounds, modes in turns%n", calls, wave, everyMs,
                wave * 1000.0 / everyMs, permits, serviceMs, permits * 1000.0 / serviceMs, rounds);
        List<String> modes = List.of("virtual", "auto");
        List<List<Round>> results = new ArrayList<>();
        modes.forEach(m -> results.add(new ArrayList<>()));
        round(modes.getFirst(), calls, permits, serviceMs, wave, everyMs); // warm-up
        round(modes.getLast(), calls, permits, serviceMs, wave, everyMs);
        for (int r = 0; r < rounds; r++) {
            for (int m = 0; m < modes.size(); m++) {
                results.get(m).add(round(modes.get(m), calls, permits, serviceMs, wave, everyMs));
            }
        }
        System.out.printf("%-8s %8s %12s %12s %14s%n", "mode", "total", "median call", "p99 call", "peak inside");
        for (int m = 0; m < modes.size(); m++) {
            List<Round> rs = results.get(m);
            System.out.printf(Locale.ROOT, "%-8s %7.2fs %10.1fms %10.1fms %14.0f%n", modes.get(m),
                    median(rs.stream().mapToDouble(Round::totalS).toArray()),
                    median(rs.stream().mapToDouble(Round::medianMs).toArray()),
                    median(rs.stream().mapToDouble(Round::p99Ms).toArray()),
                    median(rs.stream().mapToDouble(Round::peakInside).toArray()));
            if (rs.getLast().decision() != null) {
                System.out.println("  " + modes.get(m) + " decided: " + rs.getLast().decision());
            }
        }
    }

    private static Round round(String mode, int calls, int permits, int serviceMs, int wave, int everyMs)
            throws Exception {
        Semaphore service = new Semaphore(permits, true);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        long[] latencies = new long[calls];
        Duration serve = Duration.ofMillis(serviceMs);
        List<Handle<Integer>> handles = new ArrayList<>(calls);
        long t0 = System.nanoTime();
        String decision;
        try (Runner runner = Runners.of(mode)) {
            for (int i = 0; i < calls; i++) {
                if (i > 0 && i % wave == 0) {
                    Thread.sleep(Math.max(0, t0 / 1_000_000 + (long) (i / wave) * everyMs
                            - System.nanoTime() / 1_000_000));
                }
                int call = i;
                handles.add(runner.submit(() -> {
                    long arrived = System.nanoTime();
                    peak.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    service.acquire();
                    try {
                        Thread.sleep(serve);
                    } finally {
                        service.release();
                        inside.decrementAndGet();
                    }
                    latencies[call] = System.nanoTime() - arrived;
                    return call;
                }));
            }
            for (Handle<Integer> h : handles) {
                h.get();
            }
            decision = runner instanceof Explaining e ? e.explanation() : null;
        }
        double total = (System.nanoTime() - t0) / 1e9;
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        return new Round(total, sorted[calls / 2] / 1e6, sorted[(int) (calls * 0.99)] / 1e6, peak.get(), decision);
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static int arg(String[] args, int i, int otherwise) {
        return args.length > i ? Integer.parseInt(args[i]) : otherwise;
    }
}
