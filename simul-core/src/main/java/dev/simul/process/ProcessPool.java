package dev.simul.process;

import dev.simul.serial.AllowList;
import dev.simul.loop.EventLoop;
import dev.simul.runner.AbstractRunner;
import dev.simul.runner.Promise;
import dev.simul.task.Task;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The {@code processes} mode: tasks run in worker JVMs, children of this one, started from the same java binary and
 * class path. A worker's crash, exit or runaway memory is its own: only the task it was running fails (with a
 * {@link WorkerCrashedException} naming its pid, exit code or signal and its last stderr lines), the worker is
 * replaced, and the pool carries on; there is no pool-wide broken state.
 *
 * <p>What the pool adds to the {@link dev.simul.runner.Runner} API, through {@link Options}: an initializer run
 * once in each worker; {@code maxTasksPerWorker} (with jitter, so workers do not all restart at once) and
 * {@code maxWorkerMemory} (a worker whose resident memory passed it is replaced before its next task), after
 * Gunicorn's worker recycling; a per-task timeout, past which the task's worker is killed and replaced; retries
 * of crashed tasks, for owners who declare their tasks idempotent; the classes allowed to cross the boundary.
 *
 * <p>What crosses: tasks, inputs and results are read on both sides through an allow-list of classes: the JDK's
 * value, collection and exception types, simul's own, the classes the submitted work carried (every class the pool
 * serialized into a task, an input or a map's function), the package of the submitted code (for the results and
 * exceptions it makes), and {@link Options#allowedClasses()}. A class that none of these names, such as a library's
 * gadget returned by a compromised worker, is refused before its {@code readObject} runs.
 *
 * <p>How it works: the pool listens on a Unix-domain socket in a private folder; each worker gets a random token
 * on its stdin and presents it when it connects. Frames ({@link Wire}) carry tasks one way and results the other,
 * each tagged with a request id. A worker runs its tasks in the order sent, so the oldest unanswered task of a
 * worker is the one it is running, and the others have not started: when a worker dies, those go to another
 * worker. A worker is sent a few tasks ahead (fewer for long tasks, more for tiny ones) so that it never waits
 * for the next. {@code map} sends its function to each worker once and then only the inputs. Workers' stdout and
 * stderr lines go to the pool's log with the worker's id; they never mix with the protocol. A worker exits when
 * its stdin ends, so none outlives the pool's JVM, even one killed by SIGKILL.
 *
 * <p>Threads: the pool's state has one owner, {@link Manager}, on the pool's own {@link EventLoop} thread, which
 * also reads and writes every worker's socket and reads their output; submitters hand it their tasks. Done
 * callbacks of the pool's tasks run on that thread: a callback that blocks holds up the pool.
 */
public final class ProcessPool extends AbstractRunner {

    /**
     * How a pool runs.
     *
     * @param workers           worker processes at most (default: one per processor)
     * @param maxTasksPerWorker tasks a worker runs before it is replaced, or 0 for no limit
     * @param maxTasksJitter    up to this many more, at random per worker, so that workers restart at different times
     * @param maxWorkerMemory   resident bytes past which a worker is replaced before its next task, or 0
     * @param taskTimeout       how long a task may run before its worker is killed, or null for no limit
     * @param retries           how many more times a task whose worker crashed under it runs again: set it only if
     *                          the pool's tasks are idempotent (a timed-out task is not retried)
     * @param initializer       a task run once in each worker before its first task, or null
     * @param allowedClasses    classes or packages ({@code com.acme.**}) that tasks, inputs and results may contain,
     *                          besides the JDK's value, collection and exception types, simul's own, and what the
     *                          submitted work carried (see the class comment): needed only for results of classes that
     *                          no task carried, from a package other than the submitted code's
     * @param jvmOptions        extra options for the worker JVMs ({@code -Xmx512m}, say)
     * @param log               where the workers' output lines go, prefixed with the worker's id
     * @param maxMessageSize    the largest frame (a task, a result) that crosses, in bytes: a result over it fails its
     *                          task with a {@link MessageTooLargeException}, and the worker carries on
     */
    public record Options(int workers, int maxTasksPerWorker, int maxTasksJitter, long maxWorkerMemory,
                          Duration taskTimeout, int retries, Task<?> initializer, List<String> allowedClasses,
                          List<String> jvmOptions, Consumer<String> log, long maxMessageSize) {

        /** The default {@link #maxMessageSize}. */
        public static final long DEFAULT_MAX_MESSAGE_SIZE = 256L * 1024 * 1024;

        /** Options as they were before {@link #maxMessageSize} came, with its default. */
        public Options(int workers, int maxTasksPerWorker, int maxTasksJitter, long maxWorkerMemory,
                       Duration taskTimeout, int retries, Task<?> initializer, List<String> allowedClasses,
                       List<String> jvmOptions, Consumer<String> log) {
            this(workers, maxTasksPerWorker, maxTasksJitter, maxWorkerMemory, taskTimeout, retries, initializer,
                    allowedClasses, jvmOptions, log, DEFAULT_MAX_MESSAGE_SIZE);
        }

        /** One worker per processor; no recycling, timeout, retries or initializer; output to stderr. */
        public static Options defaults() {
            return new Options(Runtime.getRuntime().availableProcessors(), 0, 0, 0, null, 0, null, List.of(),
                    List.of(), System.err::println, DEFAULT_MAX_MESSAGE_SIZE);
        }

        public Options {
            if (workers < 1) {
                throw new IllegalArgumentException("workers must be at least 1, got " + workers);
            }
            if (maxTasksPerWorker < 0 || maxTasksJitter < 0 || maxWorkerMemory < 0 || retries < 0) {
                throw new IllegalArgumentException("limits and retries must not be negative");
            }
            if ((long) maxTasksPerWorker + maxTasksJitter >= Integer.MAX_VALUE) {
                throw new IllegalArgumentException("maxTasksPerWorker plus its jitter must fit an int");
            }
            if (taskTimeout != null && (taskTimeout.isNegative() || taskTimeout.isZero())) {
                throw new IllegalArgumentException("taskTimeout must be positive, got " + taskTimeout);
            }
            allowedClasses = List.copyOf(allowedClasses);
            jvmOptions = List.copyOf(jvmOptions);
            AllowList.filterText(allowedClasses); // fails now on a malformed pattern
            Objects.requireNonNull(log, "log");
            if (maxMessageSize <= 0 || maxMessageSize > Wire.MAX_FRAME) {
                throw new IllegalArgumentException("maxMessageSize must be between 1 and " + Wire.MAX_FRAME
                        + " bytes, got " + maxMessageSize);
            }
        }

        /** These options with {@code n} workers. */
        public Options withWorkers(int n) {
            return new Options(n, maxTasksPerWorker, maxTasksJitter, maxWorkerMemory, taskTimeout, retries,
                    initializer, allowedClasses, jvmOptions, log, maxMessageSize);
        }

        /** Replace each worker after {@code max} tasks plus a random 0 to {@code jitter} more. */
        public Options withMaxTasksPerWorker(int max, int jitter) {
            return new Options(workers, max, jitter, maxWorkerMemory, taskTimeout, retries, initializer,
                    allowedClasses, jvmOptions, log, maxMessageSize);
        }

        /** Replace a worker, before its next task, once its resident memory is past {@code bytes}. */
        public Options withMaxWorkerMemory(long bytes) {
            return new Options(workers, maxTasksPerWorker, maxTasksJitter, bytes, taskTimeout, retries, initializer,
                    allowedClasses, jvmOptions, log, maxMessageSize);
        }

        /** Kill a task's worker, and fail the task, once it has run for {@code timeout}. */
        public Options withTaskTimeout(Duration timeout) {
            return new Options(workers, maxTasksPerWorker, maxTasksJitter, maxWorkerMemory, timeout, retries,
                    initializer, allowedClasses, jvmOptions, log, maxMessageSize);
        }

        /** Run a task again, up to {@code n} more times, when its worker crashes under it (idempotent tasks). */
        public Options withRetries(int n) {
            return new Options(workers, maxTasksPerWorker, maxTasksJitter, maxWorkerMemory, taskTimeout, n,
                    initializer, allowedClasses, jvmOptions, log, maxMessageSize);
        }

        /** Run {@code init} once in each worker, before its first task; if it fails, the worker does not start. */
        public Options withInitializer(Task<?> init) {
            return new Options(workers, maxTasksPerWorker, maxTasksJitter, maxWorkerMemory, taskTimeout, retries,
                    init, allowedClasses, jvmOptions, log, maxMessageSize);
        }

        /**
         * Also allow these classes or packages across the boundary ({@code com.acme.**}): results of classes that
         * no submitted task carried, from a package other than the submitted code's.
         */
        public Options withAllowedClasses(String... patterns) {
            List<String> all = new ArrayList<>(allowedClasses);
            all.addAll(List.of(patterns));
            return new Options(workers, maxTasksPerWorker, maxTasksJitter, maxWorkerMemory, taskTimeout, retries,
                    initializer, all, jvmOptions, log, maxMessageSize);
        }

        /** Start workers with these extra JVM options. */
        public Options withJvmOptions(String... options) {
            return new Options(workers, maxTasksPerWorker, maxTasksJitter, maxWorkerMemory, taskTimeout, retries,
                    initializer, allowedClasses, List.of(options), log, maxMessageSize);
        }

        /**
         * Let frames of up to {@code bytes} cross (at most 512 MiB); a result over it fails its task
         * with a {@link MessageTooLargeException} instead of costing the worker its memory.
         */
        public Options withMaxMessageSize(long bytes) {
            return new Options(workers, maxTasksPerWorker, maxTasksJitter, maxWorkerMemory, taskTimeout, retries,
                    initializer, allowedClasses, jvmOptions, log, bytes);
        }

        /** Send the workers' output lines to {@code sink} instead of stderr. */
        public Options withLog(Consumer<String> sink) {
            return new Options(workers, maxTasksPerWorker, maxTasksJitter, maxWorkerMemory, taskTimeout, retries,
                    initializer, allowedClasses, jvmOptions, sink, maxMessageSize);
        }
    }

    /**
     * A worker as the pool sees it.
     *
     * @param id           the pool's number for it (its log prefix)
     * @param pid          its process id, or -1 before it started
     * @param startMillis  from launching its JVM to its READY (initializer included), or -1 if not ready yet
     * @param tasksDone    tasks it has answered
     */
    public record WorkerInfo(int id, long pid, long startMillis, int tasksDone) {
    }

    private final Options options;
    private final EventLoop loop;
    private final Manager manager;
    private final Thread loopThread;
    private final Path socketPath;

    /** A pool with the default options. */
    public ProcessPool() {
        this(Options.defaults());
    }

    /** A pool with {@code workers} workers and otherwise default options. */
    public ProcessPool(int workers) {
        this(Options.defaults().withWorkers(workers));
    }

    /** Starts a pool: its workers start launching at once, in the background. */
    public ProcessPool(Options options) {
        super(ProcessesMode.NAME, options.workers());
        this.options = options;
        ServerSocketChannel server;
        try {
            Path dir = Files.createTempDirectory(StaleFolders.prefix(), // simul-pool-PID-: see StaleFolders
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            socketPath = dir.resolve("s");
            dir.toFile().deleteOnExit(); // for a JVM that exits without closing the pool; the socket first
            socketPath.toFile().deleteOnExit();
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socketPath));
            server.configureBlocking(false);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the process pool's socket: " + e.getMessage(), e);
        }
        loop = new EventLoop();
        loop.setSlowCallbackThreshold(null); // encoding a big task takes what it takes; nobody else waits on it
        manager = new Manager(options, loop, server, socketPath);
        manager.post(manager::start);
        loopThread = Thread.ofPlatform().daemon().name("simul-pool-" + POOLS.incrementAndGet()).start(() -> {
            try {
                loop.runForever();
            } finally {
                loop.close();
            }
        });
    }

    private static final java.util.concurrent.atomic.AtomicInteger POOLS = new java.util.concurrent.atomic.AtomicInteger();

    /** The pool's socket, for tests. */
    Path socketPath() {
        return socketPath;
    }

    /** The options this pool runs with. */
    public Options options() {
        return options;
    }

    /** The live workers, with their start times. */
    public List<WorkerInfo> workerInfo() {
        return manager.ask(manager::workerInfo, List.of());
    }

    @Override
    protected void dispatch(Promise<?> promise) {
        manager.post(() -> manager.enqueue(promise));
    }

    @Override
    protected void terminate() {
        manager.post(manager::terminate);
    }

    /** A worker still runs a task whose promise is done (cancelled without interruption): it is not over yet. */
    @Override
    protected boolean tasksRunning() {
        return manager.busy() && loopThread.isAlive();
    }

    /** The workers are gone once the pool's loop has ended: it ends after the last of them. */
    @Override
    protected boolean awaitResources(long deadlineNanos) throws InterruptedException {
        if (Thread.currentThread() == loopThread) {
            return false; // from a callback on the pool's own thread: it cannot wait for itself
        }
        long left = deadlineNanos - System.nanoTime();
        if (left > 0) {
            loopThread.join(Duration.ofNanos(left));
        }
        return !loopThread.isAlive();
    }

    /** How long a worker whose task {@link #shutdownNow()} interrupted has to end it before it is killed. */
    public static final Duration KILL_GRACE = Duration.ofSeconds(1);

    /**
     * Cancels everything unfinished, as every runner does: running tasks are interrupted, and a worker that has
     * not ended its task {@link #KILL_GRACE} later is killed; the others exit at once. Returns at once. The tasks
     * it returns are exactly those that never started: queued here, or sent ahead to a worker that had not begun
     * them (each worker is asked, and says which task it began last).
     */
    @Override
    public List<Runnable> shutdownNow() {
        List<Runnable> neverStarted = super.shutdownNow(); // every promise is done: terminate() told workers to EXIT
        manager.post(() -> manager.killAfter(KILL_GRACE));
        return neverStarted;
    }

    /** How long {@link #shutdownNow()} waits for workers to say which task they began last. */
    private static final Duration STOP_ANSWER_TIMEOUT = Duration.ofSeconds(2);

    /**
     * The jobs that never started: those queued that never ran anywhere, and those sent ahead to a worker after
     * the last task it began. Each worker holding jobs is told to STOP (begin nothing more, interrupt what runs)
     * and answers with that task's id; a worker that does not answer in time is taken to be running its oldest
     * unanswered job, and the ones behind it not started. From a callback on the pool's own thread, which would
     * read those answers, nobody waits for them.
     */
    @Override
    protected List<Promise<?>> withdrawUnstarted() {
        CompletableFuture<List<Promise<?>>> answer = new CompletableFuture<>();
        if (loop.inLoopThread()) {
            manager.withdraw(answer, Duration.ZERO);
        } else {
            manager.post(() -> manager.withdraw(answer, STOP_ANSWER_TIMEOUT));
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    // The loop answers within STOP_ANSWER_TIMEOUT; a pool that already finished never does.
                    return answer.get(STOP_ANSWER_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                    return List.of();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
