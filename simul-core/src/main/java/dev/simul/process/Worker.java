package dev.simul.process;

import dev.simul.serial.AllowList;
import dev.simul.loop.EventLoop;
import dev.simul.loop.Scheduled;
import dev.simul.runner.AbstractRunner;
import dev.simul.task.Fn;
import dev.simul.task.Task;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;

/**
 * One worker JVM as its pool sees it: the process, its connection, the jobs in flight on it (in the order sent,
 * which is the order it runs them), and its output. Everything here belongs to the pool's loop thread
 * ({@link Manager}); nothing is locked.
 */
final class Worker {

    /** Output lines kept for a crash report. */
    private static final int TAIL_LINES = 20;
    /** Characters of one output line kept; the rest of the line is cut, marked "...". */
    static final int LINE_MAX = 1000;
    /** Output bytes read from one stream in one pass: a chatty worker must not hold up the loop. */
    private static final int OUTPUT_PER_PASS = 64 * 1024;
    /** Functions remembered per worker for {@code map}. */
    static final int FUNCTIONS_PER_WORKER = 256;

    /** The lines of the JVM's report on writing a trainer's AOT cache (JDK 25): not news, unless no cache came. */
    private static final Pattern AOT_REPORT = Pattern.compile("Temporary "
            + "AOTConfiguration recorded|Launching child process .* to assemble AOT cache|Picked up JAVA_TOOL_OPTIONS"
            + "|Reading AOTConfiguration|AOTCache creation is complete|Removed temporary AOT configuration");

    final int id;
    /** The secret it presents in its HELLO; set once it is launched (it reads it from its stdin). */
    byte[] token;
    final int taskLimit;
    private final Consumer<String> log;

    final ArrayDeque<Manager.Job> inFlight = new ArrayDeque<>();
    int sent;
    int done;
    /** Past its memory limit: it gets no more work, and hands back what it has not started. */
    boolean retiring;
    /** Told to EXIT (recycled, or the pool stops). */
    boolean exiting;
    /** Its end has been handled: it is out of the pool. */
    boolean dead;
    Manager.Job timedOut;
    /** The last job id it began, as it answered STOP (-1: none), or null before it answered. */
    Long stopAnswer;
    Scheduled timeout;
    Scheduled startTimeout;
    Scheduled killLater;
    String killReason;
    /** It writes the pool's AOT cache as it exits: its JVM then reports on that, which is not news. */
    boolean training;
    /** It said INIT_FAILED: its initializer threw (the reason), so it cannot start. */
    Throwable initFailure;

    Process process;
    long pid = -1;
    private long launchedNanos;
    private long readyNanos = -1;
    SocketChannel channel;
    Wire.In in;
    private final Wire.Out out = new Wire.Out();
    private boolean writerWatched;
    /** EXIT or DRAIN has been queued: a trainer's JVM reports on the cache it writes from now on. */
    private boolean toldToExit;
    /** What the values written to this worker carried: the pool's filter learns it before the worker answers. */
    final AllowList.Learned learned = new AllowList.Learned();
    private final Functions functions = new Functions();
    private final ArrayDeque<String> outputTail = new ArrayDeque<>();
    private final ArrayDeque<String> cacheReport = new ArrayDeque<>();
    private Output stdout;
    private Output stderr;

    Worker(int id, int taskLimit, Consumer<String> log) {
        this.id = id;
        this.taskLimit = taskLimit;
        this.log = log;
    }

    /** Launches the JVM; it waits for its token. */
    void start(List<String> command, Path socketPath) throws IOException {
        List<String> full = new ArrayList<>(command);
        full.add(socketPath.toString());
        full.add(Integer.toString(id));
        launchedNanos = System.nanoTime();
        process = new ProcessBuilder(full).start();
        pid = process.pid();
        stdout = new Output(process.getInputStream());
        stderr = new Output(process.getErrorStream());
    }

    /** Hands it its token on stdin, which then stays open: its end means "the pool is gone". */
    void sendToken(byte[] secret) throws IOException {
        token = secret;
        process.getOutputStream().write(secret);
        process.getOutputStream().flush();
    }

    boolean isConnected() {
        return channel != null;
    }

    boolean isReady() {
        return readyNanos >= 0;
    }

    void ready() {
        readyNanos = System.nanoTime();
    }

    /** Whether the pool may send it jobs. */
    boolean accepting() {
        return isReady() && !retiring && !exiting && !dead;
    }

    ProcessPool.WorkerInfo info() {
        return new ProcessPool.WorkerInfo(id, pid, readyNanos < 0 ? -1 : (readyNanos - launchedNanos) / 1_000_000,
                done);
    }

    // ---- frames out ----

    /** Queues INIT: the allow-list, the memory limit, the largest frame either side sends, the initializer. */
    void init(String filterText, long maxRss, long maxMessage, Task<?> initializer) throws IOException {
        out.naming(learned);
        out.begin(Wire.INIT);
        out.putUtf(filterText);
        out.putLong(maxRss);
        out.putLong(maxMessage);
        out.limit((int) Math.min(maxMessage, Wire.MAX_FRAME)); // what goes out later too: tasks, inputs
        try {
            out.putValue(initializer);
            out.end();
        } catch (IOException | RuntimeException e) {
            out.abandon();
            throw new IOException("the initializer cannot be sent to a worker: " + e, e);
        }
    }

    /**
     * Queues {@code job}: its task, or for a map's call its input (and the function, the first time this worker
     * sees it). Throws what kept it from being encoded; nothing of it is then queued.
     */
    void send(Manager.Job job, ToLongFunction<Fn<?, ?>> functionIds) throws Throwable {
        Task<?> task = job.promise.task();
        try {
            if (task instanceof AbstractRunner.Applied<?, ?> call) { // map's: its function crosses once
                long fnId = functionIds.applyAsLong(call.fn());
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
        } catch (Wire.FrameTooLarge e) {
            out.abandon();
            throw new MessageTooLargeException("the task (or its input)", -1, e.limit);
        } catch (Throwable e) { // a StackOverflowError on a deep graph too: the frame must not go out
            out.abandon();
            throw e;
        }
    }

    /** Queues a control frame: EXIT, DRAIN or STOP ({@code id} unused), or CANCEL or SKIP of job {@code id}. */
    void control(byte frame, long id) {
        out.begin(frame);
        if (frame == Wire.EXIT || frame == Wire.DRAIN) {
            toldToExit = true;
        } else if (frame == Wire.CANCEL || frame == Wire.SKIP) {
            out.putLong(id);
        }
        try {
            out.end();
        } catch (IOException e) {
            throw new IllegalStateException(e); // a control frame is a few bytes
        }
    }

    /**
     * Writes what is queued, as far as the socket takes it now; the rest goes when it is writable again. A worker
     * not connected yet gets its frames once it is.
     */
    void flush(EventLoop loop) {
        if (channel == null || dead || !channel.isOpen()) {
            return;
        }
        boolean all;
        try {
            all = out.writeSome(channel);
        } catch (IOException e) {
            return; // it died: the end of its connection and of its process tell the pool
        }
        if (!all && !writerWatched) {
            writerWatched = true;
            loop.addWriter(channel, () -> flush(loop));
        } else if (all && writerWatched) {
            writerWatched = false;
            loop.removeWriter(channel);
        }
    }

    boolean hasUnwritten() {
        return out.hasUnwritten();
    }

    /** Closes its end of the connection (the worker exits when it sees that, if it has not already). */
    void disconnect(EventLoop loop) {
        if (channel != null && channel.isOpen()) {
            loop.removeReader(channel);
            if (writerWatched) {
                loop.removeWriter(channel);
                writerWatched = false;
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    // ---- the process ----

    /** Whether the process ended by itself with status 0: not killed, not crashed. */
    boolean exitedCleanly() {
        return killReason == null && !process.isAlive() && process.exitValue() == 0;
    }

    /** Kills it, saying why (for its crash report). */
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

    /**
     * Whether someone else killed it (SIGKILL, SIGTERM or SIGINT, which the pool did not send): not a failure of
     * its own, as a crash (SIGSEGV, SIGABRT) or an exit status is.
     */
    boolean killedFromOutside() {
        if (killReason != null || process == null || process.isAlive()) {
            return false;
        }
        int status = process.exitValue();
        return status == 128 + 9 || status == 128 + 15 || status == 128 + 2;
    }

    /** The exception for the job it was running when it died; call once it has exited and its output is read. */
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
        List<String> tail = new ArrayList<>(outputTail);
        boolean outOfMemory = tail.stream().anyMatch(line -> line.contains("java.lang.OutOfMemoryError"));
        return new WorkerCrashedException(id, pid, exitCode, signal, killReason, outOfMemory, tail);
    }

    /** The last output lines, for a message ("" if none). */
    String lastLines() {
        return outputTail.isEmpty() ? "" : "; its last output lines:\n  " + String.join("\n  ", outputTail);
    }

    // ---- output ----

    /**
     * Reads what its stdout and stderr hold now, without blocking (a pipe cannot join a selector: the loop polls
     * it), and logs each complete line; true if there was any. At the end ({@code last}), a line without its
     * newline is logged too.
     */
    boolean readOutput(boolean last) {
        if (stdout == null) {
            return false;
        }
        boolean any = stdout.read(last) | stderr.read(last);
        if (last) {
            stdout.close();
            stderr.close();
        }
        return any;
    }

    /** What a trainer printed after it was told to exit (its JVM writing the AOT cache), oldest first. */
    List<String> cacheReport() {
        return List.copyOf(cacheReport);
    }

    private void line(String line) {
        // Both streams feed one tail: a JVM's fatal error report goes to stdout.
        if (outputTail.size() == TAIL_LINES) {
            outputTail.removeFirst();
        }
        outputTail.addLast(line);
        if (training && toldToExit && AOT_REPORT.matcher(line).lookingAt()) {
            if (cacheReport.size() == TAIL_LINES) {
                cacheReport.removeFirst();
            }
            cacheReport.addLast(line);
            return;
        }
        log("[worker " + id + "] " + line);
    }

    /** Passes a line to the pool's log; a sink that throws loses that line, nothing else. */
    void log(String line) {
        try {
            log.accept(line);
        } catch (RuntimeException e) {
            // the owner's sink failed: the pool goes on
        }
    }

    /** One output stream, cut into lines of at most {@link #LINE_MAX} characters. */
    private final class Output {
        private final InputStream stream;
        private final byte[] chunk = new byte[8192];
        /** The line so far, under LINE_MAX * 4 bytes of UTF-8. */
        private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();
        /** A line past the bound was logged, cut: the rest of it, up to its newline, is dropped. */
        private boolean skipping;
        private boolean closed;

        Output(InputStream stream) {
            this.stream = stream;
        }

        boolean read(boolean last) {
            if (closed) {
                return false;
            }
            boolean any = false;
            try {
                int budget = OUTPUT_PER_PASS;
                int available;
                while ((last || budget > 0) && (available = stream.available()) > 0) {
                    int n = stream.read(chunk, 0, Math.min(chunk.length, available));
                    if (n <= 0) {
                        break;
                    }
                    any = true;
                    budget -= n;
                    take(n);
                }
            } catch (IOException e) {
                closed = true; // the stream is gone
            }
            if (last && pending.size() > 0) {
                endLine(false);
            }
            return any;
        }

        private void take(int n) {
            for (int i = 0; i < n; i++) {
                byte b = chunk[i];
                if (b == '\n') {
                    if (skipping) {
                        skipping = false; // the end of a line already logged, cut
                    } else {
                        endLine(false);
                    }
                } else if (!skipping) {
                    pending.write(b);
                    if (pending.size() >= LINE_MAX * 4) { // bytes of UTF-8: at least LINE_MAX characters
                        endLine(true); // logged now, not when (if ever) its newline comes
                        skipping = true;
                    }
                }
            }
        }

        private void endLine(boolean cut) {
            String text = pending.toString(StandardCharsets.UTF_8);
            pending.reset();
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            if (text.length() > LINE_MAX) {
                text = text.substring(0, LINE_MAX);
                cut = true;
            }
            line(cut ? text + "..." : text);
        }

        void close() {
            closed = true;
            try {
                stream.close();
            } catch (IOException ignored) {
                // a pipe
            }
        }
    }

    /** Remembers which functions this worker has been sent, forgetting the oldest past a bound. */
    private static final class Functions extends LinkedHashMap<Long, Boolean> {
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
