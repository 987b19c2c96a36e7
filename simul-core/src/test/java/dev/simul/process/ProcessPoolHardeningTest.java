package dev.simul.process;

import dev.simul.serial.AllowList;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simul.runner.Handle;
import dev.simul.task.Task;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression tests for the process pool's review findings: each names the behaviour it guards. Like
 * {@link ProcessPoolTest}, tasks are lambdas of this class that capture only strings and numbers (never
 * {@code this}); how often a task ran is counted with marker files, and what the workers print is read from the
 * pool's log. Where tasks must reach a worker together, the worker's initializer holds it until a "go" file exists,
 * so that they queue up and go out in one write, deterministically rather than by timing.
 */
@Timeout(60)
class ProcessPoolHardeningTest {

    private final List<String> log = new CopyOnWriteArrayList<>();

    private ProcessPool.Options options(int workers) {
        return ProcessPool.Options.defaults().withWorkers(workers).withLog(log::add);
    }

    static long pid() {
        return ProcessHandle.current().pid();
    }

    /** Appends a line to {@code file}: one line per run of the task that calls it. */
    static void countRun(String file) throws IOException {
        Files.writeString(Path.of(file), "ran\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** How many times the task counting into {@code file} ran. */
    static int runs(String file) throws IOException {
        Path p = Path.of(file);
        return Files.exists(p) ? Files.readAllLines(p).size() : 0;
    }

    /** An initializer that holds its worker until {@code go} exists. */
    static Task<Object> gate(String go) {
        return () -> {
            while (!Files.exists(Path.of(go))) {
                Thread.sleep(10);
            }
            return null;
        };
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Waits, up to {@code seconds}, until {@code pid} is gone; true if it is. */
    static boolean awaitGone(long pid, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (alive(pid) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return !alive(pid);
    }

    /** Waits, up to {@code seconds}, until {@code file} exists; true if it does. */
    static boolean awaitFile(Path file, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!Files.exists(file) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return Files.exists(file);
    }

    /** Kills what a failed test may have left behind, so that no process outlives the test run. */
    static void killAll(List<Long> pids) {
        for (long p : pids) {
            ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    // ---- 1. a worker answers each task before it starts the next ----

    @Test
    void aCrashLosesNoAnswerOfTheTasksSentWithItAndRunsOnce(@TempDir Path dir) throws Exception {
        String go = dir.resolve("go").toString();
        String ranB = dir.resolve("b-ran").toString();
        try (ProcessPool pool = new ProcessPool(options(1).withInitializer(gate(go)))) {
            Handle<String> a = pool.submit(() -> "A");
            Handle<Object> b = pool.submit(() -> {
                countRun(ranB);
                System.exit(9);
                return null;
            });
            Handle<String> c = pool.submit(() -> "C");
            Files.createFile(Path.of(go)); // A and B reach the worker in one write
            assertThat(a.get(30, SECONDS)).isEqualTo("A");
            assertThatThrownBy(() -> b.get(30, SECONDS)).isInstanceOf(ExecutionException.class).cause()
                    .isInstanceOf(WorkerCrashedException.class).hasMessageContaining("9");
            assertThat(c.get(30, SECONDS)).isEqualTo("C");
        }
        assertThat(runs(ranB)).as("runs of the crashing task").isEqualTo(1);
    }

    @Test
    void aTimeoutLosesNoAnswerOfTheTasksSentWithItAndRunsOnce(@TempDir Path dir) throws Exception {
        String go = dir.resolve("go").toString();
        String ranB = dir.resolve("b-ran").toString();
        try (ProcessPool pool = new ProcessPool(options(1).withInitializer(gate(go))
                .withTaskTimeout(Duration.ofSeconds(1)))) {
            Handle<String> a = pool.submit(() -> "A");
            Handle<Object> b = pool.submit(() -> {
                countRun(ranB);
                Thread.sleep(30_000);
                return null;
            });
            Handle<String> c = pool.submit(() -> "C");
            Files.createFile(Path.of(go));
            assertThat(a.get(30, SECONDS)).isEqualTo("A");
            assertThatThrownBy(() -> b.get(30, SECONDS)).isInstanceOf(ExecutionException.class).cause()
                    .isInstanceOf(TaskTimeoutException.class);
            assertThat(c.get(30, SECONDS)).isEqualTo("C");
        }
        assertThat(runs(ranB)).as("runs of the timed-out task").isEqualTo(1);
    }

    // ---- 2. an unsendable task's callbacks run outside the worker's write lock ----

    @Test
    void aDoneCallbackOfAnUnsendableTaskMaySubmitMoreWork(@TempDir Path dir) throws Exception {
        String go = dir.resolve("go").toString();
        try (ProcessPool pool = new ProcessPool(options(1).withInitializer(gate(go)))) {
            Object notSerializable = new Object();
            CompletableFuture<Handle<Long>> fromCallback = new CompletableFuture<>();
            Handle<Integer> unsendable = pool.submit(() -> notSerializable.hashCode());
            unsendable.onDone(h -> fromCallback.complete(pool.submit(ProcessPoolHardeningTest::pid)));
            Handle<Long> sentWithIt = pool.submit(ProcessPoolHardeningTest::pid);
            Files.createFile(Path.of(go)); // the unsendable task and the next go out in one flush

            assertThatThrownBy(() -> unsendable.get(30, SECONDS)).cause()
                    .isInstanceOf(java.io.NotSerializableException.class);
            long worker = sentWithIt.get(30, SECONDS);
            assertThat(fromCallback.get(30, SECONDS).get(30, SECONDS)).isEqualTo(worker);
            assertThat(pool.submit(ProcessPoolHardeningTest::pid).get(30, SECONDS))
                    .as("the same worker: none was killed").isEqualTo(worker);
        }
        assertThat(log).noneSatisfy(line -> assertThat(line).contains("out of turn"));
    }

    // ---- 3. workers that cannot start: tasks fail, close returns ----

    @Test
    @Timeout(30)
    void aPoolWhoseWorkersCannotStartFailsItsTasksAndCloses() {
        ProcessPool pool = new ProcessPool(options(1).withJvmOptions("-XX:+ThisFlagDoesNotExist"));
        Handle<Integer> h = pool.submit(() -> 1); // on the test thread: the @Timeout guards that it returns
        assertThatThrownBy(h::get).isInstanceOf(ExecutionException.class);
        pool.close();
        assertThat(pool.isTerminated()).isTrue();
    }

    /**
     * Here the launch itself fails ({@code ProcessBuilder.start} refuses an argument with a NUL), with no process
     * to wait for: a pool that relaunched at once would spin under its lock. The test body runs on a thread of
     * its own so that the timeout can give up on such a spin, which no interrupt stops.
     */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aPoolWhoseWorkersCannotEvenBeLaunchedFailsItsTasksAndCloses() {
        ProcessPool pool = new ProcessPool(options(1).withJvmOptions("-Dsimul.test=a\0b"));
        Handle<Integer> h = pool.submit(() -> 1);
        assertThatThrownBy(h::get).isInstanceOf(ExecutionException.class).cause().isInstanceOf(IOException.class);
        pool.close();
        assertThat(pool.isTerminated()).isTrue();
    }

    // ---- 4. recycled workers' sockets are closed ----

    @Test
    @EnabledOnOs(OS.LINUX)
    void recyclingWorkersLeaksNoFileDescriptors() throws Exception {
        // A first pool loads the classes and opens the files that any pool needs once.
        try (ProcessPool warmUp = new ProcessPool(options(1).withMaxTasksPerWorker(1, 0))) {
            warmUp.submit(() -> 1).get(30, SECONDS);
            warmUp.submit(() -> 2).get(30, SECONDS);
        }
        long before = openFiles();
        try (ProcessPool pool = new ProcessPool(options(1).withMaxTasksPerWorker(1, 0))) {
            List<Handle<Integer>> handles = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int n = i;
                handles.add(pool.submit(() -> n));
            }
            for (int i = 0; i < 40; i++) {
                assertThat(handles.get(i).get(30, SECONDS)).isEqualTo(i);
            }
        }
        // The last worker's threads may still be closing their ends: give them a bounded moment.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        long after = openFiles();
        while (after > before + 5 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            after = openFiles();
        }
        assertThat(after).as("open file descriptors after 40 recycled workers (before: %d)", before)
                .isLessThanOrEqualTo(before + 5);
    }

    private static long openFiles() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    // ---- 5. no orphan, even while the initializer runs ----

    @Test
    void noWorkerOutlivesItsPoolsJvmWhileItsInitializerRuns(@TempDir Path dir) throws Exception {
        Path pidsFile = dir.resolve("pids");
        Path markers = Files.createDirectory(dir.resolve("initializing"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process parent = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                InitializingOrphanParent.class.getName(), pidsFile.toString(), markers.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("parent.log").toFile()).start();
        List<Long> workers = List.of();
        try {
            assertThat(awaitFile(pidsFile, 45)).as("the parent wrote its workers' pids; its log: %s",
                    Files.exists(dir.resolve("parent.log")) ? Files.readString(dir.resolve("parent.log")) : "none")
                    .isTrue();
            workers = Files.readAllLines(pidsFile).stream().map(Long::parseLong).toList();
            assertThat(workers).hasSize(2).allSatisfy(p -> assertThat(p).isPositive());
            for (long p : workers) { // each worker is inside its initializer, connected to the parent
                assertThat(awaitFile(markers.resolve(Long.toString(p)), 45))
                        .as("worker %d started its initializer", p).isTrue();
            }
            new ProcessBuilder("kill", "-9", Long.toString(parent.pid())).start().waitFor();
            assertThat(parent.waitFor(10, SECONDS)).isTrue();
            for (long p : workers) {
                assertThat(awaitGone(p, 5)).as("worker %d is gone within 5 s of its pool's JVM", p).isTrue();
            }
        } finally {
            parent.destroyForcibly();
            killAll(workers);
        }
    }

    /** A JVM whose pool's workers sit in a 60 s initializer; it writes their pids and waits to be killed. */
    public static final class InitializingOrphanParent {
        public static void main(String[] args) throws Exception {
            String markers = args[1];
            Task<Object> init = () -> {
                Files.createFile(Path.of(markers, Long.toString(ProcessHandle.current().pid())));
                Thread.sleep(60_000);
                return null;
            };
            ProcessPool pool = new ProcessPool(ProcessPool.Options.defaults().withWorkers(2).withInitializer(init));
            while (pool.workerInfo().size() < 2 || pool.workerInfo().stream().anyMatch(w -> w.pid() <= 0)) {
                Thread.sleep(10);
            }
            List<String> pids = pool.workerInfo().stream().map(w -> Long.toString(w.pid())).toList();
            Path tmp = Path.of(args[0] + ".tmp");
            Files.write(tmp, pids);
            Files.move(tmp, Path.of(args[0]));
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    // ---- 6. close() does not wait for an initializer ----

    @Test
    @Timeout(30)
    void closeReturnsWhileAWorkerIsStuckInItsInitializer(@TempDir Path dir) throws Exception {
        String started = dir.resolve("init-started").toString();
        Task<Object> stuck = () -> {
            Files.createFile(Path.of(started));
            Thread.sleep(120_000);
            return null;
        };
        ProcessPool pool = new ProcessPool(options(1).withInitializer(stuck));
        List<Long> pids = new ArrayList<>();
        try {
            assertThat(awaitFile(Path.of(started), 20)).as("the initializer started").isTrue();
            pids.addAll(pool.workerInfo().stream().map(ProcessPool.WorkerInfo::pid).toList());
            Thread closer = Thread.ofPlatform().name("closer").start(pool::close);
            closer.join(Duration.ofSeconds(20));
            assertThat(closer.isAlive()).as("close() returned while the initializer runs").isFalse();
            assertThat(pool.isTerminated()).isTrue();
            assertThat(pids).isNotEmpty().allSatisfy(p -> assertThat(alive(p)).isFalse());
        } finally {
            pool.shutdownNow();
            killAll(pids);
        }
    }

    // ---- 7. a crafted array header is refused before it is allocated ----

    @Test
    void anArrayLongerThanItsPayloadIsRefusedBeforeItIsAllocated() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new long[] {0x0102030405060708L});
        }
        byte[] payload = bytes.toByteArray();
        ByteBuffer view = ByteBuffer.wrap(payload);
        int lengthAt = payload.length - 8 - 4; // the array's length, right before its one element
        assertThat(view.getInt(lengthAt)).as("the serialized array's length field").isEqualTo(1);
        assertThat(view.getLong(payload.length - 8)).isEqualTo(0x0102030405060708L);
        view.putInt(lengthAt, 200_000_000); // 1.6 GB of longs, declared by a payload of a few dozen bytes

        AllowList.Filter filter = AllowList.filter(AllowList.filterText(List.of()));
        Throwable thrown = null;
        try {
            Wire.deserialize(payload, filter, getClass().getClassLoader());
        } catch (Throwable t) { // an OutOfMemoryError included: it must not be what happens
            thrown = t;
        }
        assertThat(thrown).as("deserializing a long[200_000_000] header in %d bytes", payload.length)
                .isInstanceOf(InvalidClassException.class);
    }

    // ---- 8. strings cross unchanged ----

    @Test
    void stringsWithAnUnpairedSurrogateCrossUnchanged() throws Exception {
        try (ProcessPool pool = new ProcessPool(options(1))) {
            assertThat(pool.submit(() -> "ab\uD83D").get(30, SECONDS)).isEqualTo("ab\uD83D");
            // As a map input and result too (both travel in the compact form).
            assertThat(pool.map(s -> s + "\uDC00", List.of("x\uD83D", "\uDE00y")))
                    .containsExactly("x\uD83D\uDC00", "\uDE00y\uDC00");
        }
    }

    // ---- 9. a throwing log sink breaks nothing ----

    @Test
    void aLogSinkThatThrowsBreaksNeitherOutputNorRetries(@TempDir Path dir) throws Exception {
        String ran = dir.resolve("ran").toString();
        AtomicInteger calls = new AtomicInteger();
        Consumer<String> broken = line -> {
            calls.incrementAndGet();
            throw new IllegalStateException("the log sink is broken");
        };
        ProcessPool pool = new ProcessPool(options(1).withLog(broken).withRetries(1));
        try {
            // More than a pipe's buffer on each stream: a forwarder that died on the first line would block it.
            assertThat(pool.submit(() -> {
                String line = "x".repeat(99);
                for (int i = 0; i < 1500; i++) {
                    System.out.println(line);
                    System.err.println(line);
                }
                return "printed";
            }).get(30, SECONDS)).isEqualTo("printed");
            // A crash, retried (the pool logs the retry through the same sink).
            assertThat(pool.submit(() -> {
                countRun(ran);
                System.err.println("about to crash");
                if (runs(ran) == 1) {
                    Runtime.getRuntime().halt(1);
                }
                return "second run";
            }).get(30, SECONDS)).isEqualTo("second run");
            assertThat(runs(ran)).isEqualTo(2);
            assertThat(pool.submit(() -> "after").get(30, SECONDS)).isEqualTo("after");
        } finally {
            pool.shutdownNow(); // not close(): a task stuck behind a dead forwarder would hold it up
            assertThat(pool.awaitTermination(30, SECONDS)).isTrue();
        }
        assertThat(calls.get()).as("the sink was called").isPositive();
    }

    // ---- 10. a huge line without a newline does not exhaust the pool's JVM ----

    @Test
    void aFiftyMebibyteLineDoesNotExhaustThePoolsJvm(@TempDir Path dir) throws Exception {
        // The pool runs in a JVM with a 64 MiB heap: one that buffers the whole line runs out of memory there,
        // instead of passing silently in a test JVM with gigabytes to spare.
        Path report = dir.resolve("report");
        Path parentLog = dir.resolve("parent.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process parent = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                LongLineParent.class.getName(), report.toString()).redirectErrorStream(true)
                .redirectOutput(parentLog.toFile()).start();
        try {
            assertThat(parent.waitFor(50, SECONDS)).as("the pool's JVM finished").isTrue();
            assertThat(report).as("its log: %s", Files.readString(parentLog)).exists();
            List<String> lines = Files.readAllLines(report);
            assertThat(lines).as("its log: %s", Files.readString(parentLog))
                    .contains("result=printed", "done=true");
            int longest = lines.stream().filter(l -> l.startsWith("longest=")).findFirst()
                    .map(l -> Integer.parseInt(l.substring("longest=".length()))).orElseThrow();
            assertThat(longest).as("the longest log line").isPositive().isLessThanOrEqualTo(1100);
        } finally {
            parent.destroyForcibly();
        }
    }

    /** A JVM whose pool's worker prints a 50 MiB line; it reports what its log sink saw. */
    public static final class LongLineParent {
        public static void main(String[] args) throws Exception {
            AtomicInteger longest = new AtomicInteger();
            AtomicBoolean done = new AtomicBoolean();
            Consumer<String> sink = line -> {
                longest.accumulateAndGet(line.length(), Math::max);
                if (line.endsWith("] done")) {
                    done.set(true);
                }
            };
            String result;
            ProcessPool pool = new ProcessPool(ProcessPool.Options.defaults().withWorkers(1).withLog(sink));
            try {
                result = pool.submit(() -> {
                    byte[] chunk = new byte[1 << 20];
                    Arrays.fill(chunk, (byte) 'x');
                    PrintStream out = System.out;
                    for (int i = 0; i < 50; i++) {
                        out.write(chunk, 0, chunk.length);
                    }
                    out.print("\ndone\n");
                    out.flush();
                    return "printed";
                }).get(30, SECONDS);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!done.get() && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
            } catch (Throwable t) {
                result = t.toString();
            } finally {
                pool.shutdownNow();
                pool.awaitTermination(10, SECONDS);
            }
            Files.write(Path.of(args[0]), List.of("result=" + result, "done=" + done.get(),
                    "longest=" + longest.get()), StandardCharsets.UTF_8);
            System.exit(0);
        }
    }

    // ---- 11. a wrong token is turned away ----

    @Test
    @Timeout(30)
    void aConnectionWithAWrongTokenIsClosedAndThePoolCarriesOn() throws Exception {
        try (ProcessPool pool = new ProcessPool(options(1))) {
            long worker = pool.submit(ProcessPoolHardeningTest::pid).get(30, SECONDS);
            Field field = ProcessPool.class.getDeclaredField("socketPath");
            field.setAccessible(true);
            Path socket = (Path) field.get(pool);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())))
                    .isEqualTo("rwx------");
            try (SocketChannel intruder = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                ByteBuffer hello = ByteBuffer.allocate(4 + 1 + 4 + Wire.TOKEN_BYTES);
                hello.putInt(1 + 4 + Wire.TOKEN_BYTES).put(Wire.HELLO).putInt(0).put(new byte[Wire.TOKEN_BYTES]);
                hello.flip();
                while (hello.hasRemaining()) {
                    intruder.write(hello);
                }
                int read = intruder.read(ByteBuffer.allocate(64)); // blocks until the pool closes it
                assertThat(read).as("the pool closed the connection").isEqualTo(-1);
            }
            assertThat(pool.submit(ProcessPoolHardeningTest::pid).get(30, SECONDS)).isEqualTo(worker);
        }
    }

    // ---- 12. recycling with jitter ----

    @Test
    void jitterLetsEachWorkerRunBetweenItsLimitAndLimitPlusJitterTasks() throws Exception {
        List<Long> pids = new ArrayList<>();
        try (ProcessPool pool = new ProcessPool(options(1).withMaxTasksPerWorker(2, 2))) {
            List<Handle<Long>> handles = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                handles.add(pool.submit(ProcessPoolHardeningTest::pid));
            }
            for (Handle<Long> h : handles) {
                pids.add(h.get(30, SECONDS));
            }
        }
        List<Integer> runLengths = new ArrayList<>();
        int length = 1;
        for (int i = 1; i < pids.size(); i++) {
            if (pids.get(i).equals(pids.get(i - 1))) {
                length++;
            } else {
                runLengths.add(length);
                length = 1;
            }
        }
        assertThat(runLengths).as("tasks per worker, the last worker aside (pids %s)", pids)
                .allSatisfy(n -> assertThat(n).isBetween(2, 4));
        assertThat(length).as("tasks of the last worker (pids %s)", pids).isBetween(1, 4);
        assertThat(runLengths.size() + 1).as("workers, each a new process (pids %s)", pids)
                .isEqualTo(pids.stream().distinct().count());
    }

    @Test
    void optionsRefuseATaskLimitPlusJitterPastIntRange() {
        ProcessPool.Options defaults = ProcessPool.Options.defaults();
        assertThatThrownBy(() -> defaults.withMaxTasksPerWorker(Integer.MAX_VALUE, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.withMaxTasksPerWorker(1, Integer.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(defaults.withMaxTasksPerWorker(1_000_000, 1_000).maxTasksJitter()).isEqualTo(1_000);
    }

    // ---- 13. shutdownNow kills a task that ignores interrupts ----

    @Test
    void shutdownNowKillsAWorkerWhoseTaskIgnoresInterrupts(@TempDir Path dir) throws Exception {
        String started = dir.resolve("started").toString();
        String never = dir.resolve("never").toString();
        ProcessPool pool = new ProcessPool(options(1));
        List<Long> pids = new ArrayList<>();
        try {
            Handle<Object> spinning = pool.submit(() -> {
                Files.createFile(Path.of(started));
                while (!Files.exists(Path.of(never))) {
                    Thread.onSpinWait(); // deaf to interrupts
                }
                return null;
            });
            assertThat(awaitFile(Path.of(started), 30)).as("the task started").isTrue();
            pids.addAll(pool.workerInfo().stream().map(ProcessPool.WorkerInfo::pid).toList());
            assertThat(pids).hasSize(1);
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, SECONDS)).isTrue();
            assertThat(spinning.isCancelled()).isTrue();
            assertThat(awaitGone(pids.getFirst(), 5)).as("the worker is killed").isTrue();
        } finally {
            pool.shutdownNow();
            killAll(pids);
        }
    }
}
