package dev.simul.process;

import dev.simul.serial.AllowList;
import dev.simul.loop.EventLoop;
import dev.simul.loop.Scheduled;
import dev.simul.runner.Promise;
import dev.simul.task.Fn;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The owner of a {@link ProcessPool}'s state: the queue, the workers and their jobs in flight, the listening
 * socket, the timers. It lives on the pool's own {@link EventLoop} thread, and only there: submitters, cancels
 * and {@code shutdownNow} hand it work with {@link #post}, worker sockets are read and written in the loop's
 * passes, and a worker's end reaches it from the JDK's process reaper. No lock guards this state; that thread
 * is the guard.
 *
 * <pre>
 *  submit ─post─▶ enqueue ─▶ pending ─pump─▶ Worker.send ─(socket)─▶ worker JVM runs it
 *                                                                        │
 *  handle ◀─complete/fail─ answer ◀─ readable ◀────────(socket)──────────┘
 *  worker exits ─onExit─post─▶ exited: its running job fails (or is retried), the rest go back to pending
 * </pre>
 *
 * <p>Promises are completed at the end of each step, once the state is consistent again ({@link #step}): their
 * callbacks may submit more work or shut the pool down, and find it whole.
 */
final class Manager {

    /** A task on its way: queued, then in flight on one worker, until its promise is done. */
    static final class Job {
        final long id;
        final Promise<?> promise;
        int attempts;
        boolean claimed; // its promise started, the first time it was sent
        Worker worker;
        long runningSince; // when it became its worker's running task

        Job(long id, Promise<?> promise) {
            this.id = id;
            this.promise = promise;
        }
    }

    /** What a worker is sent ahead of its running task, at most; fewer when tasks are long. */
    static final int MAX_WINDOW = 64;
    /** The work a worker is sent ahead of its running task, in nanoseconds of (measured) task time. */
    private static final long AHEAD_NANOS = 2_000_000;
    /** Workers in a row that fail to start by themselves (not killed from outside) before the queue fails. */
    private static final int START_ATTEMPTS = 3;
    /** How long a worker may take from launch to READY. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** How long a connection may take to say HELLO, and how many may be waiting to: the rest are closed. */
    private static final Duration HELLO_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_HANDSHAKES = 64;
    /** How soon the workers' output pipes are looked at again after they were quiet. */
    private static final Duration OUTPUT_PERIOD = Duration.ofMillis(20);

    private final ProcessPool.Options options;
    private final EventLoop loop;
    private final String filterText;
    private final AllowList.Filter filter;
    private final WorkerCommand command;
    private final ServerSocketChannel server;
    private final Path socketPath;
    private final Path socketDir;

    private final ArrayDeque<Job> pending = new ArrayDeque<>();
    private final List<Worker> workers = new ArrayList<>();
    private final Map<SocketChannel, Handshake> handshakes = new LinkedHashMap<>();
    private final Map<Fn<?, ?>, Long> functionIds = new IdentityHashMap<>();
    /** Promise outcomes decided during a step, applied at its end. */
    private final ArrayDeque<Runnable> outcomes = new ArrayDeque<>();
    private SecureRandom random;
    private Worker trainer; // the worker writing the AOT cache, if any
    private Path trainingOutput;
    private long nextJobId;
    private long nextFunctionId;
    private int nextWorkerId;
    /** Workers in a row that could not start by themselves; reset by a READY. */
    private int failedStarts;
    /** A pause before launching more workers is on (after failures or deaths). */
    private Scheduled backoff;
    private Scheduled outputTick;
    private Duration outputPeriod = OUTPUT_PERIOD;
    private long taskNanosEstimate = 1_000_000; // an EWMA of measured task times
    private boolean stopping;
    /** shutdownNow's question to the workers: which task did each begin last? */
    private CompletableFuture<List<Promise<?>>> withdrawal;
    private List<Worker> asked;
    private Scheduled withdrawalDeadline;
    /** Whether a live worker holds jobs: read by other threads ({@link ProcessPool#tasksRunning()}). */
    private volatile boolean busy;

    Manager(ProcessPool.Options options, EventLoop loop, ServerSocketChannel server, Path socketPath) {
        this.options = options;
        this.loop = loop;
        this.server = server;
        this.socketPath = socketPath;
        this.socketDir = socketPath.getParent();
        this.filterText = AllowList.filterText(options.allowedClasses());
        this.filter = AllowList.filter(filterText);
        this.command = WorkerCommand.of(options.jvmOptions());
    }

    // ---- from other threads ----

    /** Runs {@code action} as a step on the loop thread, soon; dropped if the pool has finished. */
    void post(Runnable action) {
        try {
            loop.callSoonThreadsafe(() -> step(action));
        } catch (IllegalStateException closed) {
            // the pool's loop is gone: nothing is left to act on
        }
    }

    /** Runs {@code query} on the loop thread and waits for its answer; {@code fallback} if the pool has finished. */
    <T> T ask(java.util.function.Supplier<T> query, T fallback) {
        if (loop.inLoopThread()) {
            return query.get();
        }
        CompletableFuture<T> answer = new CompletableFuture<>();
        try {
            loop.callSoonThreadsafe(() -> answer.complete(query.get()));
            while (true) {
                try {
                    return answer.get(50, java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    if (loop.isClosed()) {
                        return fallback; // it finished with the question unread
                    }
                }
            }
        } catch (IllegalStateException closed) {
            return fallback;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fallback;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    boolean busy() {
        return busy;
    }

    // ---- steps (loop thread) ----

    /** One step: the action, then the promise outcomes it decided, in order. */
    private void step(Runnable action) {
        try {
            action.run();
        } finally {
            boolean any = false;
            for (Worker w : workers) { // a plain loop: this runs after every step, on the pool's hot path
                any |= !w.inFlight.isEmpty();
            }
            busy = any;
            for (Runnable outcome; (outcome = outcomes.poll()) != null; ) {
                outcome.run(); // a callback that submits or shuts down posts a step of its own
            }
        }
    }

    /** Starts listening and launches the workers. */
    void start() {
        loop.addReader(server, () -> step(this::accept));
        replenish();
        outputTick = loop.callLater(OUTPUT_PERIOD, () -> step(this::readOutput));
        // While the workers boot: the folders that pools killed before they could clean up left behind.
        StaleFolders.removeStale(socketDir.getParent());
    }

    void enqueue(Promise<?> promise) {
        if (stopping) { // shutdownNow ran between this submit's count and its dispatch: nothing will run it
            outcomes.add(() -> promise.cancel(false));
            return;
        }
        Job job = new Job(nextJobId++, promise);
        pending.add(job);
        if (failedStarts >= START_ATTEMPTS) {
            failedStarts = 0; // new work: try starting workers again
        }
        promise.onDone(done -> {
            if (done.isCancelled()) {
                post(() -> cancelled(job));
            }
        });
        replenish();
        pump();
    }

    private void cancelled(Job job) {
        Worker w = job.worker;
        if (w == null || w.dead) {
            return; // still queued: the pump skips it (removing it here would cost O(queue) per cancel)
        }
        // The worker skips it if it has not started; if it has, interrupts it or, for cancel(false), lets it end.
        w.control(job.promise.interruptRequested() ? Wire.CANCEL : Wire.SKIP, job.id);
        w.flush(loop);
    }

    /** Sends queued jobs to workers with room; retires workers that reached their task limit. */
    private void pump() {
        int window = window();
        // Workers with nothing to do, ready or still starting: a job sent ahead to a busy worker must not be one
        // that one of these could start sooner (two long tasks must not queue on the first worker up).
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
                try {
                    w.send(job, this::functionId);
                } catch (MessageTooLargeException e) {
                    outcomes.add(() -> job.promise.fail(e));
                    continue;
                } catch (Throwable e) {
                    String why = e.getMessage() != null ? e.getMessage() : e.toString();
                    outcomes.add(() -> job.promise.fail(new java.io.NotSerializableException(
                            "the task cannot be sent to a worker process: " + why)));
                    continue;
                }
                learn(w);
                job.worker = w;
                job.attempts++;
                w.inFlight.add(job);
                w.sent++;
                if (w.inFlight.size() == 1) {
                    running(w, job);
                    idle--;
                }
            }
            if (w.sent >= w.taskLimit && w.inFlight.isEmpty() && !w.exiting) {
                w.exiting = true; // recycled: it exits, and a fresh one takes its place
                w.control(Wire.EXIT, -1);
                launch();
            }
            w.flush(loop);
        }
    }

    /** How many jobs a worker holds at once: enough to cover about 2 ms of measured work, at least 2. */
    private int window() {
        long perTask = Math.max(1, taskNanosEstimate);
        return (int) Math.max(2, Math.min(MAX_WINDOW, AHEAD_NANOS / perTask));
    }

    /** {@code job} became {@code w}'s running task: its timeout starts. */
    private void running(Worker w, Job job) {
        job.runningSince = System.nanoTime();
        if (w.timeout != null) {
            w.timeout.cancel();
            w.timeout = null;
        }
        if (options.taskTimeout() != null) {
            w.timeout = loop.callLater(options.taskTimeout(), () -> step(() -> {
                if (!w.dead && w.inFlight.peek() == job) {
                    w.timedOut = job;
                    w.killedBecause("its task ran past the timeout of " + options.taskTimeout());
                }
            }));
        }
    }

    /** The id {@code fn} has in this pool, for DEFINE and CALL. */
    private long functionId(Fn<?, ?> fn) {
        Long id = functionIds.get(fn);
        if (id == null) {
            if (functionIds.size() >= 4 * Worker.FUNCTIONS_PER_WORKER) {
                functionIds.clear(); // old maps' functions: workers forget them as they go
            }
            id = nextFunctionId++;
            functionIds.put(fn, id);
        }
        return id;
    }

    /**
     * Allows back what a worker was just sent: every class its values carried, and the package of the code
     * submitted, whose results and exceptions come from it ({@link AllowList}).
     */
    private void learn(Worker w) {
        filter.learnClasses(w.learned.classes());
        filter.learnPackages(w.learned.codePackages());
        w.learned.clear();
    }

    // ---- connections ----

    /** A connection that has not said HELLO yet. */
    private record Handshake(SocketChannel channel, Wire.In in, Scheduled deadline) {
    }

    private void accept() {
        while (true) {
            SocketChannel channel;
            try {
                channel = server.accept();
                if (channel == null) {
                    return;
                }
                channel.configureBlocking(false);
            } catch (IOException e) {
                if (server.isOpen()) {
                    log("process pool: accepting a worker's connection failed (" + e + ")");
                }
                return; // out of files, say: the next readiness tries again
            }
            if (handshakes.size() >= MAX_HANDSHAKES) {
                // Connections that say nothing cost a file each and no thread; past the bound, the oldest go.
                closeHandshake(handshakes.values().iterator().next());
            }
            Scheduled deadline = loop.callLater(HELLO_TIMEOUT, () -> step(() -> {
                Handshake h = handshakes.get(channel);
                if (h != null) {
                    closeHandshake(h);
                }
            }));
            Handshake h = new Handshake(channel, new Wire.In(channel), deadline);
            handshakes.put(channel, h);
            loop.addReader(channel, () -> step(() -> hello(h)));
        }
    }

    private void closeHandshake(Handshake h) {
        handshakes.remove(h.channel());
        h.deadline().cancel();
        loop.removeReader(h.channel());
        try {
            h.channel().close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Reads a connection's HELLO; a connection with a wrong id or token is closed. */
    private void hello(Handshake h) {
        Worker w = null;
        try {
            ByteBuffer hello = h.in().poll(64); // a HELLO is a few bytes; nothing bigger is read before the token
            if (hello == null) {
                return; // not all of it yet
            }
            if (hello.get() == Wire.HELLO) {
                int id = hello.getInt();
                byte[] token = new byte[Wire.TOKEN_BYTES];
                hello.get(token);
                for (Worker candidate : workers) {
                    if (candidate.id == id && !candidate.isConnected() && !candidate.dead
                            && MessageDigest.isEqual(candidate.token, token)) {
                        w = candidate;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not one of ours, or gone
        }
        if (w == null) {
            closeHandshake(h);
            return;
        }
        handshakes.remove(h.channel());
        h.deadline().cancel();
        Worker worker = w;
        worker.channel = h.channel();
        worker.in = h.in();
        loop.removeReader(h.channel());
        loop.addReader(h.channel(), () -> step(() -> readable(worker)));
        try {
            worker.init(filterText, options.maxWorkerMemory(), options.maxMessageSize(), options.initializer());
        } catch (IOException e) {
            worker.initFailure = e;
            worker.killedBecause("its initializer cannot be sent: " + e.getMessage());
            return;
        }
        learn(worker);
        worker.flush(loop);
        readable(worker); // what came with the HELLO
    }

    // ---- answers ----

    /** Reads every frame the worker has sent so far, then sends the replacements of the jobs it answered. */
    private void readable(Worker w) {
        drain(w);
        pump();
    }

    private void drain(Worker w) {
        try {
            ByteBuffer frame;
            // A worker checks its answers against the maximum message size: a bigger frame is not an answer.
            int max = (int) Math.min(Wire.MAX_FRAME, options.maxMessageSize() + 64 * 1024);
            while (!w.dead && (frame = w.in.poll(max)) != null) {
                frame(w, frame);
            }
        } catch (IOException e) {
            connectionEnded(w); // it exited or died; how is told by its exit status, when the reaper sees it
        } catch (RuntimeException e) {
            log("[worker " + w.id + "] broke the protocol: " + e);
            w.killedBecause("it broke the protocol: " + e.getMessage());
            connectionEnded(w);
        }
    }

    private void frame(Worker w, ByteBuffer frame) throws IOException {
        ClassLoader loader = Worker.class.getClassLoader();
        byte type = frame.get();
        if (!w.isReady()) {
            if (type == Wire.INIT_FAILED) {
                Throwable t = Wire.getError(frame, filter, loader);
                w.initFailure = new IOException("the initializer failed in worker " + w.id + ": " + t, t);
                w.log("[worker " + w.id + "] its initializer failed: " + t);
                return; // it exits
            }
            if (type != Wire.READY) {
                throw new IllegalStateException("worker " + w.id + " sent " + type + " instead of READY");
            }
            w.ready();
            failedStarts = 0;
            if (w.startTimeout != null) {
                w.startTimeout.cancel();
            }
            return;
        }
        switch (type) {
            case Wire.RESULT -> {
                long job = frame.getLong();
                Object value;
                byte outcome = Wire.RESULT;
                try {
                    value = Wire.getValue(frame, filter, loader);
                } catch (IOException | ClassNotFoundException | RuntimeException e) {
                    value = new IOException("the task's result could not be read back: " + e, e);
                    outcome = Wire.ERROR;
                }
                answered(w, job, outcome, value);
            }
            case Wire.ERROR -> {
                long job = frame.getLong();
                answered(w, job, Wire.ERROR, Wire.getError(frame, filter, loader));
            }
            case Wire.CANCELLED, Wire.REJECTED -> answered(w, frame.getLong(), type, null);
            case Wire.RETIRING -> retiring(w, frame.getLong());
            case Wire.STOPPED -> stopped(w, frame.getLong());
            case Wire.BYE -> {
                // it exits now
            }
            default -> throw new IllegalStateException("worker " + w.id + " sent an unknown frame type " + type);
        }
    }

    /** A worker answered its oldest job. */
    private void answered(Worker w, long id, byte type, Object value) {
        Job job = w.inFlight.peek();
        if (job == null || job.id != id) {
            throw new IllegalStateException("worker " + w.id + " answered job " + id + " out of turn");
        }
        w.inFlight.poll();
        job.worker = null;
        w.done++;
        long took = System.nanoTime() - job.runningSince;
        taskNanosEstimate += (took - taskNanosEstimate) / 8;
        if (w.timeout != null) {
            w.timeout.cancel();
            w.timeout = null;
        }
        Job next = w.inFlight.peek();
        if (next != null) {
            running(w, next);
        }
        switch (type) {
            case Wire.RESULT -> outcomes.add(() -> complete(job.promise, value));
            case Wire.ERROR -> outcomes.add(() -> job.promise.fail((Throwable) value));
            case Wire.REJECTED -> {
                job.attempts--;
                pending.addFirst(job); // never started: it goes first, to another worker
            }
            default -> {
                // CANCELLED: the promise is already done
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Promise<T> promise, Object value) {
        promise.complete((T) value);
    }

    /** A worker said it is past its memory limit: it gets no more work, and hands back what it has not started. */
    private void retiring(Worker w, long rss) {
        if (w.retiring || w.exiting || w.dead) {
            return; // already on its way out, and replaced
        }
        w.retiring = true;
        w.control(Wire.DRAIN, -1);
        launch();
        log("[worker " + w.id + "] resident memory " + rss / (1024 * 1024)
                + " MiB is past the limit of " + options.maxWorkerMemory() / (1024 * 1024) + " MiB: replacing it");
        w.flush(loop);
    }

    /** The worker's connection ended: it exits (or is made to, after a grace period). */
    private void connectionEnded(Worker w) {
        w.disconnect(loop);
        if (w.killLater == null && !w.dead) {
            // A trainer writes the AOT cache as it exits (1.5 s on 2 busy cores): killed meanwhile, it would
            // leave a truncated cache.
            w.killLater = loop.callLater(Duration.ofSeconds(w.training ? 30 : 2),
                    () -> step(() -> w.killedBecause("it did not exit after its connection ended")));
        }
    }

    // ---- a worker's end ----

    /** The reaper saw {@code w}'s process end. */
    void exited(Worker w) {
        if (w.dead) {
            return;
        }
        if (w.channel != null && w.channel.isOpen()) {
            drain(w); // answers it sent before it went are still in the socket
            connectionEnded(w);
        }
        w.readOutput(true); // its last words belong in its crash report
        gone(w);
    }

    /**
     * A worker is gone (exited, killed, crashed, or never started). Its running job fails (or is retried), the
     * jobs it had not started go back to the queue, and a new worker takes its place.
     */
    private void gone(Worker w) {
        if (w == trainer) {
            trainer = null;
            if (!command.install(trainingOutput, w.exitedCleanly())) {
                // Its JVM's report on writing the cache is logged only when there is no cache to show for it.
                for (String line : w.cacheReport()) {
                    w.log("[worker " + w.id + "] " + line);
                }
            }
        }
        w.dead = true;
        workers.remove(w);
        for (Scheduled s : new Scheduled[] {w.timeout, w.startTimeout, w.killLater}) {
            if (s != null) {
                s.cancel();
            }
        }
        boolean leftInOrder = (w.exiting || w.retiring) && w.timedOut == null && w.exitedCleanly();
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
                TaskTimeoutException timeout = new TaskTimeoutException(w.id, w.pid, options.taskTimeout());
                outcomes.add(() -> running.promise.fail(timeout));
            } else if (running.attempts <= options.retries() && !running.promise.isDone()) {
                log("[worker " + w.id + "] crashed under a task: running it again (attempt "
                        + (running.attempts + 1) + " of " + (options.retries() + 1) + ")");
                // At the back: first in line, it would be the first task of a cold new worker each time, and a
                // task that crashes its worker would hold up the queue.
                pending.addLast(running);
            } else {
                WorkerCrashedException crash = w.crash();
                outcomes.add(() -> running.promise.fail(crash));
            }
        }
        if (withdrawal != null) {
            answeredStop();
        }
        if (stopping) {
            finishIfDone();
            return;
        }
        if (!w.isReady()) {
            startEnded(w);
        }
        replenish();
        pump();
    }

    /**
     * A worker ended before it was ready. Killed from outside (SIGKILL, SIGTERM, SIGINT), it is no failure of its
     * own: it is replaced at once, as Gunicorn's arbiter replaces a killed worker, and the pool never gives up on
     * that account (at most {@code workers} JVMs start at once, so whatever kills them gets no burst). Failing by
     * itself (a bad class path or JVM option, a failing initializer, a JVM that crashes) {@link #START_ATTEMPTS}
     * times in a row with no worker ready, it fails the queued jobs with the reason: nothing could run them.
     */
    private void startEnded(Worker w) {
        if (w.killedFromOutside()) {
            return; // replaced at once: the sooner a new one starts, the likelier it outlives whatever kills them
        }
        Throwable reason = w.initFailure != null ? w.initFailure
                : new IOException("worker " + w.id + (w.killReason != null ? " was killed: " + w.killReason
                : " exited with code " + w.process.exitValue() + " before it was ready") + w.lastLines());
        startFailed(reason);
    }

    private void startFailed(Throwable cause) {
        failedStarts++;
        if (failedStarts >= START_ATTEMPTS && workers.stream().noneMatch(Worker::isReady)) {
            IOException failure = new IOException("no worker could start: " + cause.getMessage(), cause);
            for (Job job : pending) {
                outcomes.add(() -> job.promise.fail(failure));
            }
            pending.clear(); // and no more launches until new work comes (enqueue)
        } else {
            pause(100L * Math.min(failedStarts, 10));
        }
    }

    /** No worker is launched for {@code millis}. */
    private void pause(long millis) {
        if (backoff != null) {
            backoff.cancel();
        }
        backoff = loop.callLater(Duration.ofMillis(millis), () -> step(() -> {
            backoff = null;
            replenish();
            pump();
        }));
    }

    /**
     * Launches workers until there are as many live or starting ones as the pool allows, unless starting them
     * keeps failing or a pause is on.
     */
    private void replenish() {
        while (!stopping && backoff == null
                && (failedStarts < START_ATTEMPTS || workers.stream().anyMatch(Worker::isReady))
                && workers.stream().filter(w -> !w.retiring && !w.exiting).count() < options.workers()) {
            if (!launch()) {
                return;
            }
        }
    }

    /** Starts one worker JVM; false if it could not be launched. */
    private boolean launch() {
        if (stopping) {
            return false;
        }
        int limit = options.maxTasksPerWorker() == 0 ? Integer.MAX_VALUE
                : options.maxTasksPerWorker() + (options.maxTasksJitter() == 0 ? 0
                : ThreadLocalRandom.current().nextInt(options.maxTasksJitter() + 1));
        Worker w = new Worker(nextWorkerId++, limit, options.log());
        Path output = null;
        if (trainer == null && trainingOutput == null && command.trainable()) { // one trainer per pool, at most
            output = command.trainingOutput();
            w.training = true;
        }
        try {
            w.start(command.command(output), socketPath);
        } catch (IOException e) {
            w.log("[worker " + w.id + "] could not start: " + e.getMessage());
            startFailed(e);
            return false;
        }
        if (random == null) {
            random = new SecureRandom(); // now, while the JVM boots: seeding it the first time takes a while
        }
        byte[] token = new byte[Wire.TOKEN_BYTES];
        random.nextBytes(token);
        try {
            w.sendToken(token);
        } catch (IOException e) {
            // It is gone already (a bad JVM option, say): its exit and its output tell why.
        }
        if (output != null) {
            trainer = w;
            trainingOutput = output;
        }
        workers.add(w);
        w.process.onExit().thenRun(() -> post(() -> exited(w)));
        w.startTimeout = loop.callLater(START_TIMEOUT, () -> step(() -> {
            if (!w.isReady() && !w.dead) {
                w.log("[worker " + w.id + "] did not start within " + START_TIMEOUT.toSeconds() + " s: killing it");
                w.killedBecause("it did not start within " + START_TIMEOUT.toSeconds() + " s");
            }
        }));
        return true;
    }

    // ---- output ----

    /**
     * Logs what the workers printed. It looks again at once if there was anything, else after a period that
     * doubles, from {@link #OUTPUT_PERIOD} up to eight times that, while they stay quiet: an idle pool wakes
     * up a few times a second, and a line printed after a quiet spell reaches the log within 160 ms.
     */
    private void readOutput() {
        boolean any = false;
        for (Worker w : workers) {
            any |= w.readOutput(false);
        }
        if (stopping && workers.isEmpty()) {
            return;
        }
        if (any) {
            outputPeriod = OUTPUT_PERIOD;
            outputTick = loop.callSoon(() -> step(this::readOutput));
        } else {
            outputTick = loop.callLater(outputPeriod, () -> step(this::readOutput));
            outputPeriod = outputPeriod.multipliedBy(2).compareTo(OUTPUT_PERIOD.multipliedBy(8)) > 0
                    ? OUTPUT_PERIOD.multipliedBy(8) : outputPeriod.multipliedBy(2);
        }
    }

    // ---- stopping ----

    /** Every promise is done and no more come: workers exit (those still starting are killed), then the loop. */
    void terminate() {
        stopping = true;
        for (Worker w : List.copyOf(workers)) {
            if (!w.exiting) {
                w.exiting = true;
                if (w.isReady()) {
                    w.control(Wire.EXIT, -1);
                    w.flush(loop);
                } else {
                    w.killedBecause("the pool stopped while it was starting"); // nothing left for it to do
                }
            }
        }
        closeServer();
        finishIfDone();
    }

    /** {@code shutdownNow}: workers still running a task {@code grace} from now are killed. */
    void killAfter(Duration grace) {
        stopping = true;
        for (Worker w : workers) {
            loop.callLater(grace, () -> step(() -> w.killedBecause("its task did not end within " + grace
                    + " of shutdownNow")));
        }
    }

    private void closeServer() {
        if (server.isOpen()) {
            loop.removeReader(server);
            try {
                server.close();
            } catch (IOException ignored) {
                // the folder goes below
            }
        }
        for (Handshake h : List.copyOf(handshakes.values())) {
            closeHandshake(h);
        }
        try {
            Files.deleteIfExists(socketPath);
            Files.deleteIfExists(socketDir);
        } catch (IOException ignored) {
            // a temp folder: the OS cleans it
        }
    }

    /** Once the pool is stopping and its last worker is gone, the loop ends. */
    private void finishIfDone() {
        if (stopping && workers.isEmpty() && pendingWithdrawalDone()) {
            if (outputTick != null) {
                outputTick.cancel();
            }
            if (backoff != null) {
                backoff.cancel();
            }
            closeServer();
            loop.stop();
        }
    }

    private boolean pendingWithdrawalDone() {
        return withdrawal == null;
    }

    /**
     * For {@code shutdownNow}: the jobs that never started. Each worker holding jobs is told to STOP (begin
     * nothing more, interrupt what runs) and answers with the id of the task it began last; {@code answer} is
     * completed once all have answered, or after {@code patience}, taking a worker that did not answer to be
     * running its oldest job.
     */
    void withdraw(CompletableFuture<List<Promise<?>>> answer, Duration patience) {
        stopping = true; // nothing more goes out
        asked = new ArrayList<>();
        for (Worker w : workers) {
            if (!w.dead && w.isReady() && !w.inFlight.isEmpty()) {
                w.stopAnswer = null;
                w.control(Wire.STOP, -1);
                w.flush(loop);
                asked.add(w);
            }
        }
        withdrawal = answer;
        if (patience.isZero()) {
            answerWithdrawal();
        } else {
            withdrawalDeadline = loop.callLater(patience, () -> step(this::answerWithdrawal));
            answeredStop();
        }
    }

    private void stopped(Worker w, long lastBegun) {
        w.stopAnswer = lastBegun;
        if (withdrawal != null) {
            answeredStop();
        }
    }

    private void answeredStop() {
        if (asked.stream().allMatch(w -> w.stopAnswer != null || w.dead)) {
            answerWithdrawal();
        }
    }

    private void answerWithdrawal() {
        if (withdrawal == null) {
            return;
        }
        if (withdrawalDeadline != null) {
            withdrawalDeadline.cancel();
            withdrawalDeadline = null;
        }
        List<Promise<?>> withdrawn = new ArrayList<>();
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
        CompletableFuture<List<Promise<?>>> answer = withdrawal;
        withdrawal = null;
        asked = null;
        answer.complete(withdrawn);
        finishIfDone();
    }

    // ---- queries ----

    List<ProcessPool.WorkerInfo> workerInfo() {
        return workers.stream().map(Worker::info).toList();
    }

    /** Passes a line to the pool's log; a sink that throws loses that line, nothing else. */
    private void log(String line) {
        try {
            options.log().accept(line);
        } catch (RuntimeException e) {
            // the owner's sink failed: the pool goes on
        }
    }
}
