package dev.simul.loop;

import dev.simul.runner.Runner;
import dev.simul.runner.Runners;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An event loop on one thread: callbacks, timers, I/O readiness and coroutines, written from scratch on java.nio.
 *
 * <p>User-facing summary: {@link #run} runs a main coroutine to completion; {@link #runForever} runs until
 * {@link #stop}; {@link #close} releases the loop. {@link #callSoon}, {@link #callLater} and {@link #callAt}
 * schedule callbacks; {@link #addReader}/{@link #addWriter} watch channels; {@link #spawn} starts coroutines;
 * {@link #callSoonThreadsafe} is the one way in from other threads.
 *
 * <p>Threading rule: while the loop runs, only its thread (and its coroutines) may call it, except for
 * {@link #callSoonThreadsafe}, {@link #stop} and the completion of futures; before it runs, the thread that owns
 * it may set it up. Breaking the rule fails at once with an {@link IllegalStateException}.
 *
 * <p>Overview: each pass ({@link #runOnce}) is the only place where callbacks run, in four phases, as in
 * asyncio's {@code _run_once}: (1) compute how long to wait: zero if anything is ready, else until the nearest
 * timer; (2) poll the selector that long, making the callbacks of ready channels ready, and take in the
 * callbacks other threads sent; (3) make due timers ready; (4) run what was ready when the phase began, by
 * priority (see {@link Priority} for why nothing starves). On a {@link VirtualClock} the loop never waits for a
 * timer: when no callback and no I/O is ready, it moves the clock to the next deadline instead.
 */
public final class EventLoop implements AutoCloseable {

    /** The default slow-callback threshold, asyncio's {@code slow_callback_duration}. */
    public static final Duration DEFAULT_SLOW_CALLBACK = Duration.ofMillis(100);

    /** Receives what callbacks and coroutines throw; the loop goes on. */
    @FunctionalInterface
    public interface ExceptionHandler {
        /** Called on the loop thread with a description of what failed and the exception. */
        void handle(EventLoop loop, String context, Throwable error);
    }

    private static final AtomicInteger LOOPS = new AtomicInteger();
    private static final System.Logger LOG = System.getLogger(EventLoop.class.getName());

    private final String name = "loop-" + LOOPS.incrementAndGet();
    private final Clock clock;
    private final VirtualClock virtualClock;
    final Strand.Kind strandKind;
    /** Whether the strands are the slow fallback for want of the export: the first spawn warns (see Strand). */
    private final boolean strandsFellBack;
    private final ReadyQueue ready = new ReadyQueue();
    private final TimerQueue timers = new TimerQueue();
    /** Times its selects on the system clock whatever the loop's clock: it detects the JDK's epoll spin. */
    private final Poller poller = new Poller(Clock.SYSTEM);
    /** Callbacks sent by other threads; drained every pass. */
    private final ConcurrentLinkedQueue<Scheduled> inbox = new ConcurrentLinkedQueue<>();
    /**
     * Set by a sender that woke the selector; cleared by the loop after a poll, before draining the inbox. The
     * poller reads it too: an early return it explains is no sign of the epoll spin.
     */
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    /** The thread running the loop now, or null. */
    private volatile Thread thread;
    /** The thread that may schedule without callSoonThreadsafe: the one running the loop, else the last one that
     *  ran it, else the one that created it. */
    private volatile Thread owner = Thread.currentThread();
    private volatile boolean closed;
    private boolean stopping;
    private long sequence;
    /** Coroutines spawned so far: each one's id. */
    private long coroutines;
    private ExceptionHandler exceptionHandler = EventLoop::logException;
    private volatile long slowCallbackNanos = DEFAULT_SLOW_CALLBACK.toNanos();
    /** Callbacks started and finished, and the one running now: read by the {@link Watchdog}. */
    private long started;
    private long finished;
    private Scheduled currentCallback;
    private Runner executor;
    private final List<Runnable> closeHooks = new ArrayList<>();
    /** The coroutine whose step runs now on the loop thread (continuation strands). */
    Coroutine<?> running;
    /** Runs one ready callback; a field, so that a pass allocates nothing. */
    private final ReadyQueue.Runner runCallback = this::runCallback;
    /** Unfinished coroutines: a doubly linked list through the coroutines themselves. */
    private Coroutine<?> live;
    private int liveCount;
    /** The longest a pass may wait for I/O or timers, or -1 for no limit; set while finishing coroutines. */
    private long maxWaitNanos = -1;

    /** A loop on the system clock, with the best coroutine strands available. */
    public EventLoop() {
        this(Clock.SYSTEM);
    }

    /**
     * A loop on {@code clock}; with a {@link VirtualClock}, timers fire without waiting. Its coroutines run on
     * continuations if the JVM exports {@code jdk.internal.vm} to simul, else on a slower fallback, and the first
     * coroutine of the JVM to start on that fallback logs a warning naming the missing flag
     * ({@code -Dsimul.loop.warnSlowCoroutines=false} silences it; the package-private class {@code Strand}
     * documents the choice).
     */
    public EventLoop(Clock clock) {
        this(clock, Strand.continuationsExported());
    }

    /** A loop that picks its strands as if {@code jdk.internal.vm} were exported, or not: tests reach the fallback. */
    EventLoop(Clock clock, boolean continuationsExported) {
        this(clock, Strand.Kind.available(continuationsExported), Strand.isFallback(continuationsExported));
    }

    /** A loop on strands of {@code strandKind}, chosen on purpose: no warning. */
    EventLoop(Clock clock, Strand.Kind strandKind) {
        this(clock, strandKind, false);
    }

    private EventLoop(Clock clock, Strand.Kind strandKind, boolean strandsFellBack) {
        this.clock = Objects.requireNonNull(clock);
        this.virtualClock = clock instanceof VirtualClock v ? v : null;
        this.strandKind = strandKind;
        this.strandsFellBack = strandsFellBack;
    }

    /** The loop's time in nanoseconds, on its clock. */
    public long time() {
        return clock.nanoTime();
    }

    /** The loop that runs on the current thread (or whose coroutine runs on it), or null. */
    public static EventLoop current() {
        Coroutine<?> c = Coroutine.current();
        return c != null ? c.loop : CURRENT.get();
    }

    private static final ThreadLocal<EventLoop> CURRENT = new ThreadLocal<>();
    private static final VarHandle STARTED;
    private static final VarHandle FINISHED;
    private static final VarHandle CURRENT_CALLBACK;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STARTED = lookup.findVarHandle(EventLoop.class, "started", long.class);
            FINISHED = lookup.findVarHandle(EventLoop.class, "finished", long.class);
            CURRENT_CALLBACK = lookup.findVarHandle(EventLoop.class, "currentCallback", Scheduled.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // ---- scheduling ----

    /** Runs {@code action} in the next pass, at normal priority. */
    public Scheduled callSoon(Runnable action) {
        return callSoon(Priority.NORMAL, action);
    }

    /** Runs {@code action} in the next pass, at {@code priority}. */
    public Scheduled callSoon(Priority priority, Runnable action) {
        checkOwner();
        Scheduled s = new Scheduled(this, Objects.requireNonNull(action), priority, 0, sequence++);
        ready.add(s);
        return s;
    }

    /**
     * Runs {@code action} once {@code delay} has passed on the loop's clock. A delay too long for the clock (say
     * {@code Duration.ofSeconds(Long.MAX_VALUE)}) gives the deadline {@code Long.MAX_VALUE}: never, in practice.
     */
    public Scheduled callLater(Duration delay, Runnable action) {
        return callLater(delay, Priority.NORMAL, action);
    }

    /** Runs {@code action} at {@code priority} once {@code delay} has passed on the loop's clock. */
    public Scheduled callLater(Duration delay, Priority priority, Runnable action) {
        return callAt(deadlineAfter(delay), priority, action);
    }

    /**
     * The time {@code delay} from now, saturated at {@code Long.MAX_VALUE}: a sleep "forever" is legitimate, and
     * {@link Duration#toNanos()} or the addition would overflow. Deadlines never wrap around, so the loop compares
     * them as plain numbers (see {@link TimerQueue}).
     */
    private long deadlineAfter(Duration delay) {
        long nanos = Math.max(0, TimeUnit.NANOSECONDS.convert(delay)); // convert saturates where toNanos throws
        return addSaturated(clock.nanoTime(), nanos);
    }

    /** {@code a + b}, or {@code Long.MAX_VALUE}/{@code Long.MIN_VALUE} where that overflows. */
    static long addSaturated(long a, long b) {
        long sum = a + b;
        if (((a ^ sum) & (b ^ sum)) < 0) { // both operands' sign differs from the sum's: it overflowed
            return b > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return sum;
    }

    /** How long from {@code now} until {@code deadline}: 0 if it has passed, saturated at {@code Long.MAX_VALUE}. */
    static long nanosUntil(long deadline, long now) {
        if (deadline <= now) {
            return 0;
        }
        long left = deadline - now;
        return left > 0 ? left : Long.MAX_VALUE; // negative: the true difference is past Long.MAX_VALUE
    }

    /** Runs {@code action} at {@code deadline}, a time of the loop's {@link #time()}. */
    public Scheduled callAt(long deadline, Runnable action) {
        return callAt(deadline, Priority.NORMAL, action);
    }

    /** Runs {@code action} at {@code priority} at {@code deadline}, a time of the loop's {@link #time()}. */
    public Scheduled callAt(long deadline, Priority priority, Runnable action) {
        checkOwner();
        Scheduled s = new Scheduled(this, Objects.requireNonNull(action), priority, deadline, sequence++);
        timers.add(s);
        return s;
    }

    /** Runs {@code action} in a pass soon, from any thread: the loop wakes up if it is waiting. */
    public Scheduled callSoonThreadsafe(Runnable action) {
        return callSoonThreadsafe(Priority.NORMAL, action);
    }

    /** Runs {@code action} at {@code priority} in a pass soon, from any thread. */
    public Scheduled callSoonThreadsafe(Priority priority, Runnable action) {
        if (closed) {
            throw new IllegalStateException("the event loop " + name + " is closed");
        }
        Scheduled s = new Scheduled(this, Objects.requireNonNull(action), priority, 0, 0);
        inbox.add(s);
        if (wakeupPending.compareAndSet(false, true)) {
            poller.wakeup();
        }
        return s;
    }

    /** callSoon on the loop's thread, callSoonThreadsafe elsewhere: for futures completed from anywhere. */
    void callSoonAnyThread(Runnable action) {
        if (inLoopThread()) {
            callSoon(action);
        } else {
            callSoonThreadsafe(action);
        }
    }

    /** Called by {@link Scheduled#cancel()}: timers are counted so cancelled ones can be purged. */
    void cancelled(Scheduled s) {
        if (inLoopThread()) {
            timers.cancelled(s);
        } else if (!closed) {
            callSoonThreadsafe(Priority.HIGH, () -> timers.cancelled(s));
        }
    }

    // ---- I/O readiness ----

    /** Runs {@code callback} in every pass in which {@code channel} is readable (or acceptable), until removed. */
    public void addReader(SelectableChannel channel, Runnable callback) {
        watch(channel, SelectionKey.OP_READ, callback);
    }

    /** Stops watching {@code channel} for reading; false if it was not watched. */
    public boolean removeReader(SelectableChannel channel) {
        return watch(channel, SelectionKey.OP_READ, null);
    }

    /** Runs {@code callback} in every pass in which {@code channel} is writable (or connected), until removed. */
    public void addWriter(SelectableChannel channel, Runnable callback) {
        watch(channel, SelectionKey.OP_WRITE, callback);
    }

    /** Stops watching {@code channel} for writing; false if it was not watched. */
    public boolean removeWriter(SelectableChannel channel) {
        return watch(channel, SelectionKey.OP_WRITE, null);
    }

    /** Sets (null: clears) the callback for {@code op} on {@code channel}; whether one was set before. */
    private boolean watch(SelectableChannel channel, int op, Runnable callback) {
        checkOwner();
        boolean had = poller.get(channel, op) != null;
        poller.set(channel, op, callback == null ? null
                : new Scheduled(this, Objects.requireNonNull(callback), Priority.NORMAL, 0, 0));
        return had;
    }

    // ---- futures and coroutines ----

    /** A new pending future of this loop. */
    public <T> LoopFuture<T> newFuture() {
        return new LoopFuture<>(this);
    }

    /** Starts {@code body} as a coroutine; its first step runs in a later pass. */
    public <T> Coroutine<T> spawn(Callable<T> body) {
        return spawn(body, null);
    }

    /** Starts {@code body} as a coroutine called {@code name} (for dumps and warnings). */
    public <T> Coroutine<T> spawn(Callable<T> body, String name) {
        checkOwner();
        if (strandsFellBack) {
            Strand.warnFallbackOnce(LOG); // only a loop that runs coroutines cares which strands they get
        }
        Coroutine<T> c = new Coroutine<>(this, Objects.requireNonNull(body), name, ++coroutines);
        link(c);
        c.start();
        return c;
    }

    /**
     * Runs {@code task} on {@code runner} (a thread pool, say) and returns a future of this loop for its result,
     * so that a coroutine can await blocking or CPU-heavy work without stalling the loop.
     */
    public <T> LoopFuture<T> runInExecutor(Runner runner, Callable<T> task) {
        LoopFuture<T> future = newFuture();
        runner.submit(task).onDone(h -> {
            switch (h.state()) {
                case SUCCESS -> future.complete(h.resultNow());
                case FAILED -> future.fail(h.exceptionNow());
                default -> future.cancel(false);
            }
        });
        return future;
    }

    /**
     * The loop's own pool for blocking work, created on first use and closed with the loop: platform threads,
     * as many as asyncio's default executor ({@code min(32, processors + 4)}).
     */
    public synchronized Runner defaultExecutor() {
        if (executor == null) {
            if (closed) {
                throw new IllegalStateException("the event loop " + name + " is closed");
            }
            executor = Runners.threads(Math.min(32, Runtime.getRuntime().availableProcessors() + 4));
        }
        return executor;
    }

    /**
     * Runs {@code action} on this loop's thread once {@code future} is done: a future of this loop, a runner's
     * {@link dev.simul.runner.Handle}, or a {@link CompletableFuture}; those are what coroutines can await.
     */
    void whenDone(Future<?> future, Runnable action) {
        if (future instanceof LoopFuture<?> f && f.loop == this) {
            f.onDone(done -> action.run());
        } else if (future instanceof dev.simul.runner.Handle<?> h) {
            h.onDone(done -> callSoonThreadsafe(action));
        } else if (future instanceof CompletableFuture<?> cf) {
            cf.whenComplete((r, e) -> callSoonThreadsafe(action));
        } else {
            throw new IllegalArgumentException("a coroutine can await a LoopFuture, a runner's Handle or a"
                    + " CompletableFuture; got " + future.getClass().getName());
        }
    }

    private void link(Coroutine<?> c) {
        c.nextLive = live;
        if (live != null) {
            live.prevLive = c;
        }
        live = c;
        liveCount++;
    }

    /** Removes a finished coroutine from the live list; harmless if already removed. */
    void unlink(Coroutine<?> c) {
        if (c.prevLive == null && live != c) {
            return;
        }
        if (c.prevLive != null) {
            c.prevLive.nextLive = c.nextLive;
        } else {
            live = c.nextLive;
        }
        if (c.nextLive != null) {
            c.nextLive.prevLive = c.prevLive;
        }
        c.prevLive = null;
        c.nextLive = null;
        liveCount--;
    }

    /** How many coroutines have not finished. */
    public int pendingCoroutines() {
        return liveCount;
    }

    /** Every unfinished coroutine and where it is suspended: for debugging a loop that does not finish. */
    public String dump() {
        StringBuilder out = new StringBuilder(name + ": " + liveCount + " unfinished coroutine"
                + (liveCount == 1 ? "" : "s") + ", " + ready.size() + " ready callbacks, " + timers.size()
                + " timers\n");
        for (Coroutine<?> c = live; c != null; c = c.nextLive) {
            out.append("  ").append(c).append('\n');
            StackTraceElement[] frames = c.suspendedAt();
            int first = 0;
            while (first < frames.length && isMachinery(frames[first])) {
                first++; // the frames of suspension itself are the same for every coroutine
            }
            for (int i = first; i < Math.min(frames.length, first + 8); i++) {
                out.append("      at ").append(frames[i]).append('\n');
            }
            if (frames.length == 0) {
                out.append("      (not started)\n");
            }
        }
        return out.toString();
    }

    private static boolean isMachinery(StackTraceElement frame) {
        String c = frame.getClassName();
        return c.startsWith("jdk.") || c.startsWith("java.") || c.equals(Coroutine.class.getName())
                || c.startsWith(Coroutine.class.getName() + "$")
                || c.equals(ContinuationStrand.class.getName()) || c.equals(ThreadStrand.class.getName())
                || c.equals(Async.class.getName()) || c.equals("dev.simul.task.Wait");
    }

    // ---- running ----

    /**
     * Runs {@code main} as a coroutine until it finishes and returns its result, as {@code asyncio.run}: the
     * loop runs on the calling thread meanwhile. Coroutines still unfinished afterwards are cancelled and run to
     * their end.
     *
     * @throws Exception the main coroutine's own exception
     */
    public <T> T run(Callable<T> main) throws Exception {
        if (thread == null) {
            owner = Thread.currentThread(); // whoever runs an idle loop owns it from now on
        }
        Coroutine<T> coroutine = spawn(main, "main");
        coroutine.onDone(done -> stopping = true);
        runForever();
        if (!coroutine.isDone()) {
            coroutine.cancel(false);
            throw new IllegalStateException("the loop was stopped before its main coroutine finished");
        }
        finishCoroutines();
        try {
            return coroutine.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw (Error) cause;
        }
    }

    /** How long finishing the coroutines left at the end of run() or at close() may take. */
    static final Duration FINISH_LIMIT = Duration.ofSeconds(2);

    /** Cancels the coroutines still unfinished and runs the loop until they end (asyncio.run's clean-up). */
    void finishCoroutines() {
        if (liveCount == 0) {
            return;
        }
        List<Coroutine<?>> left = new ArrayList<>();
        for (Coroutine<?> c = live; c != null; c = c.nextLive) {
            left.add(c);
        }
        enter();
        long deadline = System.nanoTime() + FINISH_LIMIT.toNanos();
        maxWaitNanos = Duration.ofMillis(10).toNanos(); // a coroutine that ignores its cancellation must not hang us
        try {
            for (Coroutine<?> c : left) {
                c.cancel(false);
            }
            while (left.stream().anyMatch(c -> !c.isDone()) && System.nanoTime() - deadline < 0) {
                runOnce();
            }
        } finally {
            maxWaitNanos = -1;
            leave();
        }
    }

    /** Runs passes until {@link #stop()} is called. */
    public void runForever() {
        enter();
        try {
            while (!stopping) {
                runOnce();
            }
        } finally {
            stopping = false;
            leave();
        }
    }

    private void enter() {
        if (closed) {
            throw new IllegalStateException("the event loop " + name + " is closed");
        }
        if (thread != null) {
            throw new IllegalStateException("the event loop " + name + " is already running on " + thread);
        }
        if (CURRENT.get() != null) {
            throw new IllegalStateException("another event loop already runs on this thread");
        }
        thread = Thread.currentThread();
        owner = thread;
        CURRENT.set(this);
        Watchdog.watch(this);
        Coroutine.enterLoopThread(this);
    }

    private void leave() {
        Watchdog.unwatch(this);
        Coroutine.leaveLoopThread();
        CURRENT.remove();
        thread = null;
    }

    /** Makes {@link #runForever()} return after the current pass. Any thread. */
    public void stop() {
        if (inLoopThread()) {
            stopping = true;
        } else {
            callSoonThreadsafe(Priority.HIGH, () -> stopping = true);
        }
    }

    /** Whether the loop is running now. */
    public boolean isRunning() {
        return thread != null;
    }

    /**
     * Whether the current thread owns the loop: it runs the loop (or a coroutine of it), or, while the loop is not
     * running, it is the thread that last ran or created it.
     */
    public boolean inLoopThread() {
        return Thread.currentThread() == owner || Coroutine.onStrandOf(this);
    }

    /** Whether the loop is running on the current thread (or a coroutine of it runs here). */
    boolean runsHere() {
        return Thread.currentThread() == thread || Coroutine.onStrandOf(this);
    }

    private void checkOwner() {
        if (closed) {
            throw new IllegalStateException("the event loop " + name + " is closed");
        }
        if (!inLoopThread()) {
            throw new IllegalStateException("the event loop " + name + " belongs to " + owner.getName()
                    + "; from another thread, use callSoonThreadsafe");
        }
    }

    /** One pass: the only place where callbacks run. */
    private void runOnce() {
        long timeout;
        long next = Long.MAX_VALUE;
        if (!ready.isEmpty() || stopping || !inbox.isEmpty()) {
            timeout = 0;
        } else {
            next = timers.nextDeadline();
            // Long.MAX_VALUE: no timer, or one at the end of time; either way, nothing to wake up for.
            timeout = next == Long.MAX_VALUE ? -1 : nanosUntil(next, clock.nanoTime());
        }
        if (maxWaitNanos >= 0 && (timeout < 0 || timeout > maxWaitNanos)) {
            timeout = maxWaitNanos;
        }
        if (virtualClock != null && timeout > 0) {
            // Virtual time: I/O that is ready runs now, at this time; with none, there is nothing to wait for but
            // the next timer (or the end of a capped wait). Jumping first would make each socket event wait for a
            // timer's time, however far.
            poller.poll(0, ready, wakeupPending);
            if (ready.isEmpty() && inbox.isEmpty()) {
                virtualClock.advanceTo(Math.min(next, addSaturated(clock.nanoTime(), timeout)));
            }
        } else {
            poller.poll(timeout, ready, wakeupPending);
        }
        if (wakeupPending.get()) {
            wakeupPending.set(false); // before draining: a sender after this point wakes the next poll
        }
        for (Scheduled s; (s = inbox.poll()) != null; ) {
            ready.add(s);
        }
        if (timers.size() > 0) {
            timers.moveDue(clock.nanoTime(), ready);
        }
        ready.runPass(runCallback);
    }

    private void runCallback(Scheduled callback) {
        // Published for the Watchdog with release stores: plain stores on x86, nothing on this hot path waits.
        CURRENT_CALLBACK.setRelease(this, callback);
        STARTED.setRelease(this, started + 1);
        try {
            callback.action.run();
        } catch (Throwable t) {
            handleException("callback " + Scheduled.describe(callback.action) + " threw", t);
        } finally {
            FINISHED.setRelease(this, finished + 1);
        }
    }

    long callbacksStarted() {
        return (long) STARTED.getAcquire(this);
    }

    long callbacksFinished() {
        return (long) FINISHED.getAcquire(this);
    }

    Scheduled currentCallback() {
        return (Scheduled) CURRENT_CALLBACK.getAcquire(this);
    }

    long slowCallbackNanos() {
        return slowCallbackNanos;
    }

    /** Called by the watchdog's thread. */
    void reportSlow(Scheduled callback, long nanos) {
        LOG.log(System.Logger.Level.WARNING, "{0}: {1} has run for {2} ms, blocking every other callback and"
                + " coroutine meanwhile", name, Scheduled.describe(callback.action), nanos / 1_000_000);
    }

    void handleException(String context, Throwable error) {
        try {
            exceptionHandler.handle(this, context, error);
        } catch (Throwable t) {
            logException(this, "the exception handler threw while handling: " + context, t);
        }
    }

    /** Called from the cleaner's thread for a failure nobody retrieved. */
    void reportUnretrieved(String context, Throwable error) {
        try {
            callSoonThreadsafe(() -> handleException(context, error));
        } catch (IllegalStateException closed) {
            logException(this, context, error);
        }
    }

    private static void logException(EventLoop loop, String context, Throwable error) {
        LOG.log(System.Logger.Level.ERROR, loop.name + ": " + context, error);
    }

    /** Replaces the handler of exceptions thrown by callbacks (the default logs them). */
    public void setExceptionHandler(ExceptionHandler handler) {
        exceptionHandler = Objects.requireNonNull(handler);
    }

    /**
     * Warns about callbacks and coroutine steps that run for at least {@code threshold} (give or take
     * {@link Watchdog#PERIOD_MILLIS} ms), while they run; null or zero: never.
     */
    public void setSlowCallbackThreshold(Duration threshold) {
        slowCallbackNanos = threshold == null ? 0 : threshold.toNanos();
    }

    /** Watched channels, for tests. */
    int watchedChannels() {
        return poller.registered();
    }

    /**
     * Closes the loop: its selector, its default executor, and the strands of coroutines that never finished.
     * Not while it runs.
     */
    @Override
    public void close() {
        if (thread != null) {
            throw new IllegalStateException("close the event loop " + name + " after it stops running");
        }
        if (closed) {
            return;
        }
        if (liveCount > 0) {
            finishCoroutines(); // cancel what is left and let it unwind, as run() does, on either kind of strand
        }
        for (Runnable hook : closeHooks) {
            try {
                hook.run();
            } catch (RuntimeException e) {
                logException(this, "a close hook threw", e);
            }
        }
        closeHooks.clear();
        closed = true;
        // Coroutines that ignored their cancellation: let go of them one at a time (a virtual-thread strand
        // unwinds on its own thread, and must not run alongside another).
        List<Coroutine<?>> stubborn = new ArrayList<>();
        for (Coroutine<?> c = live; c != null; c = c.nextLive) {
            stubborn.add(c);
        }
        for (Coroutine<?> c : stubborn) {
            c.abandon();
        }
        poller.close();
        Runner pool;
        synchronized (this) {
            pool = executor;
        }
        if (pool != null) {
            pool.close();
        }
    }

    /**
     * Runs {@code hook} when the loop closes, on the closing thread, before the selector closes: for resources
     * tied to the loop, such as a client's pooled connections.
     */
    public void onClose(Runnable hook) {
        checkOwner();
        closeHooks.add(Objects.requireNonNull(hook));
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "EventLoop[" + name + (thread != null ? ", running on " + thread.getName() : "") + "]";
    }
}
