package dev.simul.process;

import dev.simul.task.Task;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.ObjectInputFilter;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One worker JVM as its {@link ProcessPool} sees it: the process, its connection, the jobs in flight on it (in the
 * order sent, which is the order it runs them), and the threads that forward its output.
 *
 * <p>Fields marked "pool lock" are guarded by the pool's lock; {@code out} and {@code functions} by
 * {@code writeLock}, which is taken before the pool's lock, never after.
 */
final class Worker {

    /** A control frame queued for the worker: EXIT, DRAIN or STOP, or CANCEL or SKIP of job {@code id}. */
    record Control(byte frame, long id) {
        static final Control EXIT = new Control(Wire.EXIT, -1);
        static final Control DRAIN = new Control(Wire.DRAIN, -1);
        static final Control STOP = new Control(Wire.STOP, -1);
    }

    private static final int TAIL_LINES = 20;
    private static final int LINE_MAX = 1000;

    final int id;
    final byte[] token;
    final int taskLimit;
    private final Consumer<String> log;

    // pool lock
    final ArrayDeque<ProcessPool.Job> inFlight = new ArrayDeque<>();
    final ArrayDeque<ProcessPool.Job> toSend = new ArrayDeque<>();
    final ArrayDeque<Control> controls = new ArrayDeque<>();
    int sent;
    int done;
    boolean retiring;
    boolean exiting;
    boolean dead;
    ProcessPool.Job timedOut;
    /** The thread that reads this worker's answers; it cannot wait for one itself. */
    volatile Thread connectionThread;
    /** The last job id this worker began, as it answered STOP (-1: none), or null before it answered. */
    Long stopAnswer;
    ScheduledFuture<?> timeout;
    ScheduledFuture<?> startTimeout;
    private volatile String killReason;
    /** This worker writes the pool's AOT cache as it exits: its JVM then reports on that, which is not news. */
    volatile boolean training;
    /** EXIT or DRAIN has gone out: a trainer's JVM reports on the cache it writes from now on. */
    private volatile boolean toldToExit;
    /** The JVM's report on writing a trainer's AOT cache, logged only if no cache came of it. */
    private final ArrayDeque<String> cacheReport = new ArrayDeque<>();
    /** The lines of that report (JDK 25); anything else a trainer prints is its own output, logged as usual. */
    private static final java.util.regex.Pattern AOT_REPORT = java.util.regex.Pattern.compile("Temporary "
            + "AOTConfiguration recorded|Launching child process .* to assemble AOT cache|Picked up JAVA_TOOL_OPTIONS"
            + "|Reading AOTConfiguration|AOTCache creation is complete|Removed temporary AOT configuration");

    Process process;
    long pid = -1;
    private long launchedNanos;
    private volatile long readyNanos = -1;
    private volatile SocketChannel channel;
    private Wire.In in;
    private final Object writeLock = new Object();
    /** Requests to the writer thread; its permits are drained by each write. */
    private final java.util.concurrent.Semaphore writeRequests = new java.util.concurrent.Semaphore(0);
    /** The connection ended: the writer thread stops. */
    private volatile boolean closed;
    private final Wire.Out out = new Wire.Out();
    /** What the values written to this worker carried: the pool's filter learns it before the worker answers. */
    private final AllowList.Learned learned = new AllowList.Learned();
    private final ProcessPool.Functions functions = new ProcessPool.Functions();
    private final ArrayDeque<String> outputTail = new ArrayDeque<>();
    private Thread stdoutForwarder;
    private Thread stderrForwarder;

    Worker(int id, byte[] token, int taskLimit, Consumer<String> log) {
        this.id = id;
        this.token = token;
        this.taskLimit = taskLimit;
        this.log = log;
    }

    /** Launches the JVM and hands it its token on stdin, which then stays open: its end means "the pool is gone". */
    void start(List<String> command, Path socketPath) throws IOException {
        List<String> full = new ArrayList<>(command);
        full.add(socketPath.toString());
        full.add(Integer.toString(id));
        launchedNanos = System.nanoTime();
        process = new ProcessBuilder(full).start();
        pid = process.pid();
        stdoutForwarder = forward(process.getInputStream(), false);
        stderrForwarder = forward(process.getErrorStream(), true);
        process.getOutputStream().write(token);
        process.getOutputStream().flush();
    }

    private Thread forward(InputStream stream, boolean isStderr) {
        return Thread.ofPlatform().daemon().name("simul-worker-" + id + (isStderr ? "-stderr" : "-stdout"))
                .start(() -> {
                    try (InputStreamReader chars = new InputStreamReader(stream, StandardCharsets.UTF_8)) {
                        String line;
                        while ((line = readLine(chars)) != null) {
                            synchronized (outputTail) { // both streams: a JVM's fatal error report goes to stdout
                                if (outputTail.size() == TAIL_LINES) {
                                    outputTail.removeFirst();
                                }
                                outputTail.addLast(line);
                                if (training && toldToExit && AOT_REPORT.matcher(line).lookingAt()) {
                                    if (cacheReport.size() == TAIL_LINES) {
                                        cacheReport.removeFirst();
                                    }
                                    cacheReport.addLast(line);
                                    continue;
                                }
                            }
                            log("[worker " + id + "] " + line);
                        }
                    } catch (IOException e) {
                        // the process is gone
                    }
                });
    }

    /**
     * The next line, cut at {@link #LINE_MAX} characters (the rest of it skipped): a worker printing without
     * newlines must not fill this JVM's memory. Null at the end.
     */
    private static String readLine(java.io.Reader in) throws IOException {
        StringBuilder line = new StringBuilder();
        boolean cut = false;
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (line.length() < LINE_MAX) {
                line.append((char) c);
            } else {
                cut = true;
            }
        }
        if (c < 0 && line.isEmpty() && !cut) {
            return null;
        }
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
            line.setLength(end - 1);
        }
        return cut ? line + "..." : line.toString();
    }

    /** What a trainer printed after it was told to exit (its JVM writing the AOT cache), oldest first. */
    List<String> cacheReport() {
        synchronized (outputTail) {
            return List.copyOf(cacheReport);
        }
    }

    /** Passes a line to the pool's log; a sink that throws loses that line, nothing else. */
    void log(String line) {
        try {
            log.accept(line);
        } catch (RuntimeException e) {
            // the owner's sink failed: the worker goes on
        }
    }

    boolean isConnected() {
        return channel != null;
    }

    boolean isReady() {
        return readyNanos >= 0;
    }

    /** Whether the pool may send it jobs. Under the pool lock. */
    boolean accepting() {
        return isReady() && !retiring && !exiting && !dead;
    }

    void connected(SocketChannel c, Wire.In reader) {
        this.in = reader;
        this.channel = c;
    }

    ProcessPool.WorkerInfo info() {
        long ready = readyNanos;
        return new ProcessPool.WorkerInfo(id, pid, ready < 0 ? -1 : (ready - launchedNanos) / 1_000_000, done);
    }

    /**
     * Runs on the worker's connection thread from HELLO to the end: sends INIT, waits for READY, then reads
     * answers until the connection ends, and finally tells the pool the worker is gone.
     */
    void serve(ProcessPool pool, String filterText, ObjectInputFilter filter, long maxRss, long maxMessage,
               Task<?> initializer) {
        connectionThread = Thread.currentThread();
        POOL_THREAD.set(Boolean.TRUE);
        Thread.ofVirtual().name("simul-pool-writer-" + id).start(() -> writeLoop(pool));
        ClassLoader loader = Worker.class.getClassLoader();
        Throwable startFailure = null;
        try {
            synchronized (writeLock) {
                out.naming(learned);
                out.begin(Wire.INIT);
                out.putUtf(filterText);
                out.putLong(maxRss);
                out.putLong(maxMessage);
                try {
                    out.putValue(initializer);
                } catch (IOException | RuntimeException e) {
                    throw new IOException("the initializer cannot be sent to a worker: " + e, e);
                }
                out.end();
                pool.learn(learned);
                out.flushTo(channel);
            }
            ByteBuffer first = in.next();
            byte type = first.get();
            if (type == Wire.INIT_FAILED) {
                Throwable t = Wire.getError(first, filter, loader);
                startFailure = new IOException("the initializer failed in worker " + id + ": " + t, t);
                log("[worker " + id + "] its initializer failed: " + t);
                return;
            }
            if (type != Wire.READY) {
                throw new IOException("worker " + id + " sent " + type + " instead of READY");
            }
            readyNanos = System.nanoTime();
            pool.ready(this);
            while (true) {
                ByteBuffer frame = in.next();
                type = frame.get();
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
                        pool.answered(this, job, outcome, value);
                    }
                    case Wire.ERROR -> {
                        long job = frame.getLong();
                        pool.answered(this, job, Wire.ERROR, Wire.getError(frame, filter, loader));
                    }
                    case Wire.CANCELLED, Wire.REJECTED -> pool.answered(this, frame.getLong(), type, null);
                    case Wire.RETIRING -> pool.retiring(this, frame.getLong());
                    case Wire.STOPPED -> pool.stopped(this, frame.getLong());
                    case Wire.BYE -> {
                        // it exits now
                    }
                    default -> throw new IOException("worker " + id + " sent an unknown frame type " + type);
                }
                if (!in.hasBufferedFrame()) {
                    pool.pump(); // every answer that came together is in: send their replacements at once
                }
            }
        } catch (IOException e) {
            // The end of the connection (or a reset): the worker exited or died; how is told by its exit status.
        } catch (RuntimeException e) {
            if (!dead) {
                log("[worker " + id + "] broke the protocol: " + e);
                killedBecause("it broke the protocol: " + e.getMessage());
            }
        } finally {
            closed = true;
            writeRequests.release(); // the writer thread sees it and ends
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            try {
                // A trainer writes the AOT cache as it exits (1.5 s on 2 busy cores): killed meanwhile, it would
                // leave a truncated cache.
                if (!awaitExit(TimeUnit.SECONDS.toNanos(training ? 30 : 2))) {
                    kill();
                    awaitExit(TimeUnit.SECONDS.toNanos(5));
                }
                stderrForwarder.join(1000); // its last lines belong in the crash report
                stdoutForwarder.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (startFailure == null && !isReady()) {
                startFailure = new IOException("worker " + id + " exited before it was ready" + lastLines());
            }
            pool.gone(this, startFailure);
        }
    }

    /**
     * Has the jobs and controls queued for this worker written. Any thread may ask; only the pool's own threads
     * touch the socket, because a write from a thread whose interrupt flag is set (a caller's, say) would close
     * it, and with it the worker: others hand the write to this worker's writer thread.
     */
    void flush(ProcessPool pool) {
        if (POOL_THREAD.get() == Boolean.TRUE && !Thread.currentThread().isInterrupted()) {
            write(pool); // a connection thread sending the replacements of answered jobs: the hot path, inline
        } else {
            writeRequests.release();
        }
    }

    /**
     * Marks the pool's connection and writer threads: nobody outside the pool holds them, so nobody interrupts
     * them, and they may write to any worker's socket themselves.
     */
    private static final ThreadLocal<Boolean> POOL_THREAD = new ThreadLocal<>();

    /** The writer thread: writes what is queued each time it is asked, until the connection ends. */
    private void writeLoop(ProcessPool pool) {
        POOL_THREAD.set(Boolean.TRUE);
        while (true) {
            writeRequests.acquireUninterruptibly();
            writeRequests.drainPermits(); // one write covers every request made so far
            if (closed) {
                return;
            }
            write(pool);
        }
    }

    /** Writes the jobs and controls queued for this worker, jobs first, in the order they were queued. */
    private void write(ProcessPool pool) {
        List<ProcessPool.Job> unsendable = new ArrayList<>();
        List<Throwable> reasons = new ArrayList<>();
        synchronized (writeLock) {
            List<ProcessPool.Job> jobs;
            List<Control> ctl;
            synchronized (pool.lock()) {
                if (channel == null || dead) {
                    return; // not connected yet (a worker gets jobs only once ready), or gone
                }
                jobs = new ArrayList<>(toSend);
                toSend.clear();
                ctl = new ArrayList<>(controls);
                controls.clear();
            }
            for (ProcessPool.Job job : jobs) {
                try {
                    encode(pool, job);
                } catch (Throwable e) { // a StackOverflowError on a deep graph too: the frame must not go out
                    out.abandon();
                    pool.unsendable(this, job);
                    unsendable.add(job);
                    reasons.add(e);
                }
            }
            for (Control c : ctl) {
                out.begin(c.frame());
                if (c.frame() == Wire.EXIT || c.frame() == Wire.DRAIN) {
                    toldToExit = true;
                } else if (c.frame() == Wire.CANCEL || c.frame() == Wire.SKIP) {
                    out.putLong(c.id());
                }
                try {
                    out.end();
                } catch (IOException e) {
                    throw new IllegalStateException(e); // a control frame is a few bytes
                }
            }
            pool.learn(learned); // before the worker can answer with what it carried
            try {
                out.flushTo(channel);
            } catch (IOException e) {
                // it died: its connection thread sees the end and reports it
            }
        }
        // Outside the locks: a callback of these promises may submit, and so flush, again.
        for (int i = 0; i < unsendable.size(); i++) {
            Throwable e = reasons.get(i);
            unsendable.get(i).promise.fail(new java.io.NotSerializableException(
                    "the task cannot be sent to a worker process: " + (e.getMessage() != null ? e.getMessage() : e)));
        }
    }

    private void encode(ProcessPool pool, ProcessPool.Job job) throws IOException {
        Task<?> task = job.promise.task();
        if (task instanceof ProcessPool.Call<?, ?> call) {
            long fnId = pool.functionId(call.fn());
            if (functions.get(fnId) == null) {
                out.begin(Wire.DEFINE);
                out.putLong(fnId);
                out.putValue(call.fn());
                out.end();
                functions.put(fnId, Boolean.TRUE);
                for (long forgotten : functions.takeEvicted()) {
                    out.begin(Wire.FORGET);
                    out.putLong(forgotten);
                    out.end();
                }
            }
            out.begin(Wire.CALL);
            out.putLong(job.id);
            out.putLong(fnId);
            out.putValue(call.input());
        } else {
            out.begin(Wire.TASK);
            out.putLong(job.id);
            out.putValue(task);
        }
        out.end();
    }

    /** Kills it, saying why (for its crash report). */
    /** Whether the process ended by itself with status 0: not killed, not crashed. */
    boolean exitedCleanly() {
        return killReason == null && !process.isAlive() && process.exitValue() == 0;
    }

    void killedBecause(String reason) {
        if (killReason == null) {
            killReason = reason;
        }
        kill();
    }

    /** SIGKILL, to it and anything it started. */
    void kill() {
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    boolean awaitExit(long nanos) throws InterruptedException {
        return process == null || process.waitFor(nanos, TimeUnit.NANOSECONDS);
    }

    /** The exception for the job it was running when it died; call once it has exited. */
    WorkerCrashedException crash() {
        Integer exitCode = null;
        Integer signal = null;
        if (process != null && !process.isAlive()) {
            int status = process.exitValue();
            if (status > 128 && status <= 128 + 64) {
                signal = status - 128; // how the JDK reports a death by signal on Unix
            } else {
                exitCode = status;
            }
        }
        List<String> tail;
        synchronized (outputTail) {
            tail = new ArrayList<>(outputTail);
        }
        boolean outOfMemory = tail.stream().anyMatch(line -> line.contains("java.lang.OutOfMemoryError"));
        return new WorkerCrashedException(id, pid, exitCode, signal, killReason, outOfMemory, tail);
    }

    /** The last output lines, for a message ("" if none). */
    String lastLines() {
        synchronized (outputTail) {
            return outputTail.isEmpty() ? "" : "; its last output lines:\n  " + String.join("\n  ", outputTail);
        }
    }
}
