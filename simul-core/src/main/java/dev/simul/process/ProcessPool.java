package dev.simul.process;

import dev.simul.runner.AbstractRunner;
import dev.simul.runner.Promise;
import dev.simul.task.Fn;
import dev.simul.task.Task;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
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
 * <p>Locking: {@code lock} guards the queue, the workers and their in-flight lists; a worker's own lock orders
 * its writes. A thread takes the pool's lock alone or the worker's lock and then, briefly, the pool's; promises
 * are completed outside both.
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

    /** What a worker is sent ahead of its running task, at most; fewer when tasks are long. */
    static final int MAX_WINDOW = 64;
    /** The work a worker is sent ahead of its running task, in nanoseconds of (measured) task time. */
    private static final long AHEAD_NANOS = 2_000_000;
    /** Consecutive worker starts that fail before the queued tasks fail instead of waiting. */
    private static final int START_ATTEMPTS = 3;
    /** Functions remembered per worker for {@code map}. */
    private static final int FUNCTIONS_PER_WORKER = 256;
    /** How long a worker may take from launch to READY. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Options options;
    private final String filterText;
    private final AllowList.Filter filter;
    private final Object lock = new Object();
    private final ArrayDeque<Job> pending = new ArrayDeque<>();
    private final List<Worker> workers = new ArrayList<>();
    private final Path socketDir;
    private final Path socketPath;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final WorkerCommand command;
    private Worker trainer; // guarded by lock; the worker writing the AOT cache, if any
    private Path trainingOutput; // guarded by lock
    private final ScheduledExecutorService timers;
    private final SecureRandom random = new SecureRandom();
    private final Map<Fn<?, ?>, Long> functionIds = new IdentityHashMap<>();
    private long nextJobId;
    private long nextFunctionId;
    private int nextWorkerId;
    private int failedStarts;
    private long taskNanosEstimate = 1_000_000; // guarded by lock; an EWMA of measured task times
    private boolean stopping;

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
        this.filterText = AllowList.filterText(options.allowedClasses());
        this.filter = AllowList.filter(filterText);
        try {
            socketDir = Files.createTempDirectory("simul-pool-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            socketPath = socketDir.resolve("s");
            socketDir.toFile().deleteOnExit(); // for a JVM that exits without closing the pool; the socket first
            socketPath.toFile().deleteOnExit();
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socketPath));
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the process pool's socket: " + e.getMessage(), e);
        }
        command = WorkerCommand.of(options.jvmOptions());
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().daemon()
                .name("simul-pool-timers").unstarted(r));
        t.setRemoveOnCancelPolicy(true);
        timers = t;
        acceptor = Thread.ofPlatform().daemon().name("simul-pool-acceptor").start(this::accept);
        synchronized (lock) {
            for (int i = 0; i < options.workers(); i++) {
                launch();
            }
        }
    }

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
        synchronized (lock) {
            return workers.stream().map(Worker::info).toList();
        }
    }

    // ---- jobs ----

    /** A task on its way: queued, then in flight on one worker, until its promise is done. */
    static final class Job {
        final long id;
        final Promise<?> promise;
        int attempts;
        boolean claimed; // guarded by lock; its promise started, the first time it was sent
        Worker worker; // guarded by lock
        long runningSince; // guarded by lock; when it became its worker's running task

        Job(long id, Promise<?> promise) {
            this.id = id;
            this.promise = promise;
        }
    }

    /** The task {@code map} and {@code submitAll} make: its function crosses to each worker once. */
    record Call<I, O>(Fn<? super I, ? extends O> fn, I input) implements Task<O> {
        @Override
        public O call() throws Exception {
            return fn.apply(input);
        }
    }

    @Override
    protected <I, O> Task<O> bind(Fn<? super I, ? extends O> fn, I input) {
        return new Call<>(fn, input);
    }

    @Override
    protected void dispatch(Promise<?> promise) {
        Job job;
        synchronized (lock) {
            if (stopping) { // shutdownNow ran between this submit's count and its dispatch: nothing will run it
                promise.cancel(false);
                return;
            }
            job = new Job(nextJobId++, promise);
            pending.add(job);
            if (failedStarts >= START_ATTEMPTS) {
                failedStarts = 0; // new work: try starting workers again
            }
            replenish();
        }
        promise.onDone(done -> {
            if (done.isCancelled()) {
                cancelled(job);
            }
        });
        pump();
    }

    private void cancelled(Job job) {
        Worker worker;
        synchronized (lock) {
            worker = job.worker;
            if (worker == null) {
                return; // still queued: the pump skips it (removing it here would cost O(queue) per cancel)
            }
            // The worker skips it if it has not started; if it has, interrupts it or, for cancel(false), lets it end.
            worker.controls.add(new Worker.Control(job.promise.interruptRequested() ? Wire.CANCEL : Wire.SKIP,
                    job.id));
        }
        worker.flush(this);
    }

    /** Sends queued jobs to workers with room; retires workers that reached their task limit. */
    void pump() {
        List<Worker> toFlush = new ArrayList<>();
        synchronized (lock) {
            int window = window();
            // Workers with nothing to do, ready or still starting: a job sent ahead to a busy worker must not be
            // one that one of these could start sooner (two long tasks must not queue on the first worker up).
            int idle = 0;
            for (Worker w : workers) {
                if (!w.dead && !w.retiring && !w.exiting && w.inFlight.isEmpty()) {
                    idle++;
                }
            }
            for (Worker w : List.copyOf(workers)) { // a copy: recycling one launches another
                if (!w.accepting()) {
                    continue;
                }
                while (!stopping && w.inFlight.size() < window && w.sent < w.taskLimit && !pending.isEmpty()) {
                    if (!w.inFlight.isEmpty() && pending.size() <= idle) {
                        break; // what is left goes to the idle workers
                    }
                    Job job = pending.poll();
                    if (job.claimed ? job.promise.isDone() : !job.promise.start()) {
                        continue; // cancelled while queued
                    }
                    job.claimed = true;
                    job.worker = w;
                    job.attempts++;
                    w.inFlight.add(job);
                    w.toSend.add(job);
                    w.sent++;
                    if (w.inFlight.size() == 1) {
                        running(w, job);
                        idle--;
                    }
                }
                if (w.sent >= w.taskLimit && w.inFlight.isEmpty() && !w.exiting) {
                    w.exiting = true; // recycled: it exits, and a fresh one takes its place
                    w.controls.add(Worker.Control.EXIT);
                    launch();
                }
                if (!w.toSend.isEmpty() || !w.controls.isEmpty()) {
                    toFlush.add(w);
                }
            }
        }
        for (Worker w : toFlush) {
            w.flush(this);
        }
    }

    /** How many jobs a worker holds at once: enough to cover about 2 ms of measured work, at least 2. */
    private int window() {
        long perTask = Math.max(1, taskNanosEstimate);
        return (int) Math.max(2, Math.min(MAX_WINDOW, AHEAD_NANOS / perTask));
    }

    /** {@code job} became {@code w}'s running task: its timeout starts. Under lock. */
    private void running(Worker w, Job job) {
        job.runningSince = System.nanoTime();
        if (w.timeout != null) {
            w.timeout.cancel(false);
            w.timeout = null;
        }
        if (options.taskTimeout() != null) {
            w.timeout = timers.schedule(() -> timedOut(w, job), options.taskTimeout().toNanos(),
                    TimeUnit.NANOSECONDS);
        }
    }

    private void timedOut(Worker w, Job job) {
        synchronized (lock) {
            if (w.dead || w.inFlight.peek() != job) {
                return;
            }
            w.timedOut = job;
            w.kill(); // under the lock, so that no answer moves the running job on first (kill does not block)
        }
    }

    /** The id {@code fn} has in this pool, for DEFINE and CALL. */
    long functionId(Fn<?, ?> fn) {
        synchronized (lock) {
            Long id = functionIds.get(fn);
            if (id == null) {
                if (functionIds.size() >= 4 * FUNCTIONS_PER_WORKER) {
                    functionIds.clear(); // old maps' functions: workers forget them as they go
                }
                id = nextFunctionId++;
                functionIds.put(fn, id);
            }
            return id;
        }
    }

    // ---- answers from a worker (its reader thread) ----

    /** A worker answered its oldest job. The caller then calls {@link #pump()}. */
    void answered(Worker w, long id, byte type, Object value) {
        Job job;
        synchronized (lock) {
            job = w.inFlight.peek();
            if (job == null || job.id != id) {
                throw new IllegalStateException("worker " + w.id + " answered job " + id + " out of turn");
            }
            w.inFlight.poll();
            job.worker = null;
            w.done++;
            long took = System.nanoTime() - job.runningSince;
            taskNanosEstimate += (took - taskNanosEstimate) / 8;
            if (w.timeout != null) {
                w.timeout.cancel(false);
                w.timeout = null;
            }
            Job next = w.inFlight.peek();
            if (next != null) {
                running(w, next);
            }
            if (type == Wire.REJECTED) {
                job.attempts--;
                pending.addFirst(job); // never started: it goes first, to another worker
            }
        }
        if (type == Wire.RESULT) {
            complete(job.promise, value);
        } else if (type == Wire.ERROR) {
            job.promise.fail((Throwable) value);
        }
        // CANCELLED: the promise is already done; REJECTED: requeued above. The caller pumps, once it has read
        // every answer that arrived together, so that their replacements go out in one write.
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Promise<T> promise, Object value) {
        promise.complete((T) value);
    }

    /**
     * Allows back what a worker was just sent: every class its values carried, and the package of the code
     * submitted, whose results and exceptions come from it ({@link AllowList}). Empties {@code learned}.
     */
    void learn(AllowList.Learned learned) {
        filter.learnClasses(learned.classes);
        filter.learnPackages(learned.codePackages());
        learned.clear();
    }

    /** The pool's lock, for its workers. */
    Object lock() {
        return lock;
    }

    /** A job that could not be encoded (its task or input is not serializable) leaves its worker; the caller fails it. */
    void unsendable(Worker w, Job job) {
        synchronized (lock) {
            boolean wasRunning = w.inFlight.peek() == job;
            w.inFlight.remove(job);
            job.worker = null;
            if (wasRunning && w.timeout != null) {
                w.timeout.cancel(false);
                w.timeout = null;
            }
            Job next = w.inFlight.peek();
            if (wasRunning && next != null) {
                running(w, next);
            }
        }
    }

    /** A worker reached READY. */
    void ready(Worker w) {
        synchronized (lock) {
            failedStarts = 0;
            if (w.startTimeout != null) {
                w.startTimeout.cancel(false);
            }
        }
        pump();
    }

    /** A worker said it is past its memory limit: it gets no more work, and hands back what it has not started. */
    void retiring(Worker w, long rss) {
        synchronized (lock) {
            if (w.retiring || w.exiting || w.dead) {
                return; // already on its way out, and replaced
            }
            w.retiring = true;
            w.controls.add(Worker.Control.DRAIN);
            launch();
        }
        log("[worker " + w.id + "] resident memory " + rss / (1024 * 1024)
                + " MiB is past the limit of " + options.maxWorkerMemory() / (1024 * 1024) + " MiB: replacing it");
        w.flush(this);
    }

    /**
     * A worker is gone (exited, killed, crashed, or never started). Its running job fails (or is retried), the
     * jobs it had not started go back to the queue, and a new worker takes its place.
     */
    void gone(Worker w, Throwable startFailure) {
        Path trained = null;
        synchronized (lock) {
            if (w == trainer) {
                trained = trainingOutput; // its archive, written as it exited (if it exited normally)
                trainer = null;
            }
        }
        if (trained != null && !command.install(trained, w.exitedCleanly())) {
            // Its JVM's report on writing the cache is logged only when there is no cache to show for it.
            for (String line : w.cacheReport()) {
                w.log("[worker " + w.id + "] " + line);
            }
        }
        List<Job> failed = new ArrayList<>();
        List<Throwable> reasons = new ArrayList<>();
        String retried = null;
        synchronized (lock) {
            if (w.dead) {
                return;
            }
            w.dead = true;
            lock.notifyAll(); // shutdownNow may be waiting for its answer to STOP
            workers.remove(w);
            w.toSend.clear(); // its in-flight jobs are dealt with below; nothing more goes to it
            w.controls.clear();
            if (w.timeout != null) {
                w.timeout.cancel(false);
            }
            if (w.startTimeout != null) {
                w.startTimeout.cancel(false);
            }
            boolean leftInOrder = (w.exiting || w.retiring) && w.timedOut == null && !w.process.isAlive()
                    && w.process.exitValue() == 0;
            Job running = leftInOrder ? null : w.inFlight.poll(); // an orderly exit ran nothing it did not answer
            List<Job> notStarted = new ArrayList<>(w.inFlight);
            w.inFlight.clear();
            for (int i = notStarted.size() - 1; i >= 0; i--) {
                Job job = notStarted.get(i);
                job.worker = null;
                job.attempts--;
                pending.addFirst(job);
            }
            if (running != null) {
                running.worker = null;
                if (w.timedOut == running) {
                    failed.add(running);
                    reasons.add(new TaskTimeoutException(w.id, w.pid, options.taskTimeout()));
                } else if (running.attempts <= options.retries() && !running.promise.isDone()) {
                    retried = "[worker " + w.id + "] crashed under a task: running it again (attempt "
                            + (running.attempts + 1) + " of " + (options.retries() + 1) + ")";
                    // At the back: first in line, it would be the first task of a cold new worker each time, and
                    // a task that crashes its worker would hold up the queue.
                    pending.addLast(running);
                } else {
                    failed.add(running);
                    reasons.add(w.crash());
                }
            }
            if (startFailure == null && !stopping) {
                replenish();
            }
            stopTimersIfDone();
        }
        if (retried != null) {
            log(retried);
        }
        for (int i = 0; i < failed.size(); i++) {
            failed.get(i).promise.fail(reasons.get(i));
        }
        if (startFailure != null) {
            startFailed(startFailure);
        }
        pump();
    }

    /**
     * A worker could not start. After {@link #START_ATTEMPTS} failures in a row with no worker ready, the queued
     * jobs fail with the reason (nothing could run them); before that, another worker is tried after a pause.
     */
    private void startFailed(Throwable cause) {
        List<Job> fail = new ArrayList<>();
        synchronized (lock) {
            failedStarts++;
            if (failedStarts >= START_ATTEMPTS && workers.stream().noneMatch(Worker::isReady)) {
                fail.addAll(pending);
                pending.clear();
            } else if (!stopping) {
                try {
                    timers.schedule(() -> {
                        synchronized (lock) {
                            replenish();
                        }
                        pump();
                    }, 100L * failedStarts, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException stopped) {
                    // the pool is stopping
                }
            }
        }
        for (Job job : fail) {
            job.promise.fail(new IOException("no worker could start: " + cause.getMessage(), cause));
        }
    }

    /** Once the pool is stopping and its last worker is gone, the timer thread goes too. Under lock. */
    private void stopTimersIfDone() {
        if (stopping && workers.isEmpty()) {
            timers.shutdownNow();
        }
    }

    /** Passes a line to the pool's log; a sink that throws loses that line, nothing else. */
    private void log(String line) {
        try {
            options.log().accept(line);
        } catch (RuntimeException e) {
            // the owner's sink failed: the pool goes on
        }
    }

    /**
     * Launches workers until there are as many live or starting ones as the pool allows, unless starting them
     * keeps failing. Under lock.
     */
    private void replenish() {
        while (!stopping && failedStarts < START_ATTEMPTS
                && workers.stream().filter(w -> !w.retiring && !w.exiting).count() < options.workers()) {
            if (!launch()) {
                return; // startFailed tries again after a pause
            }
        }
    }

    /** Starts one worker JVM; false if it could not be launched. Under lock. */
    private boolean launch() {
        if (stopping) {
            return false;
        }
        int limit = options.maxTasksPerWorker() == 0 ? Integer.MAX_VALUE
                : options.maxTasksPerWorker() + (options.maxTasksJitter() == 0 ? 0
                : ThreadLocalRandom.current().nextInt(options.maxTasksJitter() + 1));
        byte[] token = new byte[Wire.TOKEN_BYTES];
        random.nextBytes(token);
        Worker w = new Worker(nextWorkerId++, token, limit, options.log());
        workers.add(w);
        Path output = null;
        if (trainer == null && trainingOutput == null && command.trainable()) {
            output = command.trainingOutput();
            trainer = w;
            trainingOutput = output;
            w.training = true;
        }
        try {
            w.start(command.command(output), socketPath);
        } catch (IOException e) {
            w.dead = true;
            workers.remove(w);
            if (trainer == w) {
                trainer = null;
                trainingOutput = null;
            }
            w.log("[worker " + w.id + "] could not start: " + e.getMessage());
            try {
                timers.execute(() -> startFailed(e)); // not under this lock: it may fail promises
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                // the pool is stopping
            }
            return false;
        }
        w.process.onExit().thenRun(() -> {
            if (!w.isConnected()) {
                gone(w, new IOException("worker " + w.id + " exited with code " + w.process.exitValue()
                        + " before it connected" + w.lastLines()));
            }
        });
        w.startTimeout = timers.schedule(() -> {
            if (!w.isReady() && !w.dead) {
                w.log("[worker " + w.id + "] did not start within " + START_TIMEOUT.toSeconds() + " s: killing it");
                w.killedBecause("it did not start within " + START_TIMEOUT.toSeconds() + " s");
            }
        }, START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        return true;
    }

    // ---- connections ----

    private void accept() {
        while (true) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                if (!server.isOpen()) {
                    return; // the pool stopped
                }
                log("process pool: accepting a worker's connection failed (" + e + "); trying again");
                try {
                    Thread.sleep(100); // out of files, say: a pause, not the end of the pool
                } catch (InterruptedException stop) {
                    return;
                }
                continue;
            }
            Thread.ofPlatform().daemon().name("simul-pool-worker").start(() -> handshake(channel));
        }
    }

    /** Reads a connection's HELLO; a connection with a wrong id or token is closed. Then serves the worker. */
    private void handshake(SocketChannel channel) {
        Worker w = null;
        java.util.concurrent.ScheduledFuture<?> deadline = null;
        try {
            deadline = timers.schedule(() -> {
                try {
                    channel.close(); // no HELLO in time: whoever it is, it does not hold a thread forever
                } catch (IOException ignored) {
                    // closed
                }
            }, 10, TimeUnit.SECONDS);
            Wire.In in = new Wire.In(channel);
            ByteBuffer hello = in.next(64); // a HELLO is a few bytes; nothing bigger is read before the token
            if (hello.get() != Wire.HELLO) {
                throw new IOException("no HELLO");
            }
            int id = hello.getInt();
            byte[] token = new byte[Wire.TOKEN_BYTES];
            hello.get(token);
            synchronized (lock) {
                for (Worker candidate : workers) {
                    if (candidate.id == id && !candidate.isConnected()
                            && MessageDigest.isEqual(candidate.token, token)) {
                        w = candidate;
                        w.connected(channel, in);
                    }
                }
            }
            if (w == null) {
                throw new IOException("a connection with a wrong worker id or token");
            }
            deadline.cancel(false);
        } catch (IOException | RuntimeException e) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            return;
        }
        w.serve(this, filterText, filter, options.maxWorkerMemory(), options.maxMessageSize(), options.initializer());
    }

    // ---- lifecycle ----

    @Override
    protected void terminate() {
        List<Worker> all;
        synchronized (lock) {
            stopping = true;
            all = List.copyOf(workers);
            for (Worker w : all) {
                w.exiting = true;
                w.controls.add(Worker.Control.EXIT);
            }
        }
        for (Worker w : all) {
            if (w.isReady()) {
                w.flush(this);
            } else {
                w.kill(); // still starting (perhaps in a long initializer), and nothing to do
            }
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // the folder goes below
        }
        try {
            Files.deleteIfExists(socketPath);
            Files.deleteIfExists(socketDir);
        } catch (IOException ignored) {
            // a temp folder: the OS cleans it
        }
        synchronized (lock) {
            stopTimersIfDone(); // else the last worker's end does it: a task timeout may still have to fire
        }
    }

    /** A worker still runs a task whose promise is done (cancelled without interruption): it is not over yet. */
    @Override
    protected boolean tasksRunning() {
        synchronized (lock) {
            for (Worker w : workers) {
                if (!w.dead && !w.inFlight.isEmpty() && w.process != null && w.process.isAlive()) {
                    return true; // (a worker that has exited runs nothing, though its end may not be handled yet)
                }
            }
            return false;
        }
    }

    @Override
    protected boolean awaitResources(long deadlineNanos) throws InterruptedException {
        List<Worker> all;
        synchronized (lock) {
            all = List.copyOf(workers);
        }
        for (Worker w : all) {
            long left = deadlineNanos - System.nanoTime();
            if (!w.awaitExit(Math.max(0, left))) {
                if (deadlineNanos - System.nanoTime() <= 0) {
                    return false;
                }
            }
        }
        return true;
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
        List<Worker> all;
        synchronized (lock) {
            stopping = true;
            all = List.copyOf(workers);
        }
        for (Worker w : all) {
            try {
                timers.schedule(w::kill, KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                w.kill(); // the timer thread is gone: no grace
            }
        }
        return neverStarted;
    }

    /** How long {@link #shutdownNow()} waits for workers to say which task they began last. */
    private static final Duration STOP_ANSWER_TIMEOUT = Duration.ofSeconds(2);

    /**
     * The jobs that never started: those queued that never ran anywhere, and those sent ahead to a worker after
     * the last task it began. Each connected worker is told to STOP (begin nothing more, interrupt what runs) and
     * answers with that task's id; a worker that does not answer in time is taken to be running its oldest
     * unanswered job, and the ones behind it not started.
     */
    @Override
    protected List<Promise<?>> withdrawUnstarted() {
        List<Worker> asked = new ArrayList<>();
        synchronized (lock) {
            stopping = true; // nothing more goes out
            for (Worker w : workers) {
                if (!w.dead && w.isReady() && !w.inFlight.isEmpty()) {
                    w.stopAnswer = null;
                    w.controls.add(Worker.Control.STOP);
                    asked.add(w);
                }
            }
        }
        for (Worker w : asked) {
            w.flush(this);
        }
        List<Promise<?>> withdrawn = new ArrayList<>();
        synchronized (lock) {
            long deadline = System.nanoTime() + STOP_ANSWER_TIMEOUT.toNanos();
            boolean interrupted = false;
            // Not for an answer that this thread itself would read (shutdownNow from a callback of a task's end).
            while (asked.stream().anyMatch(w -> w.stopAnswer == null && !w.dead
                    && w.connectionThread != Thread.currentThread())) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    interrupted = true;
                    break;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            for (Job job : pending) {
                if (job.attempts == 0 && (job.claimed || job.promise.start())) {
                    withdrawn.add(job.promise); // never ran anywhere
                }
            }
            for (Worker w : workers) {
                List<Job> jobs = List.copyOf(w.inFlight);
                int firstUnstarted = 1; // without an answer: the oldest runs, the rest wait behind it
                if (w.stopAnswer != null) {
                    firstUnstarted = 0; // the last one begun was answered already: none of these started
                    for (int i = 0; i < jobs.size(); i++) {
                        if (jobs.get(i).id == w.stopAnswer) {
                            firstUnstarted = i + 1;
                        }
                    }
                }
                for (Job job : jobs.subList(Math.min(firstUnstarted, jobs.size()), jobs.size())) {
                    if (job.attempts == 1) {
                        withdrawn.add(job.promise);
                    }
                }
            }
        }
        return withdrawn;
    }

    /** A worker told to STOP said which task it began last ({@code lastBegun}, or -1 for none). */
    void stopped(Worker w, long lastBegun) {
        synchronized (lock) {
            w.stopAnswer = lastBegun;
            lock.notifyAll();
        }
    }

    /**
     * The pool's workers' command line, and the ahead-of-time cache that keeps their start-up short (JDK 25's AOT
     * cache: classes loaded and linked, and method profiles, so a worker starts in about 100 ms instead of 160-210;
     * in this user's cache folder, see {@link #privateFolder}). The cache is made once, by one worker of the first
     * pool that finds none: that worker (the "trainer") records what it loads, tasks' classes included, and writes
     * the cache to a file of its own when it exits (this takes a second or so, once); the pool then moves that
     * file into place in one step, and every later worker maps it. Nobody else writes it, so two pools never race
     * on it.
     */
    static final class WorkerCommand {
        private final List<String> base;
        private final List<String> tail;
        private final Path archive;

        private WorkerCommand(List<String> base, List<String> tail, Path archive) {
            this.base = base;
            this.tail = tail;
            this.archive = archive;
        }

        static WorkerCommand of(List<String> jvmOptions) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String classPath = System.getProperty("java.class.path");
            // Serial GC: a worker is one core's worth of work, and starts faster with it. No --add-exports:
            // it would turn off the archived module graph, and a worker's tasks run on plain threads.
            List<String> base = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-XX:-UsePerfData",
                    "-XX:+ExitOnOutOfMemoryError", "-Xlog:aot=off,cds=off"));
            Path crashes = privateFolder("crashes"); // a JVM's crash log holds its command line and environment
            if (crashes != null) {
                base.add("-XX:ErrorFile=" + crashes.resolve("hs_err_pid%p.log"));
            }
            List<String> tail = new ArrayList<>(jvmOptions);
            tail.addAll(List.of("-cp", classPath, WorkerMain.class.getName()));
            List<Path> jars = jars(classPath);
            Path archive = jars == null ? null : archive(java, classPath, jars, jvmOptions);
            return new WorkerCommand(List.copyOf(base), List.copyOf(tail), archive);
        }

        /** Whether there is an archive to map. */
        boolean archived() {
            return archive != null && Files.isRegularFile(archive);
        }

        /** Whether a worker could make the archive: there is none yet, and the class path allows one. */
        boolean trainable() {
            return archive != null && !Files.exists(archive);
        }

        /** The command for a worker; {@code trainingOutput} is where a trainer writes its archive, else null. */
        List<String> command(Path trainingOutput) {
            List<String> command = new ArrayList<>(base);
            if (trainingOutput != null) {
                command.add("-XX:AOTCacheOutput=" + trainingOutput);
            } else if (archived()) {
                command.add("-XX:AOTCache=" + archive);
            }
            command.addAll(tail);
            return command;
        }

        /** A trainer's file, in the archive's folder. */
        Path trainingOutput() {
            return archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid() + "."
                    + System.nanoTime() + ".tmp.aot");
        }

        /**
         * Puts a trainer's archive in place, if it wrote one and exited cleanly (a killed trainer may have left
         * half a file, which a JVM would silently ignore), and says whether it did; a failure only means no
         * archive yet.
         */
        boolean install(Path trained, boolean exitedCleanly) {
            try {
                if (exitedCleanly && Files.isRegularFile(trained) && Files.size(trained) > 0) {
                    Files.move(trained, archive, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    return true;
                }
                return false;
            } catch (IOException e) {
                // another pool's trainer got there first (a cache all the same), or the folder went away
                return Files.isRegularFile(archive);
            } finally {
                try {
                    Files.deleteIfExists(trained);
                    // The JVM records into NAME.config first; a trainer killed before it wrote the cache leaves it.
                    Files.deleteIfExists(trained.resolveSibling(trained.getFileName() + ".config"));
                } catch (IOException ignored) {
                    // a temp file
                }
                prune(archive.getParent());
            }
        }

        /** The pid of the pool a trainer's file belongs to ({@code worker-HASH.aot.PID.NANOS.tmp.aot...}), or null. */
        static Long poolPid(String name) {
            String[] parts = name.split("\\.");
            try {
                return parts.length > 3 && parts[1].equals("aot") ? Long.parseLong(parts[2]) : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }

        /** Caches kept per user: the most recently written; older ones were for class paths since rebuilt. */
        static final int CACHES_KEPT = 8;

        /**
         * Keeps the {@link #CACHES_KEPT} newest caches, and drops the files of trainers whose pool is gone. Such a
         * file is named after its pool's pid ({@link #trainingOutput}), and a trainer's configuration file keeps
         * the time it started at until it exits: age alone would not tell a dead trainer from a slow one.
         */
        static void prune(Path dir) {
            try (java.util.stream.Stream<Path> files = Files.list(dir)) {
                long now = System.currentTimeMillis();
                List<Path> caches = new ArrayList<>();
                for (Path f : files.toList()) {
                    String name = f.getFileName().toString();
                    if (name.contains(".tmp.aot")) {
                        long age = now - Files.getLastModifiedTime(f).toMillis();
                        Long pool = poolPid(name);
                        boolean poolGone = pool != null && ProcessHandle.of(pool).map(p -> !p.isAlive()).orElse(true);
                        if (poolGone ? age > 60_000 : pool == null && age > 86_400_000) {
                            Files.deleteIfExists(f);
                        }
                    } else if (name.startsWith("worker-") && name.endsWith(".aot") && !name.contains(".tmp")) {
                        caches.add(f);
                    }
                }
                caches.sort(java.util.Comparator.comparingLong((Path f) -> {
                    try {
                        return Files.getLastModifiedTime(f).toMillis();
                    } catch (IOException e) {
                        return 0L;
                    }
                }).reversed());
                for (Path old : caches.subList(Math.min(CACHES_KEPT, caches.size()), caches.size())) {
                    Files.deleteIfExists(old);
                }
            } catch (IOException | RuntimeException e) {
                // pruning is housekeeping: the pool works without it
            }
        }

        /**
         * The jars the class path names, with those their manifests' Class-Path adds, and theirs in turn (resolved
         * against the naming jar's folder, as the JVM does), or null if any entry is not a jar: the JVM archives
         * classes from jars only.
         */
        static List<Path> jars(String classPath) {
            java.util.LinkedHashSet<Path> jars = new java.util.LinkedHashSet<>();
            for (String entry : classPath.split(java.io.File.pathSeparator)) {
                if (!entry.endsWith(".jar") || !addJar(Path.of(entry), jars)) {
                    return null;
                }
            }
            return List.copyOf(jars);
        }

        /** Adds {@code jar} and what its manifest's Class-Path names; false if any of them is not a jar. */
        private static boolean addJar(Path jar, java.util.Set<Path> jars) {
            if (!jars.add(jar)) {
                return true; // named twice: the JVM reads it once
            }
            if (!Files.isRegularFile(jar)) {
                return false;
            }
            try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
                java.util.jar.Manifest manifest = file.getManifest();
                String more = manifest == null ? null
                        : manifest.getMainAttributes().getValue(java.util.jar.Attributes.Name.CLASS_PATH);
                for (String ref : more == null ? new String[0] : more.trim().split("\\s+")) {
                    if (!ref.isEmpty() && (!ref.endsWith(".jar")
                            || !addJar(jar.toAbsolutePath().getParent().resolve(ref).normalize(), jars))) {
                        return false;
                    }
                }
                return true;
            } catch (IOException | java.nio.file.InvalidPathException e) {
                return false;
            }
        }

        /**
         * An AOT cache for this JDK, class path and options, in a folder only this user can write
         * (an archive someone else could replace would be code they could inject); null if there is none.
         */
        private static Path archive(String java, String classPath, List<Path> jars, List<String> jvmOptions) {
            Path dir = privateFolder("aot");
            if (dir == null) {
                return null;
            }
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                sha.update((java + "\n" + System.getProperty("java.vm.version") + "\n" + classPath + "\n"
                        + String.join(" ", jvmOptions)).getBytes(StandardCharsets.UTF_8));
                // A rebuilt jar at the same path makes a cache the JVM will not use: it gets a name of its own.
                for (Path jar : jars) {
                    sha.update(("\n" + Files.size(jar) + " " + Files.getLastModifiedTime(jar).toMillis())
                            .getBytes(StandardCharsets.UTF_8));
                }
                return dir.resolve("worker-" + HexFormat.of().formatHex(sha.digest(), 0, 12) + ".aot");
            } catch (java.security.NoSuchAlgorithmException | IOException e) {
                return null;
            }
        }

        /**
         * A folder of this user's simul cache ($XDG_CACHE_HOME/simul/NAME, else ~/.cache/simul/NAME), created
         * 0700, or null if it cannot be made safe: it must be a real folder (not a link), owned by this user and
         * closed to everyone else, since what it holds (class archives, crash logs) is read back or is private.
         */
        static Path privateFolder(String name) {
            try {
                String xdg = System.getenv("XDG_CACHE_HOME");
                Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                        : Path.of(System.getProperty("user.home"), ".cache");
                Path dir = cache.resolve("simul").resolve(name);
                if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(dir.getParent());
                    Files.createDirectory(dir,
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                }
                java.nio.file.attribute.PosixFileAttributes attributes = Files.readAttributes(dir,
                        java.nio.file.attribute.PosixFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                if (!attributes.isDirectory() || attributes.isSymbolicLink()
                        || !attributes.permissions().equals(PosixFilePermissions.fromString("rwx------"))
                        || !attributes.owner().getName().equals(System.getProperty("user.name"))) {
                    return null;
                }
                return dir.toRealPath();
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }

    /** Remembers, per worker, which functions it has been sent, forgetting the oldest past a bound. */
    static final class Functions extends LinkedHashMap<Long, Boolean> {
        private final List<Long> evicted = new ArrayList<>();

        Functions() {
            super(16, 0.75f, true);
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            if (size() > FUNCTIONS_PER_WORKER) {
                evicted.add(eldest.getKey());
                return true;
            }
            return false;
        }

        List<Long> takeEvicted() {
            List<Long> out = List.copyOf(evicted);
            evicted.clear();
            return out;
        }
    }
}
