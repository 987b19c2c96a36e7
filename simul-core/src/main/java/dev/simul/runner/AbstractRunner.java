package dev.simul.runner;

import dev.simul.task.Fn;
import dev.simul.task.Task;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The part of a {@link Runner} that is the same in every mode: the lifecycle, the bookkeeping of unfinished
 * handles, and {@code map}, {@code invokeAll}, {@code invokeAny}, all written in terms of {@link #submit(Task)}.
 * A mode supplies {@link #dispatch}, which starts a promise, and may override the lifecycle hooks.
 *
 * <p>Overview: {@code state} packs the count of unfinished promises with a shut-down bit, so that "shut down and
 * nothing unfinished" is observed by exactly one thread, which then terminates the runner; {@code unfinished}
 * holds those same promises so that {@link #shutdownNow()} can cancel them.
 */
public abstract class AbstractRunner implements Runner {

    private static final long SHUT_DOWN = 1L << 62;

    private final String mode;
    private final int workers;
    private final AtomicLong state = new AtomicLong();
    private final Set<Promise<?>> unfinished = ConcurrentHashMap.newKeySet();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final AtomicBoolean terminating = new AtomicBoolean();
    /** Tasks whose code runs now in {@link Promise#run()}: a cancelled one may run on after its promise is done. */
    final AtomicInteger executing = new AtomicInteger();

    /**
     * @param mode    the mode's name
     * @param workers the most tasks run at once, or {@link Runner#UNBOUNDED}
     */
    protected AbstractRunner(String mode, int workers) {
        if (workers <= 0) {
            throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        }
        this.mode = Objects.requireNonNull(mode);
        this.workers = workers;
    }

    /**
     * Starts {@code promise}: run it ({@link Promise#run()}) on a thread of the mode's choosing, or claim it
     * ({@link Promise#start()}) and complete it from elsewhere. Called once per promise, before shutdown.
     */
    protected abstract void dispatch(Promise<?> promise);

    /** Called once, when the runner is shut down and every promise is done: release threads and resources. */
    protected void terminate() {
    }

    /**
     * Whether any task's code still runs, its promise done or not (a task cancelled without interruption, or one
     * that ignores its interrupt): the runner is not terminated before it ends. The default counts the tasks run
     * by {@link Promise#run()}; a mode that runs them elsewhere overrides it.
     */
    protected boolean tasksRunning() {
        return executing.get() > 0;
    }

    /** Waits, up to the deadline, for the resources released by {@link #terminate()}; true if they are gone. */
    protected boolean awaitResources(long deadlineNanos) throws InterruptedException {
        return true;
    }

    @Override
    public String mode() {
        return mode;
    }

    @Override
    public int workers() {
        return workers;
    }

    @Override
    public <T> Handle<T> submit(Task<T> task) {
        Objects.requireNonNull(task, "task");
        // Count the task only if not shut down: a rejected submit must not touch a count that reached zero.
        if ((state.getAndUpdate(s -> (s & SHUT_DOWN) != 0 ? s : s + 1) & SHUT_DOWN) != 0) {
            throw new RejectedExecutionException("the " + mode + " runner is shut down");
        }
        Promise<T> promise = new Promise<>(task, this);
        unfinished.add(promise);
        try {
            dispatch(promise);
        } catch (RuntimeException | Error e) {
            promise.fail(e);
        }
        return promise;
    }

    @Override
    public <T> Handle<T> submit(Callable<T> task) {
        return submit(asTask(task));
    }

    private static <T> Task<T> asTask(Callable<T> callable) {
        Objects.requireNonNull(callable, "task");
        if (callable instanceof Task<T> task) {
            return task;
        }
        return callable::call;
    }

    @Override
    public Handle<?> submit(Runnable task) {
        return submit(task, null);
    }

    @Override
    public <T> Handle<T> submit(Runnable task, T result) {
        Objects.requireNonNull(task, "task");
        return submit((Task<T>) () -> {
            task.run();
            return result;
        });
    }

    /** Runs {@code command} as a task; nobody holds its handle, so a failure is logged rather than lost. */
    @Override
    public void execute(Runnable command) {
        submit(command).onDone(h -> {
            if (h.state() == Future.State.FAILED) {
                System.getLogger(Runner.class.getName()).log(System.Logger.Level.ERROR,
                        "a task given to execute() on the " + mode + " runner failed", h.exceptionNow());
            }
        });
    }

    @Override
    public <I, O> List<Handle<O>> submitAll(Fn<? super I, ? extends O> fn, Iterable<? extends I> inputs) {
        Objects.requireNonNull(fn, "fn");
        List<Handle<O>> handles = new ArrayList<>();
        for (I input : inputs) {
            handles.add(submit(bind(fn, input)));
        }
        return handles;
    }

    @Override
    public <I, O> List<O> map(Fn<? super I, ? extends O> fn, Iterable<? extends I> inputs)
            throws InterruptedException, ExecutionException {
        Objects.requireNonNull(fn, "fn");
        return mapTasks(inputs, input -> bind(fn, input));
    }

    @Override
    public <I, O> List<O> map(Fn<? super I, ? extends O> fn, Iterable<? extends I> inputs, int chunksize)
            throws InterruptedException, ExecutionException {
        Objects.requireNonNull(fn, "fn");
        if (chunksize < 1) {
            throw new IllegalArgumentException("chunksize must be at least 1, got " + chunksize);
        }
        if (chunksize == 1) {
            return map(fn, inputs);
        }
        List<List<I>> chunks = new ArrayList<>();
        List<I> chunk = new ArrayList<>(chunksize);
        for (I input : inputs) {
            chunk.add(input);
            if (chunk.size() == chunksize) {
                chunks.add(chunk);
                chunk = new ArrayList<>(chunksize);
            }
        }
        if (!chunk.isEmpty()) {
            chunks.add(chunk);
        }
        Fn<List<I>, List<O>> each = new Each<>(fn); // one function for every chunk: a worker receives it once
        List<O> results = new ArrayList<>();
        for (List<O> part : mapTasks(chunks, c -> bind(each, c))) {
            results.addAll(part);
        }
        return results;
    }

    /** Applies a function to every input of a chunk, in order. */
    private record Each<I, O>(Fn<? super I, ? extends O> fn) implements Fn<List<I>, List<O>> {
        @Override
        public List<O> apply(List<I> chunk) throws Exception {
            List<O> out = new ArrayList<>(chunk.size());
            for (I input : chunk) {
                out.add(fn.apply(input));
            }
            return out;
        }
    }

    /** Submits a task per input, fails fast, and returns the results in input order. */
    private <I, O> List<O> mapTasks(Iterable<? extends I> inputs, java.util.function.Function<I, Task<O>> toTask)
            throws InterruptedException, ExecutionException {
        List<Handle<O>> handles = new ArrayList<>();
        try {
            for (I input : inputs) {
                Handle<O> handle = submit(toTask.apply(input));
                handles.add(handle);
                if (handle.isDone()) {
                    handle.get(); // a failure seen while submitting (always, in sequential mode) stops submitting
                }
            }
            CompletionQueue<O> completions = new CompletionQueue<>(handles);
            while (completions.hasNext()) {
                completions.take().get(); // throws at the first failure, in completion order
            }
            List<O> results = new ArrayList<>(handles.size());
            for (Handle<O> handle : handles) {
                results.add(handle.resultNow());
            }
            return results;
        } finally {
            cancelAll(handles);
        }
    }

    /**
     * The task that {@code map} and {@code submitAll} make: {@code fn} applied to {@code input}. A record, not a
     * lambda around the function, so that a mode that ships tasks elsewhere sends one serialized lambda per task,
     * not two, and can tell the function apart to send it only once ({@code processes} does).
     *
     * @param fn    the function, the same object for every input of one call
     * @param input the input
     */
    public record Applied<I, O>(Fn<? super I, ? extends O> fn, I input) implements Task<O> {
        @Override
        public O call() throws Exception {
            return fn.apply(input);
        }
    }

    private static <I, O> Task<O> bind(Fn<? super I, ? extends O> fn, I input) {
        return new Applied<>(fn, input);
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
        List<Future<T>> handles = submitEach(tasks);
        try {
            for (Future<T> handle : handles) {
                awaitQuietly(handle);
            }
            return handles;
        } finally {
            cancelAll(handles);
        }
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException {
        long deadline = deadlineAfter(unit.toNanos(timeout));
        List<Future<T>> handles = new ArrayList<>(tasks.size());
        try {
            for (Callable<T> task : tasks) {
                if (System.nanoTime() - deadline >= 0) {
                    break;
                }
                handles.add(submit(task));
            }
            for (Future<T> handle : handles) {
                try {
                    handle.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException | java.util.concurrent.CancellationException | TimeoutException e) {
                    // the handle reports it
                }
            }
            // Tasks not submitted before the deadline get cancelled handles, as ExecutorService asks.
            List<? extends Callable<T>> all = List.copyOf(tasks);
            for (int i = handles.size(); i < all.size(); i++) {
                Promise<T> skipped = new Promise<>(asTask(all.get(i)), null);
                skipped.cancel(false);
                handles.add(skipped);
            }
            return handles;
        } finally {
            cancelAll(handles);
        }
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        try {
            return invokeAny(tasks, Long.MAX_VALUE, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no deadline was set", e);
        }
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("invokeAny needs at least one task");
        }
        long deadline = deadlineAfter(unit.toNanos(timeout));
        List<Future<T>> handles = new ArrayList<>(tasks.size());
        ExecutionException failure = null;
        try {
            for (Callable<T> task : tasks) {
                Handle<T> handle = submit(task);
                handles.add(handle);
                if (handle.state() == Future.State.SUCCESS) {
                    return handle.resultNow(); // sequential mode: stop at the first success
                }
            }
            @SuppressWarnings({"unchecked", "rawtypes"})
            CompletionQueue<T> completions = new CompletionQueue<>((List) handles);
            while (completions.hasNext()) {
                Handle<T> next = completions.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (next == null) {
                    throw new TimeoutException("no task of invokeAny succeeded within " + timeout + " " + unit);
                }
                try {
                    return next.get();
                } catch (ExecutionException | java.util.concurrent.CancellationException e) {
                    ExecutionException ee = e instanceof ExecutionException x ? x : new ExecutionException(e);
                    if (failure == null) {
                        failure = ee;
                    } else {
                        failure.addSuppressed(ee.getCause());
                    }
                }
            }
            throw failure;
        } finally {
            cancelAll(handles);
        }
    }

    private <T> List<Future<T>> submitEach(Collection<? extends Callable<T>> tasks) {
        List<Future<T>> handles = new ArrayList<>(tasks.size());
        try {
            for (Callable<T> task : tasks) {
                handles.add(submit(task));
            }
        } catch (RuntimeException e) {
            cancelAll(handles);
            throw e;
        }
        return handles;
    }

    private static void awaitQuietly(Future<?> handle) throws InterruptedException {
        try {
            handle.get();
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
            // the handle reports it
        }
    }

    private static void cancelAll(Collection<? extends Future<?>> handles) {
        for (Future<?> handle : handles) {
            handle.cancel(true);
        }
    }

    // ---- lifecycle ----

    /** Called by a promise when it is done and its callbacks have run. */
    final void finished(Promise<?> promise) {
        unfinished.remove(promise);
        finishedOne();
    }

    private void finishedOne() {
        if (state.decrementAndGet() == SHUT_DOWN) {
            terminateOnce();
        }
    }

    private void terminateOnce() {
        if (!terminating.compareAndSet(false, true)) {
            return;
        }
        try {
            terminate();
        } finally {
            terminated.countDown();
        }
    }

    @Override
    public void shutdown() {
        long before = state.getAndUpdate(s -> s | SHUT_DOWN);
        if (before == 0) {
            terminateOnce(); // nothing was unfinished: nobody else will see the count reach zero
        }
    }

    /**
     * Stops accepting work and cancels every unfinished task, interrupting those that run: every handle this
     * runner gave out is then done.
     *
     * @return the tasks that never started, which will now never start here; running one runs the original task
     *         (its handle stays cancelled)
     */
    @Override
    public List<Runnable> shutdownNow() {
        shutdown();
        // Tasks that never started first, each withdrawn before it is cancelled so that no worker starts it
        // meanwhile; then a running task that is cancelled frees a worker that finds nothing left to start.
        List<Runnable> neverStarted = new ArrayList<>();
        for (Promise<?> promise : withdrawUnstarted()) {
            if (promise.cancel(false)) {
                Task<?> task = promise.task();
                neverStarted.add(() -> {
                    try {
                        task.call();
                    } catch (RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                });
            }
        }
        for (Promise<?> promise : unfinished) {
            promise.cancel(true);
        }
        return neverStarted;
    }

    /**
     * For {@link #shutdownNow()}, after {@link #shutdown()}: the unfinished promises whose tasks never started,
     * each made sure never to start. The default claims every promise not yet claimed ({@link Promise#start()}); a
     * mode that claims a promise before its task really starts (to ship it ahead to a worker) knows better.
     */
    protected List<Promise<?>> withdrawUnstarted() {
        List<Promise<?>> withdrawn = new ArrayList<>();
        for (Promise<?> promise : unfinished) {
            if (promise.start()) {
                withdrawn.add(promise);
            }
        }
        return withdrawn;
    }

    @Override
    public boolean isShutdown() {
        return (state.get() & SHUT_DOWN) != 0;
    }

    /**
     * True once the runner is shut down, every task is done (its done callbacks included), and no task's code
     * still runs (a task cancelled without interruption runs on to its end): the
     * {@link java.util.concurrent.ExecutorService} definition, so an idle runner is terminated as soon as it is
     * shut down. The mode's idle threads or worker processes may still be on their way out: {@link #close()} waits
     * for them too.
     */
    @Override
    public boolean isTerminated() {
        return terminated.getCount() == 0 && !tasksRunning();
    }

    /**
     * Waits until the runner {@linkplain #isTerminated() is terminated}: shut down, every task done, none still
     * running. It agrees with {@link #isTerminated()}: once that is true, this returns true at once.
     *
     * @return false if the timeout passed first (at once for a timeout of zero or less)
     */
    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        refuseOwnCallback("awaitTermination()");
        long nanos = unit.toNanos(timeout);
        long deadline = deadlineAfter(nanos);
        if (!terminated.await(nanos, TimeUnit.NANOSECONDS)) {
            return false;
        }
        // Rarely, a task cancelled without interruption still runs: the mode's threads or processes end only
        // after it, so waiting for them waits for it.
        return !tasksRunning() || awaitResources(deadline) || !tasksRunning();
    }

    /** A deadline {@code nanos} from now on the {@link System#nanoTime()} scale; never overflows. */
    private static long deadlineAfter(long nanos) {
        return System.nanoTime() + Math.max(0, Math.min(nanos, Long.MAX_VALUE / 4));
    }

    /** Waiting for this runner from a done callback of its own task would wait for that callback itself. */
    private void refuseOwnCallback(String what) {
        if (Promise.runningCallbacksOf() == this) {
            throw new IllegalStateException(what + " called from a done callback of one of this runner's own"
                    + " tasks would wait for itself forever; call it from another thread");
        }
    }

    /**
     * Stops accepting work and waits until every submitted task is done, and the mode's threads or worker
     * processes are gone, so that nothing this runner started outlives it; if interrupted meanwhile, cancels the
     * tasks as {@link #shutdownNow()} does, goes on waiting, and keeps the interrupt.
     */
    @Override
    public void close() {
        refuseOwnCallback("close()");
        shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                if (awaitTermination(1, TimeUnit.DAYS) && awaitResources(deadlineAfter(TimeUnit.DAYS.toNanos(1)))) {
                    break;
                }
            } catch (InterruptedException e) {
                if (!interrupted) {
                    interrupted = true;
                    shutdownNow();
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        String size = workers == UNBOUNDED ? "unbounded" : workers == 1 ? "1 worker" : workers + " workers";
        return mode + " runner (" + size + ")";
    }
}
