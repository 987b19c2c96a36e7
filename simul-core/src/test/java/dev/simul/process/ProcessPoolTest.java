package dev.simul.process;

import dev.simul.serial.AllowList;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simul.runner.Handle;
import dev.simul.task.Task;
import dev.simul.task.Wait;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process pool: each test starts real worker JVMs. Tasks here are lambdas of this class (in dev.simul, so
 * allow-listed by default) that capture nothing but serializable values.
 */
@Timeout(60)
class ProcessPoolTest {

    private final List<String> log = new CopyOnWriteArrayList<>();

    private ProcessPool.Options options(int workers) {
        return ProcessPool.Options.defaults().withWorkers(workers).withLog(log::add);
    }

    private static long pid() {
        return ProcessHandle.current().pid();
    }

    @Test
    void runsTasksInWorkerProcessesAndMapsInOrderWithAndWithoutChunks() throws Exception {
        try (ProcessPool pool = new ProcessPool(options(2))) {
            assertThat(pool.mode()).isEqualTo("processes");
            assertThat(pool.workers()).isEqualTo(2);
            long here = pid();
            Handle<Long> elsewhere = pool.submit(ProcessPoolTest::pid);
            assertThat(elsewhere.get()).isNotEqualTo(here);
            List<Integer> inputs = IntStream.range(0, 500).boxed().toList();
            List<Integer> squares = inputs.stream().map(i -> i * i).toList();
            assertThat(pool.map(i -> i * i, inputs)).isEqualTo(squares);
            assertThat(pool.map(i -> i * i, inputs, 7)).isEqualTo(squares);
            assertThat(pool.map(i -> "s" + i, List.of(1, 2), 5)).containsExactly("s1", "s2");
            List<Handle<Integer>> handles = pool.submitAll(i -> i + 1, List.of(1, 2, 3));
            Set<Integer> seen = new HashSet<>();
            for (Handle<Integer> h : Handle.asCompleted(handles)) {
                seen.add(h.resultNow());
            }
            assertThat(seen).containsExactlyInAnyOrder(2, 3, 4);
            // A worker still starting on a loaded machine may have had no task yet; one that had one was ready.
            assertThat(pool.workerInfo()).allSatisfy(w -> assertThat(w.pid()).isPositive())
                    .filteredOn(w -> w.tasksDone() > 0).isNotEmpty()
                    .allSatisfy(w -> assertThat(w.startMillis()).isGreaterThanOrEqualTo(0));
        }
    }

    @Test
    void longTasksGoToIdleWorkersRatherThanQueueingOnTheFirstOneReady(@TempDir Path dir) throws Exception {
        String folder = dir.toString();
        try (ProcessPool pool = new ProcessPool(options(2))) {
            // Each task arrives at a barrier of marker files: both pass only if they run at the same time.
            List<Handle<Boolean>> both = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                String me = "task-" + i;
                both.add(pool.submit(() -> {
                    Files.createFile(Path.of(folder, me));
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                    while (System.nanoTime() < deadline) {
                        try (var files = Files.list(Path.of(folder))) {
                            if (files.count() == 2) {
                                return true;
                            }
                        }
                        Thread.sleep(5);
                    }
                    return false;
                }));
            }
            assertThat(both.get(0).get()).isTrue();
            assertThat(both.get(1).get()).isTrue();
        }
    }

    @Test
    void everyValueKindCrossesBothWays() throws Exception {
        try (ProcessPool pool = new ProcessPool(options(1))) {
            List<Object> values = new ArrayList<>();
            values.add(null);
            values.addAll(List.of(7, 7L, 2.5, true, "é€", new byte[] {1, 2}, List.of(1, "a"),
                    java.time.Duration.ofSeconds(3), URI.create("https://example.org/x")));
            List<Object> back = pool.map(v -> v, values);
            assertThat(back).hasSize(values.size());
            assertThat(back.get(6)).isEqualTo(new byte[] {1, 2});
            back.set(6, null);
            values.set(6, null);
            assertThat(back).isEqualTo(values);
        }
    }

    @Test
    void aTasksOwnExceptionIsTheCauseAndOneThatCannotTravelIsDescribed() throws Exception {
        try (ProcessPool pool = new ProcessPool(options(1))) {
            assertThatThrownBy(() -> pool.submit(() -> {
                throw new IOException("disk full");
            }).get()).isInstanceOf(ExecutionException.class).cause().isInstanceOf(IOException.class)
                    .hasMessage("disk full");
            assertThatThrownBy(() -> pool.submit(() -> {
                throw new NotSerializableThrown();
            }).get()).cause().isInstanceOf(RemoteTaskException.class)
                    .hasMessageContaining(NotSerializableThrown.class.getName())
                    .satisfies(e -> assertThat(((RemoteTaskException) e).remoteStackTrace())
                            .contains("ProcessPoolTest"));
            assertThat(pool.submit(() -> "still fine").get()).isEqualTo("still fine");
        }
    }

    /** An exception with a field that cannot be serialized. */
    static final class NotSerializableThrown extends RuntimeException {
        @SuppressWarnings("unused")
        private final transient Object ok = new Object();
        @SuppressWarnings({"unused", "serial"})
        private final Object notOk = new Object();
    }

    @Test
    void aTaskOrResultThatCannotBeSerializedFailsAloneWithAClearReason() throws Exception {
        try (ProcessPool pool = new ProcessPool(options(1))) {
            Object lock = new Object();
            assertThatThrownBy(() -> pool.submit(() -> lock.hashCode()).get()).cause()
                    .isInstanceOf(NotSerializableException.class).hasMessageContaining("cannot be sent to a worker");
            assertThatThrownBy(() -> pool.submit(Object::new).get()).cause()
                    .isInstanceOf(NotSerializableException.class).hasMessageContaining("java.lang.Object");
            assertThat(pool.submit(() -> 1).get()).isEqualTo(1);
        }
    }

    @Test
    void deserializationRefusesClassesOffTheAllowListBeforeTheirCodeRuns() throws Exception {
        evil.Gadget.readObjectRan = false;
        // A crafted payload straight through the filter both sides use.
        byte[] payload = serialize(new evil.Gadget());
        AllowList.Filter filter = AllowList.filter(AllowList.filterText(List.of()));
        assertThatThrownBy(() -> Wire.deserialize(payload, filter, getClass().getClassLoader()))
                .isInstanceOf(InvalidClassException.class).hasMessageContaining("class evil.Gadget is not allow-listed");
        assertThatThrownBy(() -> Wire.deserialize(serialize(new java.net.URL("http://example.org")), filter,
                getClass().getClassLoader())).hasMessageContaining("java.net.URL");
        assertThat(evil.Gadget.readObjectRan).isFalse();
        // A graph past the limits is refused too.
        Object[] deep = new Object[1];
        Object[] cursor = deep;
        for (int i = 0; i < 300; i++) {
            Object[] next = new Object[1];
            cursor[0] = next;
            cursor = next;
        }
        assertThatThrownBy(() -> Wire.deserialize(serialize(deep), filter, getClass().getClassLoader()))
                .isInstanceOf(InvalidClassException.class);
        // End to end: what no submitted work brought is refused; a worker's result that is a gadget is refused
        // in this JVM before its readObject runs, and an explicit exclusion holds even for what a task carried.
        try (ProcessPool pool = new ProcessPool(options(1))) {
            assertThatThrownBy(() -> pool.submit(evil.Gadget::new).get()).cause()
                    .isInstanceOf(java.io.IOException.class).hasMessageContaining("class evil.Gadget is not allow-listed");
            assertThat(evil.Gadget.readObjectRan).isFalse();
            assertThatThrownBy(() -> pool.submit(() -> new java.net.URL("http://example.org")).get()).cause()
                    .hasMessageContaining("java.net.URL is not allow-listed");
            java.net.URL url = new java.net.URL("http://example.org");
            assertThatThrownBy(() -> pool.submit(() -> url.getHost()).get()).cause()
                    .isInstanceOf(InvalidClassException.class).hasMessageContaining("java.net.URL is not allow-listed");
            // What a submitted task carries crosses: the user's own objects, whatever their package.
            evil.Gadget carried = new evil.Gadget();
            assertThat(pool.submit(() -> carried.getClass().getName()).get()).isEqualTo("evil.Gadget");
            assertThat(pool.submit(() -> 1).get()).isEqualTo(1);
        }
        try (ProcessPool pool = new ProcessPool(options(1).withAllowedClasses("evil.*"))) {
            assertThat(pool.submit(evil.Gadget::new).get()).isInstanceOf(evil.Gadget.class);
        }
        assertThatThrownBy(() -> options(1).withAllowedClasses("evil;*")).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] serialize(Object o) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    @Test
    void aWorkerThatExitsFailsOnlyItsTaskNamingPidAndCodeAndIsReplaced() throws Exception {
        try (ProcessPool pool = new ProcessPool(options(2))) {
            List<Handle<Integer>> others = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                int n = i;
                others.add(pool.submit(() -> {
                    Wait.sleep(Duration.ofMillis(50));
                    return n;
                }));
            }
            Handle<Object> crash = pool.submit(() -> {
                System.err.println("about to exit");
                System.exit(7);
                return null;
            });
            assertThatThrownBy(crash::get).cause().isInstanceOf(WorkerCrashedException.class)
                    .hasMessageContaining("exited with code 7").hasMessageContaining("about to exit")
                    .satisfies(e -> {
                        WorkerCrashedException c = (WorkerCrashedException) e;
                        assertThat(c.exitCode()).isEqualTo(7);
                        assertThat(c.signal()).isNull();
                        assertThat(c.pid()).isPositive();
                        assertThat(c.lastOutput()).contains("about to exit");
                    });
            for (int i = 0; i < 6; i++) {
                assertThat(others.get(i).get()).isEqualTo(i);
            }
            assertThat(pool.submit(() -> "after").get()).isEqualTo("after");
        }
        assertThat(log).anySatisfy(line -> assertThat(line).matches("\\[worker \\d+] about to exit"));
    }

    @Test
    void aWorkerKilledBySignalOrOutOfMemoryOrANativeCrashFailsItsTaskWithTheCause() throws Exception {
        try (ProcessPool pool = new ProcessPool(options(1).withJvmOptions("-Xmx64m", "-XX:-CreateCoredumpOnCrash",
                "--sun-misc-unsafe-memory-access=allow"))) {
            assertThatThrownBy(() -> pool.submit(() -> {
                new ProcessBuilder("kill", "-9", Long.toString(pid())).start().waitFor();
                Thread.sleep(10_000);
                return null;
            }).get()).cause().isInstanceOf(WorkerCrashedException.class).hasMessageContaining("signal 9");
            assertThatThrownBy(() -> pool.submit(() -> {
                List<long[]> hog = new ArrayList<>();
                while (true) {
                    hog.add(new long[1 << 20]);
                }
            }).get()).cause().isInstanceOf(WorkerCrashedException.class).hasMessageContaining("out of memory");
            assertThatThrownBy(() -> pool.submit(() -> {
                java.lang.reflect.Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
                f.setAccessible(true);
                ((sun.misc.Unsafe) f.get(null)).putAddress(0, 42);
                return null;
            }).get()).cause().isInstanceOf(WorkerCrashedException.class)
                    .hasMessageContaining("SIGSEGV"); // from the JVM's fatal error report
            assertThat(pool.submit(() -> "alive").get()).isEqualTo("alive");
        }
    }

    @Test
    void aCrashedTaskRunsAgainWhenRetriesAreOn(@TempDir Path dir) throws Exception {
        String marker = dir.resolve("crashed-once").toString();
        try (ProcessPool pool = new ProcessPool(options(1).withRetries(1))) {
            assertThat(pool.submit(() -> {
                Path m = Path.of(marker);
                if (!Files.exists(m)) {
                    Files.createFile(m);
                    Runtime.getRuntime().halt(1);
                }
                return "second time lucky";
            }).get()).isEqualTo("second time lucky");
            assertThatThrownBy(() -> pool.submit(() -> {
                Runtime.getRuntime().halt(1);
                return null;
            }).get()).cause().isInstanceOf(WorkerCrashedException.class);
        }
        assertThat(log).anySatisfy(line -> assertThat(line).contains("running it again"));
    }

    @Test
    void aTaskPastItsTimeoutFailsAndItsWorkerIsReplaced() throws Exception {
        try (ProcessPool pool = new ProcessPool(options(1).withTaskTimeout(Duration.ofMillis(300)))) {
            long first = pool.submit(ProcessPoolTest::pid).get();
            assertThatThrownBy(() -> pool.submit(() -> {
                Thread.sleep(60_000);
                return null;
            }).get()).cause().isInstanceOf(TaskTimeoutException.class).hasMessageContaining("300 ms");
            long after = pool.submit(ProcessPoolTest::pid).get();
            assertThat(after).isNotEqualTo(first);
            assertThat(ProcessHandle.of(first).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }
    }

    @Test
    void workersAreRecycledAfterTheirTaskLimit() throws Exception {
        try (ProcessPool pool = new ProcessPool(options(1).withMaxTasksPerWorker(3, 0))) {
            List<Long> pids = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                pids.add(pool.submit(ProcessPoolTest::pid).get());
            }
            assertThat(pids.subList(0, 3)).containsOnly(pids.get(0));
            assertThat(pids.subList(3, 6)).containsOnly(pids.get(3));
            assertThat(pids.get(3)).isNotEqualTo(pids.get(0));
            assertThat(pids.get(6)).isNotIn(pids.get(0), pids.get(3));
        }
    }

    /** Memory a worker keeps between tasks. */
    static final List<byte[]> HELD = new ArrayList<>();

    @Test
    void aWorkerPastItsMemoryLimitIsReplacedBeforeItsNextTaskAndNothingIsLost() throws Exception {
        long limit = 400L << 20;
        try (ProcessPool pool = new ProcessPool(options(1).withMaxWorkerMemory(limit).withJvmOptions("-Xmx1g"))) {
            long first = pool.submit(ProcessPoolTest::pid).get();
            // The hog and the tasks queued behind it, sent ahead to the same worker.
            Handle<Long> hog = pool.submit(() -> {
                for (int i = 0; i < 60; i++) {
                    byte[] b = new byte[10 << 20];
                    java.util.Arrays.fill(b, (byte) 1); // touched, so resident
                    HELD.add(b);
                }
                return pid();
            });
            List<Handle<Long>> after = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                after.add(pool.submit(ProcessPoolTest::pid));
            }
            assertThat(hog.get()).isEqualTo(first);
            for (Handle<Long> h : after) {
                assertThat(h.get()).isNotEqualTo(first);
            }
        }
        assertThat(log).anySatisfy(line -> assertThat(line).contains("past the limit"));
    }

    @Test
    void theInitializerRunsOncePerWorkerAndAFailingOneFailsTheTasksNotThePool() throws Exception {
        Task<Object> init = () -> System.setProperty("simul.test.inits",
                Integer.toString(Integer.getInteger("simul.test.inits", 0) + 1));
        try (ProcessPool pool = new ProcessPool(options(2).withInitializer(init))) {
            assertThat(pool.map(i -> System.getProperty("simul.test.inits"), IntStream.range(0, 20).boxed().toList()))
                    .containsOnly("1");
        }
        Task<Object> failing = () -> {
            throw new IllegalStateException("no database");
        };
        try (ProcessPool pool = new ProcessPool(options(1).withInitializer(failing))) {
            assertThatThrownBy(() -> pool.submit(() -> 1).get()).cause().isInstanceOf(IOException.class)
                    .hasMessageContaining("no database");
        }
    }

    @Test
    void cancellingARunningTaskInterruptsItAndTheWorkerCarriesOn(@TempDir Path dir) throws Exception {
        String started = dir.resolve("started").toString();
        try (ProcessPool pool = new ProcessPool(options(1))) {
            long worker = pool.submit(ProcessPoolTest::pid).get();
            Handle<Object> sleeper = pool.submit(() -> {
                Files.createFile(Path.of(started));
                Thread.sleep(60_000);
                return null;
            });
            Handle<Long> queued = pool.submit(ProcessPoolTest::pid);
            Handle<Long> cancelledWhileQueued = pool.submit(ProcessPoolTest::pid);
            cancelledWhileQueued.cancel(true);
            assertThat(waitForFile(Path.of(started))).as("the sleeper started").isTrue();
            sleeper.cancel(true);
            assertThat(queued.get()).isEqualTo(worker); // the same worker: interrupted, not killed
            assertThatThrownBy(sleeper::get).isInstanceOf(CancellationException.class);
            assertThat(cancelledWhileQueued.state()).isEqualTo(Future.State.CANCELLED);
        }
    }

    private static boolean waitForFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(file) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return Files.exists(file);
    }

    @Test
    void closeStopsTheWorkersAndShutdownNowKillsThem(@TempDir Path dir) throws Exception {
        ProcessPool pool = new ProcessPool(options(2));
        pool.map(i -> i, List.of(1, 2, 3, 4));
        List<Long> pids = pool.workerInfo().stream().map(ProcessPool.WorkerInfo::pid).toList();
        pool.close();
        assertThat(pool.isTerminated()).isTrue();
        for (long p : pids) {
            assertThat(ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }

        String started = dir.resolve("started").toString();
        String never = dir.resolve("never").toString();
        ProcessPool busy = new ProcessPool(options(1));
        Handle<Object> running = busy.submit(() -> {
            Files.createFile(Path.of(started));
            while (!Files.exists(Path.of(never))) {
                Thread.onSpinWait(); // deaf to interrupts: only a kill stops it
            }
            return null;
        });
        assertThat(waitForFile(Path.of(started))).as("the task started").isTrue();
        long pid = busy.workerInfo().getFirst().pid();
        try {
            Handle<Long> queued = busy.submit(ProcessPoolTest::pid);
            busy.shutdownNow();
            assertThat(busy.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            assertThat(running.isCancelled()).isTrue();
            assertThat(queued.isDone()).isTrue();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly); // a failed run leaves no spinner
        }
    }

    /** The pool's own platform threads, by name: the JDK's (its process reapers, say) are not the pool's. */
    private static List<String> poolThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !t.isVirtual() && t.getName().startsWith("simul-pool")).map(Thread::getName).toList();
    }

    @Test
    void thePoolRunsOnOneThreadOfItsOwnWhateverItsNumberOfWorkers() throws Exception {
        for (int workers : new int[] {1, 4}) {
            try (ProcessPool pool = new ProcessPool(options(workers))) {
                // Every worker busy at once, so every one is connected and talking to the pool.
                List<Handle<Long>> handles = new ArrayList<>();
                for (int i = 0; i < workers; i++) {
                    handles.add(pool.submit(() -> {
                        Wait.sleep(Duration.ofMillis(300));
                        return pid();
                    }));
                }
                Set<Long> pids = new HashSet<>();
                for (Handle<Long> h : handles) {
                    pids.add(h.get());
                }
                assertThat(pids).as("one task per worker").hasSizeLessThanOrEqualTo(workers);
                assertThat(poolThreads()).as("with %d workers", workers).hasSize(1);
            }
        }
    }

    @Test
    void workersOutputGoesToThePoolsLogWithTheirId() throws Exception {
        try (ProcessPool pool = new ProcessPool(options(1))) {
            pool.submit(() -> {
                System.out.println("hello from a task");
                System.out.flush();
                return null;
            }).get();
        }
        assertThat(log).anySatisfy(line -> assertThat(line).matches("\\[worker \\d+] hello from a task"));
    }

    @Test
    void noWorkerOutlivesItsPoolsJvmEvenKilledBySigkill(@TempDir Path dir) throws Exception {
        Path pidsFile = dir.resolve("pids");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process parent = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                OrphanParent.class.getName(), pidsFile.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("parent.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        while (!Files.exists(pidsFile) && System.nanoTime() < deadline && parent.isAlive()) {
            Thread.sleep(20);
        }
        assertThat(pidsFile).as(Files.exists(dir.resolve("parent.log"))
                ? Files.readString(dir.resolve("parent.log")) : "no log").exists();
        List<Long> workers = Files.readAllLines(pidsFile).stream().map(Long::parseLong).toList();
        assertThat(workers).hasSize(2).allSatisfy(p -> assertThat(ProcessHandle.of(p)).isPresent());
        new ProcessBuilder("kill", "-9", Long.toString(parent.pid())).start().waitFor();
        parent.waitFor();
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (workers.stream().anyMatch(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false))
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(workers).allSatisfy(p ->
                assertThat(ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)).isFalse());
    }

    /** A JVM that starts a pool, writes its workers' pids, and waits to be killed. */
    public static final class OrphanParent {
        public static void main(String[] args) throws Exception {
            ProcessPool pool = new ProcessPool(2);
            pool.map(i -> i, List.of(1, 2, 3, 4));
            while (pool.workerInfo().stream().filter(w -> w.startMillis() >= 0).count() < 2) {
                Thread.sleep(10);
            }
            List<String> pids = pool.workerInfo().stream().map(w -> Long.toString(w.pid())).toList();
            Path tmp = Path.of(args[0] + ".tmp");
            Files.write(tmp, pids);
            Files.move(tmp, Path.of(args[0]));
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
