package dev.simul.bench;

import dev.simul.loop.Async;
import dev.simul.loop.EventLoop;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;
import javax.management.ObjectName;

/**
 * A million concurrent sleeping coroutines on one {@link EventLoop} (on the system clock): the time to start them
 * and the heap each one holds while it sleeps.
 *
 * <p>In one JVM, cold by default (no warm-up: the first and only round, JIT compilation included), the main
 * coroutine of {@code loop.run}:
 * <ol>
 *   <li>measures the used heap after {@code System.gc()} (before);</li>
 *   <li>spawns {@code n} coroutines whose body counts itself and then sleeps one hour
 *       ({@code Async.sleep(Duration.ofHours(1))}), then calls {@code Async.sleep(Duration.ZERO)} once: its wake-up
 *       queues behind the n first steps, so when it resumes every coroutine has taken its first step and is
 *       suspended in its sleep (checked with the count). The start time is from the first spawn to that point;</li>
 *   <li>measures the used heap after {@code System.gc()} again (alive); bytes per coroutine are
 *       (alive - before) / n: the coroutine, its name, its strand (continuation and stack, or virtual thread),
 *       its wake-up and timer, and its share of the loop's timer heap and ready queue arrays;</li>
 *   <li>returns: {@code run} then cancels the n sleepers and runs the loop until they have all ended (timed as
 *       "finish").</li>
 * </ol>
 *
 * <p>Run with a fixed heap, for instance:
 * <pre>{@code
 * java -Xmx8g --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -cp simul-bench/target/benchmarks.jar \
 *     dev.simul.bench.MillionCoroutines [n] [--histo] [--warmup=N]
 * }</pre>
 * Add {@code -Dsimul.strands=thread} for the virtual-thread fallback. {@code --histo} prints the top of the class
 * histogram of live objects while the coroutines sleep (not timed). {@code --warmup=N} first runs a whole round
 * with N coroutines on another loop (printed as the warm-up round), so that the measured round runs compiled code.
 */
public final class MillionCoroutines {

    private static int started;

    private MillionCoroutines() {
    }

    public static void main(String[] args) throws Exception {
        int n = 1_000_000;
        int warmup = 0;
        boolean histo = false;
        for (String a : args) {
            if (a.equals("--histo")) {
                histo = true;
            } else if (a.startsWith("--warmup=")) {
                warmup = Integer.parseInt(a.substring("--warmup=".length()).replace("_", ""));
            } else {
                n = Integer.parseInt(a.replace("_", ""));
            }
        }
        if (warmup > 0) {
            round("warm-up", warmup, false);
        }
        round(warmup > 0 ? "measured" : "cold", n, histo);
    }

    private static void round(String label, int count, boolean printHisto) throws Exception {
        started = 0;
        long[] finishStart = new long[1];
        try (EventLoop loop = new EventLoop()) {
            long t0 = System.nanoTime();
            loop.run(() -> {
                String kind = Thread.currentThread().isVirtual() ? "virtual-thread" : "continuation";
                long before = usedAfterGc();
                long start = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    Async.spawn(MillionCoroutines::sleeper);
                }
                long spawned = System.nanoTime();
                Async.sleep(Duration.ZERO); // resumes after the first step of every sleeper
                long allSleeping = System.nanoTime();
                if (started != count || loop.pendingCoroutines() != count + 1) {
                    throw new IllegalStateException("started " + started + ", pending " + loop.pendingCoroutines()
                            + ", expected " + count);
                }
                long alive = usedAfterGc();
                Runtime rt = Runtime.getRuntime();
                System.out.printf(Locale.ROOT, "%s round: strands=%s n=%d maxHeap=%d MiB%n", label, kind, count,
                        rt.maxMemory() >> 20);
                System.out.printf(Locale.ROOT, "start: %.3f s (spawn %.3f s + first steps %.3f s), %.0f ns per"
                                + " coroutine%n", (allSleeping - start) / 1e9, (spawned - start) / 1e9,
                        (allSleeping - spawned) / 1e9, (allSleeping - start) / (double) count);
                System.out.printf(Locale.ROOT, "heap: before %d B, alive %d B, %.1f bytes per coroutine%n", before,
                        alive, (alive - before) / (double) count);
                if (printHisto) {
                    System.out.println(histogram(25));
                }
                finishStart[0] = System.nanoTime();
                return null;
            });
            long end = System.nanoTime();
            System.out.printf(Locale.ROOT, "finish (cancel %d sleepers, run until they end): %.3f s; pending %d;"
                    + " whole run %.3f s%n", count, (end - finishStart[0]) / 1e9, loop.pendingCoroutines(),
                    (end - t0) / 1e9);
        }
    }

    private static Object sleeper() {
        started++;
        Async.sleep(Duration.ofHours(1));
        return null;
    }

    private static long usedAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }

    /** The first {@code rows} classes of {@code GC.class_histogram} (live objects; forces a full GC). */
    private static String histogram(int rows) throws Exception {
        String out = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        String[] lines = out.split("\n");
        StringBuilder top = new StringBuilder();
        for (int i = 0; i < Math.min(lines.length, rows + 2); i++) {
            top.append(lines[i]).append('\n');
        }
        return top.append(lines[lines.length - 1]).toString();
    }
}
