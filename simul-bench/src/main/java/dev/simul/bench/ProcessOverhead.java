package dev.simul.bench;

import dev.simul.process.ProcessPool;
import dev.simul.task.Fn;
import dev.simul.task.Task;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * The process pool's fixed costs (issue 5): what a tiny task costs on top of its work, and how long a fresh pool
 * takes to give its first result. The CPython peer is {@code simul-bench/scripts/python-pool.py}.
 *
 * <ul>
 *   <li>{@code overhead}: one pool of 2 workers; each round is {@code pool.map(x -> x + 1, 0..9,999, chunksize)}
 *       with every task sent before the first answer is awaited (map pipelines). Warm-up rounds come first, not
 *       counted (the workers' and the parent's JIT): at least {@code warm-up} of them and at least 5 s of them,
 *       then {@code rounds} measured ones; the figure
 *       is wall time of the round divided by the 10,000 inputs, in microseconds, for chunksize 1 and then 100.
 *       Every result is checked.</li>
 *   <li>{@code startup}: {@code pools} fresh pools one after the other, in this JVM: each from
 *       {@code new ProcessPool(2)} to the result of one trivial task ({@code submit(() -> 1).get()}). Then it
 *       waits for the second worker to be ready too and prints both workers' {@link ProcessPool.WorkerInfo#startMillis}
 *       (launch to READY); closing the pool is timed apart (the trainer, if any, writes the AOT cache as it
 *       exits). The first pool of the JVM pays the parent's own class loading too, so it is printed
 *       apart from the median of the others.</li>
 * </ul>
 *
 * <p>The workers load their classes from this JVM's class path. Run from the shaded jar, the class path is one
 * jar, so the pool gives its workers JDK 25's AOT cache ({@code -XX:AOTCache}) from this user's cache folder; when
 * there is none yet, one worker of the first pool (the trainer) writes it as it exits
 * ({@code -XX:AOTCacheOutput}). {@code startup} lists the caches in that folder before and after, so a run that
 * trained one says so. To measure the run that creates it, remove the cache first (the one that appeared when this
 * jar was first run); any other run of a pool from the same jar (even {@code overhead}) trains it too.
 *
 * <pre>{@code
 * java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -cp simul-bench/target/benchmarks.jar \
 *     dev.simul.bench.ProcessOverhead overhead [warm-up rounds (5)] [rounds (10)]
 * java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -cp simul-bench/target/benchmarks.jar \
 *     dev.simul.bench.ProcessOverhead startup [pools (10)]
 * }</pre>
 */
public final class ProcessOverhead {

    static final int TASKS = 10_000;
    static final int WORKERS = 2;
    /**
     * Warm-up lasts at least this long as well as the rounds asked for: at chunksize 100 a round is only 100
     * tasks, and the workers' serialization paths take thousands of them to be compiled.
     */
    static final long WARMUP_NANOS = 5_000_000_000L;

    private ProcessOverhead() {
    }

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "overhead";
        switch (what) {
            case "overhead" -> overhead(args.length > 1 ? Integer.parseInt(args[1]) : 5,
                    args.length > 2 ? Integer.parseInt(args[2]) : 10);
            case "startup" -> startup(args.length > 1 ? Integer.parseInt(args[1]) : 10);
            default -> throw new IllegalArgumentException("overhead or startup, got " + what);
        }
    }

    // ---- per-task overhead ----

    private static void overhead(int warmups, int rounds) throws Exception {
        List<Integer> inputs = IntStream.range(0, TASKS).boxed().toList();
        List<Integer> expected = inputs.stream().map(x -> x + 1).toList();
        Fn<Integer, Integer> inc = x -> x + 1;
        System.out.printf(Locale.ROOT, "pool.map(x -> x + 1, %,d Integers) on %d workers; warm-up (at least %d rounds and 5 s), then %d rounds"
                + " per chunksize%n", TASKS, WORKERS, warmups, rounds);
        try (ProcessPool pool = new ProcessPool(WORKERS)) {
            pool.submit((Task<Integer>) () -> 1).get(); // a worker is up before the clock starts
            for (int chunksize : new int[] {1, 100}) {
                long warmupStart = System.nanoTime();
                int warmed = 0;
                double last = 0;
                while (warmed < warmups || System.nanoTime() - warmupStart < WARMUP_NANOS) {
                    last = round(pool, inc, inputs, expected, chunksize);
                    warmed++;
                }
                System.out.printf(Locale.ROOT, "chunksize %3d warm-up: %d rounds in %.1f s, the last %.2f us/task%n",
                        chunksize, warmed, (System.nanoTime() - warmupStart) / 1e9, last);
                double[] us = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    us[r] = round(pool, inc, inputs, expected, chunksize);
                    System.out.printf(Locale.ROOT, "chunksize %3d round %2d %8.1f ms  %6.2f us/task%n", chunksize,
                            r + 1, us[r] * TASKS / 1e3, us[r]);
                }
                System.out.printf(Locale.ROOT, "chunksize %3d median of %d rounds: %.2f us/task (min %.2f, max %.2f)"
                        + "%n", chunksize, rounds, median(us), min(us), max(us));
            }
            for (ProcessPool.WorkerInfo w : pool.workerInfo()) {
                System.out.printf(Locale.ROOT, "worker %d pid %d tasks done %,d%n", w.id(), w.pid(), w.tasksDone());
            }
        }
    }

    /** One map of every input; microseconds per input. */
    private static double round(ProcessPool pool, Fn<Integer, Integer> inc, List<Integer> inputs,
                                List<Integer> expected, int chunksize) throws Exception {
        long t0 = System.nanoTime();
        List<Integer> out = pool.map(inc, inputs, chunksize);
        long t1 = System.nanoTime();
        if (!out.equals(expected)) {
            throw new IllegalStateException("wrong results at chunksize " + chunksize);
        }
        return (t1 - t0) / 1e3 / TASKS;
    }

    // ---- pool start to first result ----

    private static void startup(int pools) throws Exception {
        Path folder = cacheFolder();
        Map<String, Long> before = caches(folder);
        String classPath = System.getProperty("java.class.path");
        System.out.printf(Locale.ROOT, "class path %s (%s); %d worker AOT caches in %s before the first pool%n",
                classPath, classPath.contains(File.pathSeparator) || !classPath.endsWith(".jar")
                        ? "not a single jar: the pool may give its workers no cache" : "a single jar", before.size(),
                folder);
        double[] firstResult = new double[pools];
        List<String> rows = new ArrayList<>();
        for (int p = 0; p < pools; p++) {
            long t0 = System.nanoTime();
            ProcessPool pool = new ProcessPool(WORKERS);
            int one = pool.submit((Task<Integer>) () -> 1).get();
            long t1 = System.nanoTime();
            if (one != 1) {
                throw new IllegalStateException("got " + one);
            }
            List<ProcessPool.WorkerInfo> info = pool.workerInfo();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (info.stream().anyMatch(w -> w.startMillis() < 0) && System.nanoTime() < deadline) {
                Thread.sleep(1);
                info = pool.workerInfo();
            }
            long t2 = System.nanoTime();
            pool.close();
            long t3 = System.nanoTime();
            firstResult[p] = (t1 - t0) / 1e6;
            String row = String.format(Locale.ROOT, "pool %2d: first result %6.1f ms; workers' startMillis %s;"
                    + " close %6.1f ms; open files after %d", p + 1, firstResult[p],
                    info.stream().map(w -> w.startMillis() + " (pid " + w.pid() + ")").toList(), (t3 - t2) / 1e6,
                    ProcessChaos.openFiles());
            System.out.println(row);
            rows.add(row);
        }
        System.out.printf(Locale.ROOT, "first pool of this JVM: %.1f ms%n", firstResult[0]);
        if (pools > 1) {
            double[] rest = Arrays.copyOfRange(firstResult, 1, pools);
            System.out.printf(Locale.ROOT, "pools 2..%d: median %.1f ms (min %.1f, max %.1f)%n", pools, median(rest),
                    min(rest), max(rest));
        }
        System.out.printf(Locale.ROOT, "all %d pools: median %.1f ms%n", pools, median(firstResult));
        Map<String, Long> written = new TreeMap<>(caches(folder));
        written.keySet().removeAll(before.keySet());
        System.out.printf(Locale.ROOT, "worker AOT caches written during this run: %s%s%n", written.isEmpty()
                ? "none" : written, written.isEmpty() ? "" : " (this run trained the cache: its first pool's close"
                + " includes writing it)");
    }

    /** The pool's cache folder for AOT caches: {@code $XDG_CACHE_HOME/simul/aot}, else {@code ~/.cache/simul/aot}. */
    private static Path cacheFolder() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return cache.resolve("simul").resolve("aot");
    }

    /**
     * The finished caches in {@code folder} ({@code worker-*.aot}, not a trainer's temporary file) and their sizes.
     * Listed rather than computed: how the pool names a cache is its own business (a hash of the JDK, class path
     * and options, and may change), so a cache that appears during a run is the one that run trained.
     */
    private static Map<String, Long> caches(Path folder) {
        Map<String, Long> out = new TreeMap<>();
        try (var files = Files.list(folder)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith("worker-") && name.endsWith(".aot") && !name.contains(".tmp")) {
                    out.put(name, Files.size(f));
                }
            }
        } catch (IOException e) {
            // no folder yet: no caches
        }
        return out;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }
}
