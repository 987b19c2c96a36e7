package dev.simul.bench;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import dev.simul.cluster.BenchMembers;
import dev.simul.cluster.ClusterRunner;
import dev.simul.cluster.LocalCluster;
import dev.simul.runner.Handle;
import dev.simul.task.Fn;
import dev.simul.task.Task;
import dev.simul.task.Wait;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * The cluster mode's costs (issue 13), against raw Hazelcast on the same members.
 *
 * <ul>
 *   <li>{@code overhead}: what a trivial task costs, submit to result. Each round is
 *       {@code runner.map(x -> x + 1, 0..9,999, chunksize)} for chunksize 1 and 100, on (a) an embedded member
 *       ({@code new ClusterRunner(Options.defaults().withWorkers(2))}) and (b) 2 local member JVMs of 1 worker
 *       each ({@link LocalCluster#start LocalCluster.start(2, 1)}, the runner joining with
 *       {@code cluster.runnerOptions()}). Side by side, raw Hazelcast: {@link Inc} (one per input) or
 *       {@link IncChunk} (one per 100 inputs, returning 100 results), Serializable {@link Callable}s sent with
 *       {@code IExecutorService.submitToMember} to the executor simul's tasks run on ({@code simul-tasks}), round
 *       robin over the members that run tasks, every future collected before the first is awaited. For (a) the
 *       raw side is a second embedded member in this JVM with simul's own configuration ({@link BenchMembers});
 *       for (b) a lite member of this JVM that joins the same local cluster. Raw Hazelcast runs twice: with at
 *       most {@code 2 x workers} in flight, the window simul's runner keeps (two per worker thread), and with no
 *       window (all 10,000 sent at once). Warm-up: rounds of the three in turn until each has run at least
 *       {@code warm-up s} and 5 rounds; then {@code rounds} measured rounds, each running the three in a rotated
 *       order. Figures: wall time of a round divided by the 10,000 inputs, in microseconds; CPU time of this JVM
 *       and of the members (b) over the measured rounds, per input. Every result is checked.</li>
 *   <li>{@code chaos}: {@code runs} runs with a kill and as many without, in turn, each on a fresh
 *       {@code LocalCluster.start(3, 2)} and a runner with {@code withRetries(2)}: {@code submitAll} of 2,000 tasks
 *       ({@link Mark#square}: a file per run of a task, 2 ms of {@code Wait.sleep}, returns i * i); after a quarter
 *       of the results are in, SIGKILL of the second member ({@link LocalCluster#kill}). Counted: results right,
 *       wrong, failed (by exception), inputs that ran more than once, time from the first submit to the last
 *       result, and from the kill to the runner seeing the member gone.</li>
 *   <li>{@code join}: the fixed cost of a run of the lab's {@code cluster} cell: on a {@code LocalCluster.start(2,
 *       1)}, {@code rounds} runners one after the other, each timed from {@code new ClusterRunner(cluster
 *       .runnerOptions())} to constructed (joined), to the result of one trivial task, and through
 *       {@code close()}.</li>
 * </ul>
 *
 * <pre>{@code
 * H="--add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED
 *    --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED
 *    --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
 * java $H -cp simul-bench/target/benchmarks.jar dev.simul.bench.ClusterBench overhead [warm-up s (5)] [rounds (10)] \
 *     [embedded|local|both (both)] [simul: only simul's side, for a profiler]
 * java $H -cp simul-bench/target/benchmarks.jar dev.simul.bench.ClusterBench chaos [runs (5)]
 * java $H -cp simul-bench/target/benchmarks.jar dev.simul.bench.ClusterBench join [rounds (10)]
 * }</pre>
 */
public final class ClusterBench {

    static final int TASKS = 10_000;
    static final int WORKERS = 2;
    /** Tasks in flight per worker thread in simul's runner ({@code ClusterRunner.AHEAD}); the raw window. */
    static final int AHEAD = 2;
    static final int UNBOUNDED = Integer.MAX_VALUE;

    private ClusterBench() {
    }

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "overhead";
        switch (what) {
            case "overhead" -> overhead(args.length > 1 ? Double.parseDouble(args[1]) : 5,
                    args.length > 2 ? Integer.parseInt(args[2]) : 10, args.length > 3 ? args[3] : "both",
                    args.length > 4 && args[4].equals("simul"));
            case "chaos" -> chaos(args.length > 1 ? Integer.parseInt(args[1]) : 5);
            case "join" -> join(args.length > 1 ? Integer.parseInt(args[1]) : 10);
            default -> throw new IllegalArgumentException("overhead, chaos or join, got " + what);
        }
        System.exit(0); // Hazelcast's threads of a member that failed to stop must not keep the JVM up
    }

    // ---- raw Hazelcast's tasks ----

    /** {@code x + 1}, as one raw Hazelcast task. */
    record Inc(int x) implements Callable<Integer>, Serializable {
        @Override
        public Integer call() {
            return x + 1;
        }
    }

    /** {@code x + 1} for each of up to 100 inputs, as one raw Hazelcast task that returns them all. */
    record IncChunk(ArrayList<Integer> xs) implements Callable<ArrayList<Integer>>, Serializable {
        @Override
        public ArrayList<Integer> call() {
            ArrayList<Integer> out = new ArrayList<>(xs.size());
            for (Integer x : xs) {
                out.add(x + 1);
            }
            return out;
        }
    }

    // ---- per-task overhead ----

    /** One side of the comparison: a round of every input, returning microseconds per input. */
    private interface Side {
        double round(int chunksize) throws Exception;
    }

    private static void overhead(double warmupSeconds, int rounds, String which, boolean simulOnly)
            throws Exception {
        System.out.printf(Locale.ROOT, "map(x -> x + 1, %,d Integers), simul vs raw Hazelcast submitToMember"
                + " (window %d per worker, and none); warm-up at least %.0f s and 5 rounds each, then %d rounds%n",
                TASKS, AHEAD, warmupSeconds, rounds);
        List<Integer> inputs = IntStream.range(0, TASKS).boxed().toList();
        List<Integer> expected = inputs.stream().map(x -> x + 1).toList();
        Fn<Integer, Integer> inc = x -> x + 1;
        if (!which.equals("local")) {
            try (ClusterRunner runner = new ClusterRunner(ClusterRunner.Options.defaults().withWorkers(WORKERS))) {
                HazelcastInstance raw = BenchMembers.embedded(WORKERS);
                try {
                    compare("embedded member, 2 workers", runner, inc, inputs, expected, raw, null, warmupSeconds,
                            rounds, simulOnly);
                } finally {
                    raw.shutdown();
                }
            }
        }
        if (!which.equals("embedded")) {
            try (LocalCluster cluster = LocalCluster.start(2, 1);
                 ClusterRunner runner = new ClusterRunner(cluster.runnerOptions())) {
                HazelcastInstance raw = BenchMembers.lite(cluster);
                try {
                    compare("2 local member JVMs x 1 worker", runner, inc, inputs, expected, raw, cluster,
                            warmupSeconds, rounds, simulOnly);
                } finally {
                    raw.shutdown();
                }
            }
        }
    }

    private static void compare(String where, ClusterRunner runner, Fn<Integer, Integer> inc, List<Integer> inputs,
                                List<Integer> expected, HazelcastInstance raw, LocalCluster cluster,
                                double warmupSeconds, int rounds, boolean simulOnly) throws Exception {
        IExecutorService exec = BenchMembers.tasks(raw);
        List<Member> targets = BenchMembers.workers(raw);
        int window = AHEAD * WORKERS;
        String[] names = {"simul", "raw window " + window, "raw unbounded"};
        Side[] sides = {
            c -> simulRound(runner, inc, inputs, expected, c),
            c -> rawRound(exec, targets, inputs, expected, c, window),
            c -> rawRound(exec, targets, inputs, expected, c, UNBOUNDED),
        };
        if (simulOnly) { // for a profiler: the raw sides do not run (their figures read 0)
            sides[1] = c -> 0;
            sides[2] = c -> 0;
        }
        System.out.printf(Locale.ROOT, "== %s: simul runner's members %s; raw targets %s%n", where, runner.members(),
                targets.stream().map(m -> m.getAddress().toString()).toList());
        for (int chunksize : new int[] {1, 100}) {
            double[] warmed = new double[sides.length];
            int[] warmRounds = new int[sides.length];
            double[] last = new double[sides.length];
            int active = simulOnly ? 1 : sides.length;
            while (Arrays.stream(warmed, 0, active).min().orElse(0) < warmupSeconds
                    || Arrays.stream(warmRounds, 0, active).min().orElse(0) < 5) {
                for (int s = 0; s < sides.length; s++) {
                    long t0 = System.nanoTime();
                    last[s] = sides[s].round(chunksize);
                    warmed[s] += (System.nanoTime() - t0) / 1e9;
                    warmRounds[s]++;
                }
            }
            for (int s = 0; s < sides.length; s++) {
                System.out.printf(Locale.ROOT, "chunksize %3d warm-up %-16s %4d rounds in %5.1f s, the last %.2f"
                        + " us/task%n", chunksize, names[s], warmRounds[s], warmed[s], last[s]);
            }
            double[][] us = new double[sides.length][rounds];
            long[] cpuHere = new long[sides.length];
            long[] cpuMembers = new long[sides.length];
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < sides.length; k++) {
                    int s = (r + k) % sides.length; // rotated: none always runs first or after the same one
                    long c0 = processCpuNanos();
                    long m0 = cluster == null ? 0 : cluster.cpuTime().toNanos();
                    us[s][r] = sides[s].round(chunksize);
                    cpuHere[s] += processCpuNanos() - c0;
                    cpuMembers[s] += cluster == null ? 0 : cluster.cpuTime().toNanos() - m0;
                }
                System.out.printf(Locale.ROOT, "chunksize %3d round %2d  simul %7.2f  raw window %7.2f  raw"
                        + " unbounded %7.2f us/task%n", chunksize, r + 1, us[0][r], us[1][r], us[2][r]);
            }
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratio[r] = us[0][r] / us[1][r];
            }
            for (int s = 0; s < sides.length; s++) {
                double perTask = 1e-3 / ((double) rounds * TASKS); // ns over all measured rounds -> us per input
                System.out.printf(Locale.ROOT, "chunksize %3d %-16s median %7.2f us/task (min %.2f, max %.2f);"
                        + " CPU per task: this JVM %.2f us%s%n", chunksize, names[s], median(us[s]), min(us[s]),
                        max(us[s]), cpuHere[s] * perTask, cluster == null ? ""
                                : String.format(Locale.ROOT, ", members %.2f us", cpuMembers[s] * perTask));
            }
            System.out.printf(Locale.ROOT, "chunksize %3d simul vs raw window: %+.1f%% (medians), median of the"
                    + " rounds' ratios %+.1f%%; vs raw unbounded %+.1f%%%n", chunksize,
                    (median(us[0]) / median(us[1]) - 1) * 100, (median(ratio) - 1) * 100,
                    (median(us[0]) / median(us[2]) - 1) * 100);
        }
    }

    private static double simulRound(ClusterRunner runner, Fn<Integer, Integer> inc, List<Integer> inputs,
                                     List<Integer> expected, int chunksize) throws Exception {
        long t0 = System.nanoTime();
        List<Integer> out = runner.map(inc, inputs, chunksize);
        long t1 = System.nanoTime();
        if (!out.equals(expected)) {
            throw new IllegalStateException("simul: wrong results at chunksize " + chunksize);
        }
        return (t1 - t0) / 1e3 / inputs.size();
    }

    /**
     * Every input through raw Hazelcast: a task per {@code chunksize} inputs, sent round robin to {@code targets}
     * with at most {@code window} unanswered, every future kept, then all awaited in order.
     */
    @SuppressWarnings("unchecked")
    private static double rawRound(IExecutorService exec, List<Member> targets, List<Integer> inputs,
                                   List<Integer> expected, int chunksize, int window) throws Exception {
        long t0 = System.nanoTime();
        Semaphore room = window == UNBOUNDED ? null : new Semaphore(window);
        int n = inputs.size();
        List<CompletableFuture<Object>> futures = new ArrayList<>(n / chunksize + 1);
        for (int from = 0, k = 0; from < n; from += chunksize, k++) {
            Callable<?> task = chunksize == 1 ? new Inc(inputs.get(from))
                    : new IncChunk(new ArrayList<>(inputs.subList(from, Math.min(n, from + chunksize))));
            if (room != null) {
                room.acquire();
            }
            CompletableFuture<Object> f = new CompletableFuture<>();
            exec.submitToMember((Callable<Object>) task, targets.get(k % targets.size()),
                    new ExecutionCallback<Object>() {
                        @Override
                        public void onResponse(Object response) {
                            if (room != null) {
                                room.release();
                            }
                            f.complete(response);
                        }

                        @Override
                        public void onFailure(Throwable t) {
                            if (room != null) {
                                room.release();
                            }
                            f.completeExceptionally(t);
                        }
                    });
            futures.add(f);
        }
        List<Integer> out = new ArrayList<>(n);
        for (CompletableFuture<Object> f : futures) {
            Object v = f.get();
            if (v instanceof List<?> list) {
                out.addAll((List<Integer>) list);
            } else {
                out.add((Integer) v);
            }
        }
        long t1 = System.nanoTime();
        if (!out.equals(expected)) {
            throw new IllegalStateException("raw: wrong results at chunksize " + chunksize);
        }
        return (t1 - t0) / 1e3 / n;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    // ---- a member killed mid-map ----

    /** A task that tells where it ran: a file per run, named after its input, in its member's folder. */
    record Mark(String folder) implements Serializable {
        int square(int i) throws Exception {
            Path mine = Path.of(folder, Long.toString(ProcessHandle.current().pid()));
            Files.createDirectories(mine);
            Files.writeString(mine.resolve(i + "." + System.nanoTime()), "");
            Wait.sleep(Duration.ofMillis(2));
            return i * i;
        }
    }

    private record ChaosRun(boolean kill, int right, int wrong, Map<String, Integer> failed, int stuck,
                            int ranTwice, int extraRuns, int neverRan, double seconds, double killedAt,
                            double seenGoneMs) {
    }

    private static void chaos(int runs) throws Exception {
        int n = 2_000;
        System.out.printf(Locale.ROOT, "%,d tasks of 2 ms sleep on LocalCluster.start(3, 2), withRetries(2); %d runs"
                + " with a kill -9 of one member after %d results, %d without, in turn%n", n, runs, n / 4, runs);
        List<ChaosRun> all = new ArrayList<>();
        for (int r = 0; r < 2 * runs; r++) {
            boolean kill = r % 2 == 0;
            ChaosRun run = chaosRun(n, kill);
            all.add(run);
            System.out.printf(Locale.ROOT, "run %2d %-7s right %d, wrong %d, failed %s, stuck %d; inputs run twice %d"
                    + " (extra runs %d), never ran %d; %.3f s%s%n", r / 2 + 1, kill ? "kill" : "no kill", run.right(),
                    run.wrong(), run.failed(), run.stuck(), run.ranTwice(), run.extraRuns(), run.neverRan(),
                    run.seconds(), kill ? String.format(Locale.ROOT, "; killed at %.3f s, seen gone %.1f ms later",
                            run.killedAt(), run.seenGoneMs()) : "");
        }
        for (boolean kill : new boolean[] {true, false}) {
            List<ChaosRun> these = all.stream().filter(c -> c.kill() == kill).toList();
            System.out.printf(Locale.ROOT, "%-7s median %.3f s (runs %s); right %s; failed %s; run twice %s%n",
                    kill ? "kill" : "no kill", median(these.stream().mapToDouble(ChaosRun::seconds).toArray()),
                    these.stream().map(c -> String.format(Locale.ROOT, "%.3f", c.seconds())).toList(),
                    these.stream().map(ChaosRun::right).toList(),
                    these.stream().map(c -> c.failed().values().stream().mapToInt(Integer::intValue).sum()).toList(),
                    these.stream().map(ChaosRun::ranTwice).toList());
        }
    }

    private static ChaosRun chaosRun(int n, boolean kill) throws Exception {
        Path folder = Files.createTempDirectory("simul-cluster-chaos");
        try (LocalCluster cluster = LocalCluster.start(3, 2);
             ClusterRunner runner = new ClusterRunner(cluster.runnerOptions().withRetries(2)
                     .withLog(line -> { }))) {
            Mark mark = new Mark(folder.toString());
            List<Integer> inputs = IntStream.range(0, n).boxed().toList();
            CountDownLatch quarter = new CountDownLatch(n / 4);
            CountDownLatch all = new CountDownLatch(n);
            String victim = cluster.addresses().get(1);
            long t0 = System.nanoTime();
            List<Handle<Integer>> handles = runner.submitAll(mark::square, inputs);
            for (Handle<Integer> h : handles) {
                h.onDone(done -> {
                    quarter.countDown();
                    all.countDown();
                });
            }
            double killedAt = Double.NaN;
            double seenGoneMs = Double.NaN;
            if (kill) {
                quarter.await();
                long tk = System.nanoTime();
                cluster.kill(victim);
                killedAt = (tk - t0) / 1e9;
                while (runner.members().contains(victim) && System.nanoTime() - tk < 60_000_000_000L) {
                    Thread.sleep(0, 100_000);
                }
                seenGoneMs = (System.nanoTime() - tk) / 1e6;
            }
            boolean finished = all.await(5, TimeUnit.MINUTES);
            long t1 = System.nanoTime();
            int right = 0;
            int wrong = 0;
            int stuck = 0;
            Map<String, Integer> failed = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                Handle<Integer> h = handles.get(i);
                if (!h.isDone()) {
                    stuck++;
                    continue;
                }
                switch (h.state()) {
                    case SUCCESS -> {
                        if (h.resultNow() == i * i) {
                            right++;
                        } else {
                            wrong++;
                        }
                    }
                    case FAILED -> failed.merge(h.exceptionNow().getClass().getSimpleName(), 1, Integer::sum);
                    default -> failed.merge(h.state().toString(), 1, Integer::sum);
                }
            }
            int[] runsOf = new int[n];
            try (var members = Files.list(folder)) {
                for (Path m : members.toList()) {
                    try (var files = Files.list(m)) {
                        files.forEach(f -> runsOf[Integer.parseInt(f.getFileName().toString().split("\\.")[0])]++);
                    }
                }
            }
            int twice = 0;
            int extra = 0;
            int never = 0;
            for (int c : runsOf) {
                twice += c > 1 ? 1 : 0;
                extra += Math.max(0, c - 1);
                never += c == 0 ? 1 : 0;
            }
            if (!finished) {
                System.out.println("not finished within 5 minutes: " + stuck + " handles stuck");
            }
            return new ChaosRun(kill, right, wrong, failed, stuck, twice, extra, never, (t1 - t0) / 1e9, killedAt,
                    seenGoneMs);
        } finally {
            try (var walk = Files.walk(folder)) {
                for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    // ---- a runner's join and close ----

    private static void join(int rounds) throws Exception {
        System.out.printf(Locale.ROOT, "LocalCluster.start(2, 1), then %d runners one after the other: join, first"
                + " result, close%n", rounds);
        double[] joinMs = new double[rounds];
        double[] firstMs = new double[rounds];
        double[] closeMs = new double[rounds];
        long s0 = System.nanoTime();
        try (LocalCluster cluster = LocalCluster.start(2, 1)) {
            System.out.printf(Locale.ROOT, "members started and joined in %.0f ms: %s%n",
                    (System.nanoTime() - s0) / 1e6, cluster.addresses());
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                ClusterRunner runner = new ClusterRunner(cluster.runnerOptions().withLog(line -> { }));
                long t1 = System.nanoTime();
                int one = runner.submit((Task<Integer>) () -> 1).get();
                long t2 = System.nanoTime();
                runner.close();
                long t3 = System.nanoTime();
                if (one != 1) {
                    throw new IllegalStateException("got " + one);
                }
                joinMs[r] = (t1 - t0) / 1e6;
                firstMs[r] = (t2 - t1) / 1e6;
                closeMs[r] = (t3 - t2) / 1e6;
                System.out.printf(Locale.ROOT, "runner %2d: join %6.1f ms, first result %6.1f ms, close %6.1f ms%n",
                        r + 1, joinMs[r], firstMs[r], closeMs[r]);
            }
        }
        if (rounds > 1) {
            double[] j = Arrays.copyOfRange(joinMs, 1, rounds);
            double[] f = Arrays.copyOfRange(firstMs, 1, rounds);
            double[] c = Arrays.copyOfRange(closeMs, 1, rounds);
            System.out.printf(Locale.ROOT, "runners 2..%d, median (min, max): join %.1f ms (%.1f, %.1f), first result"
                    + " %.1f ms (%.1f, %.1f), close %.1f ms (%.1f, %.1f)%n", rounds, median(j), min(j), max(j),
                    median(f), min(f), max(f), median(c), min(c), max(c));
        }
    }

    static double median(double[] values) {
        return ProcessOverhead.median(values);
    }

    static double min(double[] values) {
        return ProcessOverhead.min(values);
    }

    static double max(double[] values) {
        return ProcessOverhead.max(values);
    }
}
