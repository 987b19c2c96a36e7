package dev.simul.process;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simul.runner.Handle;
import dev.simul.task.Fn;
import dev.simul.task.Task;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process pool under faults (issue 12): its JVM killed, results too large to send, output without newlines,
 * workers killed as fast as they start, and connections that never say HELLO. Like {@link ProcessPoolHardeningTest},
 * tasks are lambdas of this class that capture only strings and numbers; how often a task ran is counted with
 * files, since tasks run in other JVMs.
 */
@Timeout(120)
@EnabledOnOs(OS.LINUX)
class ProcessPoolFaultsTest {

    private final List<String> log = new CopyOnWriteArrayList<>();

    private ProcessPool.Options options(int workers) {
        return ProcessPool.Options.defaults().withWorkers(workers).withLog(log::add);
    }

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
        } catch (IOException e) {
            return false;
        }
    }

    /** Polls, up to {@code seconds}, until {@code file} exists; true if it does. */
    static boolean awaitFile(Path file, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!Files.exists(file) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return Files.exists(file);
    }

    static void killAll(List<Long> pids) {
        for (long p : pids) {
            ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    // ---- 1. no worker outlives its pool's JVM by more than a moment, even in a counted loop ----

    /**
     * {@code n} xorshift steps: an int-counted loop, which C2 compiles without a safepoint poll under Serial GC. A
     * worker stuck in it used to outlive its pool by the rest of the loop: its JVM's halt waits for a safepoint.
     */
    static long spin(long seed, int n) {
        long h = seed | 1;
        for (int i = 0; i < n; i++) {
            h ^= h << 13;
            h ^= h >>> 7;
            h ^= h << 17;
            h += i;
            h ^= h >>> 29;
        }
        return h;
    }

    /** Rounds of {@link #everyWorkerIsGoneSoonAfterItsPoolsJvmIsKilledInTheMiddleOfAMap}; 10 by default. */
    private static final int ORPHAN_ROUNDS = Integer.getInteger("simul.test.orphanRounds", 10);

    /**
     * Goal (issue 12): every worker gone within 1 s of its pool's JVM's death, each busy in a CPU loop. Asserted at
     * 5 s, so that it holds on a loaded machine; the real figures are printed (docs/reliability.md has them).
     */
    @Test
    @Timeout(600)
    void everyWorkerIsGoneSoonAfterItsPoolsJvmIsKilledInTheMiddleOfAMap(@TempDir Path dir) throws Exception {
        double worst = 0;
        List<String> rounds = new ArrayList<>();
        for (int r = 0; r < ORPHAN_ROUNDS; r++) {
            double[] gone = orphanRound(Files.createDirectory(dir.resolve("round-" + r)));
            double last = Arrays.stream(gone).max().orElse(0);
            worst = Math.max(worst, last);
            rounds.add(String.format(Locale.ROOT, "%.0f", last));
            assertThat(last).as("ms from the pool's JVM's SIGKILL to its last busy worker gone, round %d: %s", r + 1,
                    Arrays.toString(gone)).isLessThan(5000);
        }
        System.out.printf(Locale.ROOT, "orphans: last busy worker gone %.0f ms after its pool's JVM was killed, worst"
                + " of %d rounds (each round, ms: %s)%n", worst, ORPHAN_ROUNDS, String.join(", ", rounds));
    }

    /** One round: a pool's JVM with 4 workers in a CPU loop is SIGKILLed; how long each worker then lives, in ms. */
    private double[] orphanRound(Path dir) throws Exception {
        Path pidsFile = dir.resolve("pids");
        Path markers = Files.createDirectory(dir.resolve("busy"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process parent = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                OrphanParent.class.getName(), pidsFile.toString(), markers.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("parent.log").toFile()).start();
        List<Long> workers = List.of();
        try {
            assertThat(awaitFile(pidsFile, 60)).as("the parent wrote its workers' pids; its log: %s",
                    Files.exists(dir.resolve("parent.log")) ? Files.readString(dir.resolve("parent.log")) : "none")
                    .isTrue();
            workers = Files.readAllLines(pidsFile).stream().map(Long::parseLong).toList();
            assertThat(workers).hasSize(OrphanParent.WORKERS);
            for (long p : workers) {
                assertThat(awaitFile(markers.resolve(Long.toString(p)), 60)).as("worker %d is in its loop", p)
                        .isTrue();
            }
            parent.destroyForcibly(); // SIGKILL
            long t0 = System.nanoTime();
            double[] gone = new double[workers.size()];
            Arrays.fill(gone, -1);
            int left = workers.size();
            while (left > 0 && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30)) {
                for (int i = 0; i < workers.size(); i++) {
                    if (gone[i] < 0 && !alive(workers.get(i))) {
                        gone[i] = (System.nanoTime() - t0) / 1e6;
                        left--;
                    }
                }
                Thread.sleep(1);
            }
            for (int i = 0; i < gone.length; i++) {
                if (gone[i] < 0) {
                    gone[i] = Double.POSITIVE_INFINITY;
                }
            }
            return gone;
        } finally {
            parent.destroyForcibly();
            killAll(workers);
        }
    }

    /** A pool's JVM: 4 workers each in a long counted loop of a map; it writes their pids and waits to be killed. */
    public static final class OrphanParent {
        static final int WORKERS = 4;

        public static void main(String[] args) throws Exception {
            String markers = args[1];
            ProcessPool pool = new ProcessPool(ProcessPool.Options.defaults().withWorkers(WORKERS)
                    .withLog(line -> { }));
            Fn<Integer, Long> busy = x -> {
                spin(x, 20_000_000); // the loop is compiled (OSR) by the time the marker says "busy"
                Files.createFile(Path.of(markers, Long.toString(ProcessHandle.current().pid())));
                return spin(x, Integer.MAX_VALUE); // seconds, without a safepoint
            };
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    pool.map(busy, IntStream.range(0, 2 * WORKERS).boxed().toList());
                } catch (Exception e) {
                    // killed first, as a rule
                }
            });
            while (pool.workerInfo().size() < WORKERS || pool.workerInfo().stream().anyMatch(w -> w.pid() <= 0)) {
                Thread.sleep(5);
            }
            List<String> pids = pool.workerInfo().stream().map(w -> Long.toString(w.pid())).toList();
            Path tmp = Path.of(args[0] + ".tmp");
            Files.write(tmp, pids);
            Files.move(tmp, Path.of(args[0]));
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    // ---- 2. a result over the maximum message size fails its task, not its worker ----

    @Test
    void aResultOverTheMaximumMessageSizeFailsItsTaskNamingBothSizesAndTheWorkerCarriesOn() throws Exception {
        try (ProcessPool pool = new ProcessPool(options(1).withMaxMessageSize(1 << 20))) {
            long worker = pool.submit(ProcessPoolHardeningTest::pid).get(30, SECONDS);
            Handle<byte[]> bytes = pool.submit(() -> new byte[3 << 20]);
            assertThatThrownBy(() -> bytes.get(30, SECONDS)).isInstanceOf(ExecutionException.class).cause()
                    .isInstanceOf(MessageTooLargeException.class)
                    .hasMessageContaining("the task's result is 3 MiB")
                    .hasMessageContaining("maximum message size of 1 MiB")
                    .hasMessageContaining("Options.withMaxMessageSize");
            // A serialized object: its size is found by counting, without a buffer of that size.
            Handle<long[]> longs = pool.submit(() -> new long[512 * 1024]);
            assertThatThrownBy(() -> longs.get(30, SECONDS)).cause().isInstanceOf(MessageTooLargeException.class)
                    .hasMessageContaining("the task's result is 4 MiB")
                    .satisfies(e -> assertThat(((MessageTooLargeException) e).size()).isGreaterThan(4L << 20));
            // Under the limit, from the same worker.
            assertThat(pool.submit(() -> new byte[1000]).get(30, SECONDS)).hasSize(1000);
            assertThat(pool.submit(ProcessPoolHardeningTest::pid).get(30, SECONDS)).as("the same worker")
                    .isEqualTo(worker);
        }
        assertThat(log).noneSatisfy(line -> assertThat(line).contains("OutOfMemoryError"));
    }

    @Test
    void anExceptionOverTheMaximumMessageSizeStillFailsItsTaskWithItsClassAndTheWorkerCarriesOn() throws Exception {
        try (ProcessPool pool = new ProcessPool(options(1).withMaxMessageSize(1 << 20))) {
            long worker = pool.submit(ProcessPoolHardeningTest::pid).get(30, SECONDS);
            Handle<Object> h = pool.submit(() -> {
                throw new IllegalStateException("y".repeat(3 << 20));
            });
            assertThatThrownBy(() -> h.get(30, SECONDS)).cause().isInstanceOf(MessageTooLargeException.class)
                    .hasMessageContaining("java.lang.IllegalStateException (yyy")
                    .hasMessageContaining("maximum message size of 1 MiB");
            assertThat(pool.submit(ProcessPoolHardeningTest::pid).get(30, SECONDS)).isEqualTo(worker);
        }
    }

    /** The issue's own case: 600 MB from a worker with a 1 GiB heap used to end as "exited with code 3". */
    @Test
    void aSixHundredMegabyteResultFromAWorkerWithAGibibyteHeapFailsItsTaskAndTheWorkerCarriesOn() throws Exception {
        try (ProcessPool pool = new ProcessPool(options(1).withJvmOptions("-Xmx1g"))) {
            long worker = pool.submit(ProcessPoolHardeningTest::pid).get(30, SECONDS);
            Handle<byte[]> h = pool.submit(() -> new byte[600 << 20]);
            assertThatThrownBy(() -> h.get(60, SECONDS)).cause().isInstanceOf(MessageTooLargeException.class)
                    .hasMessageContaining("the task's result is 600 MiB")
                    .hasMessageContaining("maximum message size of 256 MiB");
            // Serialized: encoding it in full, or to the limit, would not fit beside it.
            Handle<long[]> longs = pool.submit(() -> new long[75 << 20]);
            assertThatThrownBy(() -> longs.get(60, SECONDS)).cause().isInstanceOf(MessageTooLargeException.class)
                    .hasMessageContaining("the task's result is 600 MiB")
                    .hasMessageContaining("maximum message size of 256 MiB");
            assertThat(pool.submit(ProcessPoolHardeningTest::pid).get(30, SECONDS)).as("the same worker")
                    .isEqualTo(worker);
        }
    }

    @Test
    void optionsRefuseAMaximumMessageSizeThatIsNotPositiveOrPastTheFrameLimit() {
        ProcessPool.Options defaults = ProcessPool.Options.defaults();
        assertThat(defaults.maxMessageSize()).isEqualTo(256L << 20);
        assertThatThrownBy(() -> defaults.withMaxMessageSize(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.withMaxMessageSize(Wire.MAX_FRAME + 1L))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(defaults.withMaxMessageSize(1000).withWorkers(3).maxMessageSize()).isEqualTo(1000);
    }

    // ---- 3. output without a newline ----

    /** 100 MB on stdout with no newline, from a task that then returns. */
    static String printWithoutNewline() throws IOException {
        byte[] chunk = new byte[1 << 20];
        Arrays.fill(chunk, (byte) 'x');
        for (int i = 0; i < 100; i++) {
            System.out.write(chunk, 0, chunk.length);
        }
        return "printed";
    }

    /** Worker side: the line ends with its task, so the pool logs it (cut) then, not with whatever comes next. */
    @Test
    void outputWithoutANewlineReachesTheLogCutWhenItsTaskEnds() throws Exception {
        try (ProcessPool pool = new ProcessPool(options(1))) {
            assertThat(pool.submit(ProcessPoolFaultsTest::printWithoutNewline).get(60, SECONDS))
                    .isEqualTo("printed");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (log.stream().noneMatch(l -> l.contains("xxxx")) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(log).as("the pool's log, without any later output").anySatisfy(line -> assertThat(line)
                    .startsWith("[worker ").contains("xxxxxxxxxx").endsWith("...").hasSizeLessThan(1100));
        }
    }

    /**
     * After a task that printed 100 MB without a newline, a crash's own line still arrives whole: the worker ends
     * each task's output with a newline, and the pool cuts the long line. (The crash report's last lines are the
     * worker's, not the task's: output comes through a pipe and answers through a socket, so the pool cannot tell
     * which task printed a line.)
     */
    @Test
    void aCrashsOwnLineArrivesWholeAfterAnEarlierTasksOutputWithoutNewline() throws Exception {
        try (ProcessPool pool = new ProcessPool(options(1))) {
            assertThat(pool.submit(ProcessPoolFaultsTest::printWithoutNewline).get(60, SECONDS))
                    .isEqualTo("printed");
            Handle<Object> crash = pool.submit(() -> {
                System.err.println("about to crash");
                Runtime.getRuntime().halt(7);
                return null;
            });
            assertThatThrownBy(() -> crash.get(60, SECONDS)).cause().isInstanceOf(WorkerCrashedException.class)
                    .satisfies(e -> {
                        List<String> lines = ((WorkerCrashedException) e).lastOutput();
                        List<String> shown = lines.stream()
                                .map(l -> l.length() > 40 ? l.substring(0, 40) + "(" + l.length() + " chars)" : l)
                                .toList();
                        assertThat(lines).as("its last lines %s", shown).contains("about to crash");
                        // The earlier task's output is at most one line of its own, cut, never glued to this one.
                        assertThat(lines.stream().filter(l -> l.contains("xxxx")).toList())
                                .as("lines of the earlier task's output among its last lines %s", shown)
                                .hasSizeLessThanOrEqualTo(1)
                                .allSatisfy(l -> assertThat(l).endsWith("...").hasSizeLessThanOrEqualTo(
                                        Worker.LINE_MAX + 3).doesNotContain("about to crash"));
                    });
        }
    }

    // ---- 4. kill storm ----

    /** The map's work: counts its run in a file named by its input, in {@code dir}. */
    static Fn<Integer, Integer> counted(String dir) {
        return x -> {
            ProcessPoolHardeningTest.countRun(dir + "/" + x);
            return x * 2;
        };
    }

    /**
     * Issue 12: SIGKILL of any worker, starting ones included, every 100 ms during a map with 3 retries. Every task
     * succeeds, none runs more than retries + 1 times: a worker killed from outside is not one that cannot start
     * (the old pool failed every queued task with "no worker could start" after three killed in a row).
     */
    @Test
    @Timeout(300)
    void underAStormOfKillsEveryTaskSucceedsWithinItsRetries(@TempDir Path dir) throws Exception {
        int tasks = 2000;
        int retries = 3;
        Path runs = Files.createDirectory(dir.resolve("runs"));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger kills = new AtomicInteger();
        List<Long> seen = new CopyOnWriteArrayList<>();
        try (ProcessPool pool = new ProcessPool(options(4).withRetries(retries))) {
            Thread killer = Thread.ofPlatform().name("killer").start(() -> {
                java.util.Set<Long> killed = new java.util.HashSet<>();
                long next = System.nanoTime();
                while (!stop.get()) {
                    List<Long> eligible = pool.workerInfo().stream().map(ProcessPool.WorkerInfo::pid)
                            .filter(p -> p > 0 && !killed.contains(p)).toList();
                    if (!eligible.isEmpty()) {
                        long p = eligible.get(ThreadLocalRandom.current().nextInt(eligible.size()));
                        killed.add(p);
                        seen.add(p);
                        ProcessHandle.of(p).ifPresent(h -> {
                            if (h.destroyForcibly()) {
                                kills.incrementAndGet();
                            }
                        });
                    }
                    next += TimeUnit.MILLISECONDS.toNanos(100);
                    long sleep = next - System.nanoTime();
                    if (sleep > 0) {
                        try {
                            TimeUnit.NANOSECONDS.sleep(sleep);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            });
            List<Handle<Integer>> handles;
            try {
                handles = pool.submitAll(counted(runs.toString()), IntStream.range(0, tasks).boxed().toList());
                for (Handle<Integer> h : handles) {
                    try {
                        h.get(240, SECONDS);
                    } catch (ExecutionException e) {
                        // counted below
                    }
                }
            } finally {
                stop.set(true);
                killer.join();
            }
            Map<String, Integer> failures = new TreeMap<>();
            int right = 0;
            for (int i = 0; i < tasks; i++) {
                try {
                    if (handles.get(i).get(1, SECONDS) == 2 * i) {
                        right++;
                    }
                } catch (ExecutionException e) {
                    failures.merge(e.getCause().toString().lines().findFirst().orElse(""), 1, Integer::sum);
                }
            }
            int maxRuns = 0;
            for (int i = 0; i < tasks; i++) {
                Path f = runs.resolve(Integer.toString(i));
                maxRuns = Math.max(maxRuns, Files.exists(f) ? Files.readAllLines(f).size() : 0);
            }
            System.out.printf(Locale.ROOT, "kill storm: %d of %d right, %d kills, most runs of a task %d%n", right,
                    tasks, kills.get(), maxRuns);
            assertThat(right).as("right results of %d, with %d kills; failures: %s", tasks, kills.get(), failures)
                    .isEqualTo(tasks);
            assertThat(maxRuns).as("the most runs of one task").isLessThanOrEqualTo(retries + 1);
        } finally {
            killAll(seen);
        }
    }

    /**
     * A worker that cannot start on its own (a bad JVM flag) fails the queued tasks with the reason in its own
     * words. Needs the pool to wait for the failed worker's output before it reports (parent side).
     */
    @Test
    @Timeout(60)
    void workersThatCannotStartFailQueuedTasksWithTheJvmsOwnComplaint() throws Exception {
        try (ProcessPool pool = new ProcessPool(options(2).withRetries(3).withJvmOptions("-XX:+NoSuchFlag"))) {
            List<Handle<Integer>> handles = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int n = i;
                handles.add(pool.submit(() -> n));
            }
            for (Handle<Integer> h : handles) {
                assertThatThrownBy(() -> h.get(30, SECONDS)).isInstanceOf(ExecutionException.class).cause()
                        .isInstanceOf(IOException.class)
                        .hasMessageContaining("Unrecognized VM option 'NoSuchFlag'");
            }
        }
    }

    // ---- 5. silent connections ----

    /**
     * Connections that never say HELLO cost the pool no thread each (the old pool gave each a platform thread for
     * up to 10 s), and the pool still runs tasks.
     */
    @Test
    @Timeout(60)
    void twoHundredSilentConnectionsHoldNoThreadsAndThePoolCarriesOn() throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<SocketChannel> silent = new ArrayList<>();
        // Each task on a fresh worker: the second connects after the silent ones, so its answer means that the
        // pool has accepted all of them.
        try (ProcessPool pool = new ProcessPool(options(1).withMaxTasksPerWorker(1, 0))) {
            long first = pool.submit(ProcessPoolHardeningTest::pid).get(30, SECONDS);
            int before = threads.getThreadCount();
            threads.resetPeakThreadCount();
            try {
                for (int i = 0; i < 200; i++) {
                    silent.add(SocketChannel.open(UnixDomainSocketAddress.of(pool.socketPath())));
                }
                long second = pool.submit(ProcessPoolHardeningTest::pid).get(30, SECONDS);
                assertThat(second).as("a fresh worker").isNotEqualTo(first);
                int peak = threads.getPeakThreadCount();
                assertThat(peak - before).as("threads added at peak (before: %d, now %d)", before,
                        threads.getThreadCount()).isLessThanOrEqualTo(20);
                assertThat(pool.map(x -> x + 1, List.of(1, 2, 3))).containsExactly(2, 3, 4);
            } finally {
                for (SocketChannel c : silent) {
                    c.close();
                }
            }
        }
    }
}
