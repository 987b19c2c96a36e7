package dev.simul.bench;

import dev.simul.process.ProcessPool;
import dev.simul.process.WorkerCrashedException;
import dev.simul.runner.Handle;
import dev.simul.task.Fn;
import dev.simul.task.Task;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * The process pool under SIGKILL (issue 5): workers killed while a map runs, and the pool's own JVM killed.
 *
 * <ul>
 *   <li>{@code chaos}: {@code tasks} tasks of about 1 ms of computation each ({@link #spin}, calibrated in this
 *       JVM before the pool starts) through {@code submitAll} on 2 workers, while a killer thread runs
 *       {@code kill -9} on one live worker every {@code every} ms: a worker that is READY
 *       ({@code startMillis >= 0}), picked at random from {@code workerInfo()}, never the same pid twice. With
 *       {@code --any}, workers still starting (a pid, not READY yet) may be picked too. Every handle's outcome is
 *       collected (map would stop at the first failure): results (each checked), {@link WorkerCrashedException}s,
 *       anything else by class. Then the killer stops and the pool must be healthy: 2 READY workers whose pids are
 *       alive, and a fresh {@code map} of 1,000 tasks right. A run without the killer comes first, as the baseline.
 *       Under the killer each run of a task appends its input to a file (workers are other JVMs), which gives the
 *       runs per task: at most {@code retries + 1} (issue 12).</li>
 *   <li>{@code orphan}: a child JVM ({@code orphan-parent}) starts a pool of 2 and prints its workers' pids; this
 *       JVM kills that parent with {@code kill -9} and polls the workers' pids every millisecond (gone, or a zombie
 *       waiting to be reaped, counts as exited) until all have exited or 5 s have passed. States of the workers
 *       when their parent dies: {@code idle} (READY, a map done), {@code busy} (each running a task that spins for
 *       60 s), {@code loop} (each in one long int-counted loop, which C2 compiles without a safepoint poll under
 *       Serial GC: a JVM's halt waits for it to end; issue 12), {@code starting} (the pids printed right after
 *       {@code new ProcessPool}, before they are READY).</li>
 * </ul>
 *
 * <pre>{@code
 * java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -cp simul-bench/target/benchmarks.jar \
 *     dev.simul.bench.ProcessChaos chaos [retries (0)] [tasks (10000)] [every ms (100)] [--any]
 * java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -cp simul-bench/target/benchmarks.jar \
 *     dev.simul.bench.ProcessChaos orphan [rounds per state (3)]
 * }</pre>
 */
public final class ProcessChaos {

    static final int WORKERS = 2;
    /** How long the whole chaos map may take before its unfinished handles are reported as stuck. */
    static final long CHAOS_DEADLINE_NANOS = TimeUnit.MINUTES.toNanos(10);

    private ProcessChaos() {
    }

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "chaos";
        switch (what) {
            case "chaos" -> {
                List<String> rest = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
                boolean any = rest.remove("--any");
                chaos(rest.size() > 0 ? Integer.parseInt(rest.get(0)) : 0,
                        rest.size() > 1 ? Integer.parseInt(rest.get(1).replace("_", "")) : 10_000,
                        rest.size() > 2 ? Integer.parseInt(rest.get(2)) : 100, any);
            }
            case "orphan" -> orphan(args.length > 1 ? Integer.parseInt(args[1]) : 3);
            case "orphan-parent" -> orphanParent(args[1]);
            default -> throw new IllegalArgumentException("chaos, orphan or orphan-parent, got " + what);
        }
    }

    // ---- a task of about 1 ms ----

    /**
     * {@code n} dependent xorshift64 steps from {@code seed}: a chain the JIT can neither fold nor vectorize (a
     * multiply-add chain would not do: C2 unrolls it and folds the constants of consecutive steps together).
     */
    static long spin(long seed, int n) {
        long h = seed | 1;
        for (int i = 0; i < n; i++) {
            h ^= h << 13;
            h ^= h >>> 7;
            h ^= h << 17;
        }
        return h;
    }

    private static volatile int calibrationSteps = 100_000;

    /** Iterations of {@link #spin} that take about {@code millis} here, once compiled. */
    static int calibrate(double millis) {
        int n = calibrationSteps; // a field, not a constant, as in the task
        long sink = 0;
        for (int i = 0; i < 200; i++) {
            sink += spin(i, n); // warm-up: C2
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            sink += spin(i, n);
        }
        double nsPerIteration = (System.nanoTime() - t0) / (200.0 * n);
        if (sink == 42) {
            System.out.print("");
        }
        return (int) (millis * 1e6 / nsPerIteration);
    }

    // ---- chaos ----

    private record Outcome(int results, int wrong, int crashed, Map<String, Integer> crashKinds,
                           Map<String, Integer> others, int stuck, double seconds, List<String> samples) {
    }

    /** What a crash report says killed the worker: the signal, the exit code, or the pool's own reason. */
    static String kind(WorkerCrashedException e) {
        String m = e.getMessage();
        if (m.contains("was killed by the pool because ")) {
            String reason = m.substring(m.indexOf("because ") + 8);
            int cut = reason.indexOf(':');
            return "'killed by the pool because " + (cut > 0 ? reason.substring(0, cut) : reason) + "'";
        }
        if (e.signal() != null) {
            return "signal " + e.signal();
        }
        return e.exitCode() != null ? "exit code " + e.exitCode() : "no exit";
    }

    private static void chaos(int retries, int tasks, int everyMs, boolean any) throws Exception {
        int iterations = calibrate(1.0);
        Fn<Integer, Long> work = x -> spin(x, iterations);
        List<Integer> inputs = IntStream.range(0, tasks).boxed().toList();
        long[] expected = new long[tasks];
        for (int i = 0; i < tasks; i++) {
            expected[i] = spin(i, iterations);
        }
        AtomicInteger retryLines = new AtomicInteger();
        List<String> otherLines = java.util.Collections.synchronizedList(new ArrayList<>());
        ProcessPool.Options options = ProcessPool.Options.defaults().withWorkers(WORKERS).withRetries(retries)
                .withLog(line -> {
                    if (line.contains("running it again")) {
                        retryLines.incrementAndGet();
                    } else if (otherLines.size() < 20) {
                        otherLines.add(line);
                    }
                });
        System.out.printf(Locale.ROOT, "%,d tasks of spin(x, %,d) (about 1 ms each here) on %d workers, retries %d;"
                + " kill -9 of one %s worker every %d ms%n", tasks, iterations, WORKERS, retries,
                any ? "live or starting" : "READY", everyMs);
        int fdsBefore = openFiles();
        int threadsBefore = Thread.activeCount();
        try (ProcessPool pool = new ProcessPool(options)) {
            pool.submit((Task<Integer>) () -> 1).get();
            Outcome base = run(pool, work, inputs, expected);
            int fdsBase = openFiles();
            int threadsBase = Thread.activeCount();
            print("baseline, no kills", base);
            System.out.printf(Locale.ROOT, "  = %.3f ms of wall time per task per worker%n",
                    base.seconds() * 1e3 * WORKERS / tasks);

            Path runsFile = Files.createTempFile("simul-chaos-runs-", ".txt");
            String runsPath = runsFile.toString();
            Fn<Integer, Long> countedWork = x -> {
                Files.writeString(Path.of(runsPath), x + "\n", StandardOpenOption.APPEND); // one short write: atomic
                return spin(x, iterations);
            };
            Killer killer = new Killer(pool, everyMs, any);
            Thread killing = Thread.ofPlatform().name("killer").start(killer);
            Outcome chaos = run(pool, countedWork, inputs, expected);
            killer.stop = true;
            killing.join();
            print("under kill -9", chaos);
            printRuns(runsFile, tasks, retries);
            Files.deleteIfExists(runsFile);
            System.out.printf(Locale.ROOT, "  kills %d (kill -9 exit status 0), kill failures %d, ticks with no"
                            + " worker to kill %d, pool log lines 'running it again' %d%n", killer.kills.get(),
                    killer.failures.get(), killer.idle.get(), retryLines.get());
            for (String line : otherLines) {
                System.out.println("  log: " + line);
            }

            long t0 = System.nanoTime();
            List<ProcessPool.WorkerInfo> info = pool.workerInfo();
            while (!(info.size() == WORKERS && info.stream().allMatch(w -> w.startMillis() >= 0 && alive(w.pid())))
                    && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30)) {
                Thread.sleep(5);
                info = pool.workerInfo();
            }
            System.out.printf(Locale.ROOT, "after: %d READY workers with live pids after %.0f ms: %s%n",
                    info.stream().filter(w -> w.startMillis() >= 0 && alive(w.pid())).count(),
                    (System.nanoTime() - t0) / 1e6, info);
            List<Integer> small = IntStream.range(0, 1000).boxed().toList();
            long t1 = System.nanoTime();
            List<Integer> plusOne = pool.map(x -> x + 1, small);
            boolean right = plusOne.equals(small.stream().map(x -> x + 1).toList());
            System.out.printf(Locale.ROOT, "after: a fresh map of 1,000 tasks %s in %.1f ms; workerInfo %s%n",
                    right ? "right" : "WRONG", (System.nanoTime() - t1) / 1e6, pool.workerInfo());
            int highestId = pool.workerInfo().stream().mapToInt(ProcessPool.WorkerInfo::id).max().orElse(-1);
            System.out.printf(Locale.ROOT, "workers launched in all: %d%n", highestId + 1);
            System.out.printf(Locale.ROOT, "this JVM's open files / threads: before the pool %d / %d, after the"
                    + " baseline %d / %d, after the chaos %d / %d%n", fdsBefore, threadsBefore, fdsBase, threadsBase,
                    openFiles(), Thread.activeCount());
        }
        System.out.printf(Locale.ROOT, "after close: open files %d, threads %d%n", openFiles(), Thread.activeCount());
    }

    /** How many times each task ran, from the file its runs appended their inputs to. */
    private static void printRuns(Path runsFile, int tasks, int retries) throws java.io.IOException {
        int[] runs = new int[tasks];
        try (var lines = Files.lines(runsFile)) {
            lines.filter(l -> !l.isEmpty()).forEach(l -> runs[Integer.parseInt(l)]++);
        }
        int max = Arrays.stream(runs).max().orElse(0);
        Map<Integer, Integer> byRuns = new TreeMap<>();
        for (int r : runs) {
            byRuns.merge(r, 1, Integer::sum);
        }
        System.out.printf(Locale.ROOT, "  runs per task: max %d (allowed: retries + 1 = %d)%s; tasks by runs %s%n",
                max, retries + 1, max > retries + 1 ? " OVER" : "", byRuns);
    }

    /** This JVM's open file descriptors (/proc/self/fd), or -1 elsewhere. */
    static int openFiles() {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private static Outcome run(ProcessPool pool, Fn<Integer, Long> work, List<Integer> inputs, long[] expected)
            throws InterruptedException {
        long t0 = System.nanoTime();
        List<Handle<Long>> handles = pool.submitAll(work, inputs);
        int results = 0;
        int wrong = 0;
        int crashed = 0;
        int stuck = 0;
        Map<String, Integer> others = new TreeMap<>();
        Map<String, Integer> crashKinds = new TreeMap<>();
        Set<String> seenKinds = new HashSet<>();
        List<String> samples = new ArrayList<>();
        long deadline = t0 + CHAOS_DEADLINE_NANOS;
        for (int i = 0; i < handles.size(); i++) {
            try {
                long value = handles.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                results++;
                if (value != expected[i]) {
                    wrong++;
                }
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof WorkerCrashedException w) {
                    crashed++;
                    crashKinds.merge(kind(w), 1, Integer::sum);
                    if (samples.size() < 2 || !seenKinds.contains(kind(w))) {
                        samples.add("task " + i + ": " + cause.getMessage());
                    }
                    seenKinds.add(kind(w));
                } else {
                    others.merge(cause.getClass().getName(), 1, Integer::sum);
                    if (samples.size() < 4) {
                        samples.add(cause.toString());
                    }
                }
            } catch (TimeoutException e) {
                stuck++;
            } catch (java.util.concurrent.CancellationException e) {
                others.merge("cancelled", 1, Integer::sum);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (Handle<Long> h : handles) {
            h.cancel(true);
        }
        return new Outcome(results, wrong, crashed, crashKinds, others, stuck, seconds, samples);
    }

    private static void print(String label, Outcome o) {
        System.out.printf(Locale.ROOT, "%s: %.2f s; results %,d (wrong %d), WorkerCrashedException %,d %s, other"
                        + " failures %s, stuck %d%n", label, o.seconds(), o.results(), o.wrong(), o.crashed(),
                o.crashKinds(), o.others(), o.stuck());
        for (String s : o.samples()) {
            System.out.println("  e.g. " + s.replace("\n", "\n       "));
        }
    }

    /** Every {@code everyMs}, SIGKILLs one worker picked at random among those eligible, each pid once. */
    private static final class Killer implements Runnable {
        final ProcessPool pool;
        final int everyMs;
        final boolean any;
        final AtomicInteger kills = new AtomicInteger();
        final AtomicInteger failures = new AtomicInteger();
        final AtomicInteger idle = new AtomicInteger();
        final Set<Long> killed = ConcurrentHashMap.newKeySet();
        volatile boolean stop;

        Killer(ProcessPool pool, int everyMs, boolean any) {
            this.pool = pool;
            this.everyMs = everyMs;
            this.any = any;
        }

        @Override
        public void run() {
            long next = System.nanoTime();
            while (!stop) {
                next += TimeUnit.MILLISECONDS.toNanos(everyMs);
                List<Long> eligible = pool.workerInfo().stream()
                        .filter(w -> w.pid() > 0 && (any || w.startMillis() >= 0) && !killed.contains(w.pid()))
                        .map(ProcessPool.WorkerInfo::pid).toList();
                if (eligible.isEmpty()) {
                    idle.incrementAndGet();
                } else {
                    long pid = eligible.get(ThreadLocalRandom.current().nextInt(eligible.size()));
                    killed.add(pid);
                    try {
                        int status = new ProcessBuilder("kill", "-9", Long.toString(pid))
                                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                                .start().waitFor();
                        (status == 0 ? kills : failures).incrementAndGet();
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                }
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(sleep);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    // ---- orphans ----

    /** Alive and not a zombie (an exited process its new parent has not reaped yet). */
    static boolean alive(long pid) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static void orphan(int rounds) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        for (String state : List.of("idle", "busy", "loop", "starting")) {
            double[] lastGone = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                Process parent = new ProcessBuilder(java, "--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED",
                        "-cp", cp, ProcessChaos.class.getName(), "orphan-parent", state)
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                List<Long> pids = new ArrayList<>();
                BufferedReader lines = new BufferedReader(
                        new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("pids ")) {
                        for (String p : line.substring(5).trim().split(" ")) {
                            pids.add(Long.parseLong(p));
                        }
                        break;
                    }
                }
                if (pids.isEmpty()) {
                    throw new IllegalStateException("the parent printed no pids");
                }
                List<Long> aliveBefore = pids.stream().filter(ProcessChaos::alive).toList();
                int status = new ProcessBuilder("kill", "-9", Long.toString(parent.pid())).start().waitFor();
                long t0 = System.nanoTime();
                parent.waitFor();
                double[] goneMs = new double[pids.size()];
                Arrays.fill(goneMs, -1);
                Set<Integer> left = new HashSet<>(IntStream.range(0, pids.size()).boxed().toList());
                while (!left.isEmpty() && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5)) {
                    for (var it = left.iterator(); it.hasNext(); ) {
                        int i = it.next();
                        if (!alive(pids.get(i))) {
                            goneMs[i] = (System.nanoTime() - t0) / 1e6;
                            it.remove();
                        }
                    }
                    Thread.sleep(1);
                }
                double last = left.isEmpty() ? Arrays.stream(goneMs).max().orElse(0) : Double.POSITIVE_INFINITY;
                lastGone[r] = last;
                System.out.printf(Locale.ROOT, "%-8s round %d: parent %d killed (kill status %d, exit %d); workers %s"
                                + " (alive before: %d); each gone after %s ms; last %s%n", state, r + 1, parent.pid(),
                        status, parent.exitValue(), pids, aliveBefore.size(), Arrays.toString(goneMs),
                        left.isEmpty() ? String.format(Locale.ROOT, "%.1f ms", last)
                                : "STILL ALIVE after 5 s: " + left.stream().map(pids::get).toList());
                for (int i : left) {
                    ProcessHandle.of(pids.get(i)).ifPresent(ProcessHandle::destroyForcibly); // leave nothing behind
                }
            }
            System.out.printf(Locale.ROOT, "%-8s median time to the last worker gone: %.1f ms (max %.1f)%n", state,
                    ProcessOverhead.median(lastGone), ProcessOverhead.max(lastGone));
        }
    }

    /** The parent JVM that {@code orphan} kills: a pool of 2 in the given state, its pids on stdout, then waits. */
    private static void orphanParent(String state) throws Exception {
        ProcessPool pool = new ProcessPool(ProcessPool.Options.defaults().withWorkers(WORKERS));
        switch (state) {
            case "idle" -> pool.map(x -> x + 1, List.of(1, 2, 3, 4));
            case "busy" -> {
                pool.map(x -> x + 1, List.of(1, 2, 3, 4));
                for (int i = 0; i < WORKERS; i++) {
                    pool.submit((Task<Long>) () -> {
                        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                        long h = 0;
                        while (System.nanoTime() < end) {
                            h = spin(h, 1000);
                        }
                        return h;
                    });
                }
                Thread.sleep(300); // both are running theirs by now
            }
            case "loop" -> {
                pool.map(x -> x + 1, List.of(1, 2, 3, 4));
                for (int i = 0; i < WORKERS; i++) {
                    int seed = i;
                    pool.submit((Task<Long>) () -> {
                        long h = spin(seed, 20_000_000); // compiled (OSR) by the end of this one
                        return h + spin(h, Integer.MAX_VALUE); // seconds in one counted loop
                    });
                }
                Thread.sleep(300); // both are in their long loop by now
            }
            case "starting" -> {
                // the pids exist as soon as the constructor returns
            }
            default -> throw new IllegalArgumentException(state);
        }
        StringBuilder s = new StringBuilder("pids");
        for (ProcessPool.WorkerInfo w : pool.workerInfo()) {
            s.append(' ').append(w.pid());
        }
        System.out.println(s);
        System.out.flush();
        Thread.sleep(TimeUnit.MINUTES.toMillis(10));
    }
}
