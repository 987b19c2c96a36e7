package dev.simul.process;

import dev.simul.serial.AllowList;
import dev.simul.task.Fn;
import dev.simul.task.Task;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A worker of a {@link ProcessPool}: the entry point of each child JVM. Not for direct use.
 *
 * <p>It reads its token from stdin and connects to the pool's socket (at the same time, with a warm-up of the way
 * a task is read: see {@link #warmUp}), says HELLO, runs the initializer, says READY,
 * then runs the tasks it receives one at a time, in order, on its main thread. A reader thread takes frames off
 * the socket as they come, so that a CANCEL can interrupt the running task (a SKIP, a cancel that does not
 * interrupt, only keeps a task from starting), and a STOP ({@code shutdownNow}) is answered at once with the last
 * task begun: the pool then knows exactly which of the tasks it sent ahead never started. The worker exits when the pool says
 * EXIT, and at once when its stdin ends before it connects or its connection ends after: that is how it notices
 * that the pool's JVM died, even by SIGKILL (the kernel closes a dead process's files), so no worker outlives its
 * pool. Nothing else watches stdin: HotSpot waits up to 300 ms, at exit, for threads blocked in native reads.
 *
 * <p>Dying "at once" is not {@code Runtime.halt}: halt stops the JVM at a safepoint, and a task in a long counted
 * loop compiled by C2 reaches none until the loop ends (the worker runs Serial GC, which keeps no safepoint poll in
 * counted loops): its worker outlived the pool by the rest of its task, seconds. The worker has the kernel kill it
 * instead ({@link #die}).
 *
 * <p>A result or error whose frame would pass the pool's maximum message size (sent in INIT) is not sent: the task
 * fails with a {@link MessageTooLargeException} naming both sizes, and the worker carries on. A result's frame grows
 * to 32 MiB at most before the result is measured without keeping its bytes, so refusing one costs little memory.
 *
 * <p>Everything the tasks print goes to the worker's stdout and stderr, which the pool forwards to its log, line by
 * line; the protocol has the socket to itself. After each task both streams are flushed and end with a newline, so
 * that what a task printed reaches the log with the task, and its last line is not glued to whatever comes next.
 */
public final class WorkerMain {

    private static final Object END = new Object();

    private final SocketChannel channel;
    private final Wire.In in;
    private final Wire.Out out = new Wire.Out();
    private final BlockingQueue<Object> frames = new LinkedBlockingQueue<>();
    private final ClassLoader loader = WorkerMain.class.getClassLoader();
    private final Map<Long, Fn<Object, Object>> functions = new HashMap<>();
    private final Object runningLock = new Object();
    private final Set<Long> cancelled = new LinkedHashSet<>(); // guarded by runningLock
    private static final int MAX_CANCELLED = 4096;
    private final Thread main = Thread.currentThread();
    private ObjectInputFilter filter = AllowList.filter("!*");
    private long maxRss;
    /** The largest frame the pool accepts (INIT); larger answers become errors. */
    private long maxMessage = Wire.MAX_FRAME;
    private final Output stdout;
    private final Output stderr;
    private long running = -1; // guarded by runningLock
    private long lastBegun = -1; // guarded by runningLock
    private boolean stopped; // guarded by runningLock; STOP came: begin nothing more
    /** Orders the two threads' writes to the socket: the main thread's answers and the reader's STOPPED. */
    private final Object writeLock = new Object();
    private volatile boolean closing;
    private Thread reader;

    private WorkerMain(SocketChannel channel, Output stdout, Output stderr) {
        this.channel = channel;
        this.in = new Wire.In(channel);
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Arguments: the pool's socket path and this worker's id; the token arrives on stdin. */
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("simul worker: started by a process pool, not by hand");
            System.exit(2);
        }
        // The connection is made on a thread of its own while this one reads the token and warms up: a JVM's
        // first Unix-domain socket initializes the JDK's security providers (the socket classes keep a
        // SecureRandom), tens of milliseconds of cold code that has nothing to do with the warm-up's.
        java.util.concurrent.FutureTask<SocketChannel> connecting = new java.util.concurrent.FutureTask<>(
                () -> SocketChannel.open(UnixDomainSocketAddress.of(Path.of(args[0]))));
        Thread.ofPlatform().daemon().name("simul-worker-connect").start(connecting);
        byte[] token = System.in.readNBytes(Wire.TOKEN_BYTES);
        if (token.length != Wire.TOKEN_BYTES) {
            Runtime.getRuntime().halt(0); // the pool went away before we started
        }
        warmUp();
        SocketChannel channel;
        try {
            channel = connecting.get();
        } catch (java.util.concurrent.ExecutionException e) {
            // Most often the pool died as we started (no one listens); else the pool logs this line as the reason.
            System.err.println("simul worker: cannot connect to the pool's socket: " + e.getCause());
            System.err.flush();
            Runtime.getRuntime().halt(1);
            return;
        }
        Output stdout = new Output(System.out, java.io.FileDescriptor.out);
        Output stderr = new Output(System.err, java.io.FileDescriptor.err);
        System.setOut(stdout.stream);
        System.setErr(stderr.stream);
        WorkerMain worker = new WorkerMain(channel, stdout, stderr);
        worker.out.begin(Wire.HELLO);
        worker.out.putInt(Integer.parseInt(args[1]));
        worker.out.write(token, 0, token.length);
        worker.out.end();
        int status;
        try {
            worker.out.flushTo(channel);
            status = worker.serve();
        } catch (IOException e) {
            if (!worker.closing) {
                if (!(e instanceof java.io.EOFException)) {
                    System.err.println("simul worker: " + e); // a broken protocol, say: the pool logs why
                    System.err.flush();
                }
                die(); // the connection ended before INIT, or while an answer went out: the pool is gone
            }
            throw e;
        }
        worker.closeQuietly();
        stdout.endTask();
        stderr.endTask();
        System.exit(status); // System.exit, not halt: a trainer writes its AOT cache at a normal exit
    }

    /**
     * Takes a lambda of this class through the way a first task takes (Java serialization, the allow-list, the
     * lambda's class made anew from its {@code SerializedLambda}, its call), while the connection is made: that
     * path's code runs cold the first time (it spins classes, which the AOT cache does not hold), and a fresh
     * worker's first task spent 25-50 ms on it. Only its own bytes are read here. Says whether it went through; a
     * failure only leaves the first task to pay, as before.
     */
    static boolean warmUp() {
        try {
            Task<Integer> probe = () -> 1;
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
                out.writeObject(probe);
            }
            Object read = Wire.deserialize(bytes.toByteArray(), AllowList.filter(AllowList.filterText(List.of())),
                    WorkerMain.class.getClassLoader());
            return Integer.valueOf(1).equals(((Task<?>) read).call());
        } catch (Exception | LinkageError e) {
            return false;
        }
    }

    /**
     * Ends this JVM now, its pool being gone. {@code Runtime.halt} stops the JVM at a safepoint, which a task in a
     * C2-compiled counted loop does not reach until the loop ends: with Serial GC, counted loops keep no safepoint
     * poll unless the JVM runs with {@code -XX:+UseCountedLoopSafepoints}. Without that flag the worker has the
     * kernel kill it instead: SIGKILL from a {@code kill} process, which needs nothing from this JVM. Halt remains
     * the fallback, where there is no {@code kill} to run. (A JVM cannot send itself SIGKILL: {@code
     * sun.misc.Signal.raise} refuses a signal without a handler, and a native {@code kill} through the FFM API
     * waits for the same safepoint on its first call.)
     */
    static void die() {
        if (!safepointsInLoops()) {
            try {
                Process kill = new ProcessBuilder("kill", "-KILL", Long.toString(ProcessHandle.current().pid()))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                kill.waitFor(5, java.util.concurrent.TimeUnit.SECONDS); // killed meanwhile, as a rule
            } catch (IOException | RuntimeException | InterruptedException e) {
                // no kill command here: halt it is
            }
        }
        Runtime.getRuntime().halt(0);
    }

    /** Whether every loop polls for safepoints in this JVM, so that halt is prompt (from its command line). */
    private static boolean safepointsInLoops() {
        return ProcessHandle.current().info().arguments()
                .map(args -> java.util.Arrays.asList(args).contains("-XX:+UseCountedLoopSafepoints")).orElse(false);
    }

    /** Closes the connection and lets the reader thread end, so that nothing holds up the exit. */
    private void closeQuietly() throws InterruptedException {
        closing = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // exiting anyway
        }
        if (reader != null) {
            reader.join(1000);
        }
    }

    private int serve() throws Exception {
        ByteBuffer init = in.next();
        if (init.get() != Wire.INIT) {
            throw new IOException("the pool did not start with INIT");
        }
        filter = AllowList.filter(Wire.getUtf(init));
        maxRss = init.getLong();
        maxMessage = Math.min(init.getLong(), Wire.MAX_FRAME);
        out.limit((int) maxMessage);
        // Reading from now on, the initializer included: the connection's end (the pool's death) is seen at once.
        reader = Thread.ofPlatform().daemon().name("simul-worker-reader").start(this::readFrames);
        try {
            if (Wire.getValue(init, filter, loader) instanceof Task<?> initializer) {
                initializer.call();
            }
        } catch (Throwable t) {
            out.begin(Wire.INIT_FAILED);
            out.putError(t);
            out.end();
            flush();
            return 1;
        }
        stdout.endTask(); // what the initializer printed is its own, not the first task's
        stderr.endTask();
        Thread.interrupted(); // an initializer's interrupt is not the first task's
        out.begin(Wire.READY);
        out.putLong(ProcessHandle.current().pid());
        out.end();
        flush();
        return runFrames();
    }

    /** The reader thread: queues frames, and interrupts the running task when it is cancelled. */
    private void readFrames() {
        try {
            while (true) {
                ByteBuffer frame = in.next();
                byte type = frame.get(frame.position());
                if (type == Wire.CANCEL || type == Wire.SKIP) {
                    frame.get();
                    long id = frame.getLong();
                    synchronized (runningLock) {
                        if (running == id) {
                            if (type == Wire.CANCEL) {
                                main.interrupt();
                            }
                        } else {
                            cancelled.add(id); // not started: skipped when its turn comes
                            if (cancelled.size() > MAX_CANCELLED) {
                                // the oldest: cancels of jobs that had finished as the CANCEL crossed
                                cancelled.remove(cancelled.iterator().next());
                            }
                        }
                    }
                    continue;
                }
                if (type == Wire.STOP) {
                    long begun;
                    synchronized (runningLock) {
                        stopped = true;
                        begun = lastBegun;
                        if (running != -1) {
                            main.interrupt();
                        }
                    }
                    Wire.Out ack = new Wire.Out();
                    ack.begin(Wire.STOPPED);
                    ack.putLong(begun);
                    ack.end();
                    synchronized (writeLock) {
                        ack.flushTo(channel);
                    }
                    continue;
                }
                // A copy: the frame is a view of the reader's buffer, which the next read reuses.
                frames.put(ByteBuffer.allocate(frame.remaining()).put(frame).flip());
            }
        } catch (IOException | InterruptedException e) {
            if (!closing) {
                die(); // the pool is gone
            }
        } finally {
            frames.add(END);
        }
    }

    /** The main thread: runs what comes, in order, and answers each task exactly once. */
    private int runFrames() throws Exception {
        boolean retiring = false;
        while (true) {
            if (frames.isEmpty() && out.size() > 0) {
                flush(); // answers go out in batches, but never wait for more work
            }
            Object next = frames.take();
            if (next == END) {
                return 0;
            }
            ByteBuffer frame = (ByteBuffer) next;
            byte type = frame.get();
            switch (type) {
                case Wire.TASK, Wire.CALL -> {
                    long id = frame.getLong();
                    byte verdict = retiring ? Wire.REJECTED : begin(id);
                    if (verdict != Wire.TASK) {
                        answer(verdict, id); // CANCELLED, or REJECTED: never started, the pool sends it elsewhere
                    } else {
                        run(type, id, frame);
                        if (maxRss > 0 && residentBytes() > maxRss) {
                            retiring = true;
                            out.begin(Wire.RETIRING);
                            out.putLong(residentBytes());
                            out.end();
                        }
                    }
                }
                case Wire.DEFINE -> {
                    long fnId = frame.getLong();
                    try {
                        @SuppressWarnings("unchecked")
                        Fn<Object, Object> fn = (Fn<Object, Object>) Wire.getValue(frame, filter, loader);
                        functions.put(fnId, fn);
                    } catch (Exception | LinkageError e) {
                        functions.put(fnId, new Unreadable(e)); // each CALL of it fails with the reason
                    }
                }
                case Wire.FORGET -> functions.remove(frame.getLong());
                case Wire.DRAIN -> {
                    out.begin(Wire.BYE);
                    out.end();
                    flush();
                    return 0;
                }
                case Wire.EXIT -> {
                    flush();
                    return 0;
                }
                default -> throw new IOException("unknown frame type " + type);
            }
        }
    }

    /**
     * Starts job {@code id} unless it was cancelled, in one step with the cancel check so that a CANCEL is either
     * seen here or interrupts the job. Every earlier answer goes out first: the pool takes a worker's oldest
     * unanswered job for the one it is running (the one a crash or a timeout fails).
     */
    private byte begin(long id) throws IOException {
        if (out.size() > 0) {
            flush();
        }
        synchronized (runningLock) {
            if (stopped) {
                return Wire.REJECTED;
            }
            if (cancelled.remove(id)) {
                return Wire.CANCELLED;
            }
            running = id;
            lastBegun = id;
            return Wire.TASK;
        }
    }

    /** Writes the answers gathered so far. */
    private void flush() throws IOException {
        synchronized (writeLock) {
            out.flushTo(channel);
        }
    }

    private void run(byte type, long id, ByteBuffer frame) throws IOException {
        Object result;
        Throwable failure = null;
        try {
            if (type == Wire.TASK) {
                result = ((Task<?>) Wire.getValue(frame, filter, loader)).call();
            } else {
                long fnId = frame.getLong();
                Fn<Object, Object> fn = functions.get(fnId);
                if (fn == null) {
                    throw new IllegalStateException("function " + fnId + " was never defined in this worker");
                }
                result = fn.apply(Wire.getValue(frame, filter, loader));
            }
        } catch (Throwable t) {
            result = null;
            failure = t;
        } finally {
            synchronized (runningLock) {
                running = -1;
                Thread.interrupted(); // a late cancel of this task must not reach the next one
                cancelled.remove(id);
            }
            stdout.endTask();
            stderr.endTask();
        }
        if (failure == null) {
            failure = sendResult(id, result);
            if (failure == null) {
                return;
            }
            result = null; // an unsendable result may be most of the heap: let it go before the error is written
        }
        sendError(id, failure);
    }

    /**
     * A result's frame grows to this size at first; one that would pass it is measured before it is encoded in
     * full. A result far over the maximum message size then costs no buffer of the maximum's size (the heap may
     * be mostly the result itself: 600 MB in 1 GiB), and one under it costs a counting pass more.
     */
    private static final int PROBE_BYTES = 32 << 20;

    /** Writes RESULT for job {@code id}; if it cannot be, writes nothing and returns why (else null). */
    private Throwable sendResult(long id, Object result) throws IOException {
        try {
            try {
                out.limit((int) Math.min(maxMessage, PROBE_BYTES));
                encodeResult(id, result);
                return null;
            } catch (Wire.FrameTooLarge probe) {
                out.abandon();
                flush(); // also drops the buffer
            } finally {
                out.limit((int) maxMessage);
            }
            long size = encodedSize(result);
            if (size > maxMessage || maxMessage <= PROBE_BYTES) {
                return new MessageTooLargeException("the task's result", size, maxMessage);
            }
            encodeResult(id, result);
            return null;
        } catch (Wire.FrameTooLarge tooLarge) {
            out.abandon();
            flush();
            return new MessageTooLargeException("the task's result", encodedSize(result), maxMessage);
        } catch (OutOfMemoryError oom) { // survivable only in a worker without -XX:+ExitOnOutOfMemoryError
            out.abandon();
            flush();
            return new MessageTooLargeException("the task's result, a " + result.getClass().getName() + ",",
                    -1, maxMessage, oom);
        } catch (IOException | RuntimeException notSerializable) {
            out.abandon();
            return new java.io.NotSerializableException("the task's result, a " + result.getClass().getName()
                    + ", cannot be sent back: " + notSerializable.getMessage());
        }
    }

    private void encodeResult(long id, Object result) throws IOException {
        out.begin(Wire.RESULT);
        out.putLong(id);
        out.putValue(result);
        out.end();
    }

    /**
     * Writes ERROR for job {@code id}. An exception too large to send (a message of gigabytes, say) goes as its
     * class name, the start of its message and a note, which always fit.
     */
    private void sendError(long id, Throwable failure) throws IOException {
        out.begin(Wire.ERROR);
        out.putLong(id);
        try {
            out.putError(failure);
            out.end();
            return;
        } catch (Wire.FrameTooLarge | OutOfMemoryError tooLarge) {
            out.abandon();
            flush();
        }
        String message = String.valueOf(failure.getMessage());
        Throwable shown = new MessageTooLargeException("the task's exception, a " + failure.getClass().getName()
                + " (" + message.substring(0, Math.min(message.length(), 200)) + "...),", -1, maxMessage);
        out.begin(Wire.ERROR);
        out.putLong(id);
        out.putError(shown);
        out.end();
    }

    /**
     * The size {@code value} takes in a frame, counted without keeping the bytes (as {@link Wire.Out#putValue}
     * writes it), or -1 if it cannot be counted. Only for a value found too large: it serializes it again.
     */
    static long encodedSize(Object value) {
        long header = 4 + 1 + 8 + 1 + 4; // length, type, id, value tag, value length
        try {
            return switch (value) {
                case byte[] b -> header + b.length;
                case String s -> header + s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                default -> {
                    Counter counter = new Counter();
                    try (java.io.ObjectOutputStream o = new java.io.ObjectOutputStream(counter)) {
                        o.writeObject(value);
                    }
                    yield header + counter.count;
                }
            };
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            return -1;
        }
    }

    /** Counts what is written to it, and keeps none of it. */
    private static final class Counter extends java.io.OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

    /**
     * A stream the tasks print to (System.out or System.err), which knows whether the last byte written ended a
     * line. The pool forwards output line by line: a task's last line without a newline would wait, unseen, for
     * whatever is printed next, and be glued to it (to a crash report, say).
     */
    static final class Output extends java.io.FilterOutputStream {
        final java.io.PrintStream stream;
        private volatile boolean atLineStart = true;

        /** In place of {@code original}, writing to the same file descriptor, in the same charset. */
        Output(java.io.PrintStream original, java.io.FileDescriptor fd) {
            super(new java.io.BufferedOutputStream(new java.io.FileOutputStream(fd), 8192));
            original.flush();
            // Autoflush, as the JVM's own streams: a line printed reaches the pool when it ends.
            stream = new java.io.PrintStream(this, true, original.charset());
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            atLineStart = b == '\n';
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            if (len > 0) {
                atLineStart = b[off + len - 1] == '\n';
            }
        }

        /** After a task: ends its last line if it did not, and flushes. */
        void endTask() {
            if (!atLineStart) {
                stream.write('\n');
            }
            stream.flush();
        }
    }

    private void answer(byte type, long id) throws IOException {
        out.begin(type);
        out.putLong(id);
        out.end();
    }

    /** Resident memory from /proc on Linux; elsewhere, the heap in use (the best a JVM can see of itself). */
    private static long residentBytes() {
        try {
            String[] statm = Files.readString(Path.of("/proc/self/statm")).trim().split(" ");
            return Long.parseLong(statm[1]) * 4096;
        } catch (IOException | RuntimeException e) {
            Runtime r = Runtime.getRuntime();
            return r.totalMemory() - r.freeMemory();
        }
    }

    /** A function whose definition could not be read: every call of it fails with the reason. */
    private record Unreadable(Throwable reason) implements Fn<Object, Object> {
        @Override
        public Object apply(Object input) throws Exception {
            throw new java.io.InvalidObjectException("the worker could not read this map's function: " + reason);
        }
    }
}
