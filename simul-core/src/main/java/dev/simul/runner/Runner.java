package dev.simul.runner;

import dev.simul.task.Fn;
import dev.simul.task.Task;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;

/**
 * One API over every execution model. A runner runs {@link Task}s and returns {@link Handle}s; which threads,
 * processes or machines do the work is the runner's <i>mode</i>, chosen when it is created ({@link Runners}) and
 * invisible to the code that submits work. A task written by the rules in {@link Task} runs in every mode.
 *
 * <p>A runner is an {@link ExecutorService}, so it plugs into code that expects one. Its lifecycle is the
 * executor's: {@link #close()} (try-with-resources) stops accepting work and waits for everything submitted to
 * finish; {@link #shutdownNow()} cancels everything unfinished, so every handle it gave out ends up done.
 *
 * <pre>{@code
 * try (Runner runner = Runners.of("threads", 4)) {
 *     List<Long> counts = runner.map(x -> count(x), List.of(7, 7, 7, 7));
 * }
 * }</pre>
 */
public interface Runner extends ExecutorService {

    /** Workers reported by a runner that has no limit: one thread per task. */
    int UNBOUNDED = Integer.MAX_VALUE;

    /** The mode's name, as {@link Runners#of(String, int)} accepts it. */
    String mode();

    /** The most tasks this runner runs at once, or {@link #UNBOUNDED}. */
    int workers();

    /**
     * Starts {@code task}. The sequential mode runs it before returning; the others return at once.
     *
     * @throws java.util.concurrent.RejectedExecutionException if the runner is shut down
     */
    <T> Handle<T> submit(Task<T> task);

    /**
     * Applies {@code fn} to every input, one task per input, and returns the results in input order.
     * Fails fast: at the first failure the unfinished tasks are cancelled.
     *
     * @throws ExecutionException whose cause is the failing task's own exception
     */
    <I, O> List<O> map(Fn<? super I, ? extends O> fn, Iterable<? extends I> inputs)
            throws InterruptedException, ExecutionException;

    /**
     * Like {@link #map(Fn, Iterable)}, with the inputs sent {@code chunksize} at a time: one task per chunk, which
     * applies {@code fn} to each of its inputs in turn. Bigger chunks cost less per input where a task is
     * expensive to ship (the {@code processes} mode) and balance less well; results keep input order.
     *
     * @throws IllegalArgumentException if {@code chunksize} is below 1
     */
    <I, O> List<O> map(Fn<? super I, ? extends O> fn, Iterable<? extends I> inputs, int chunksize)
            throws InterruptedException, ExecutionException;

    /**
     * Starts one task per input and returns their handles in input order; with {@link Handle#asCompleted} this
     * yields results in completion order.
     */
    <I, O> List<Handle<O>> submitAll(Fn<? super I, ? extends O> fn, Iterable<? extends I> inputs);

    /** Like {@link #submit(Task)}; a callable that is not a {@link Task} cannot leave this JVM. */
    @Override
    <T> Handle<T> submit(Callable<T> task);

    /** Like {@link #submit(Task)}, with a null result. */
    @Override
    Handle<?> submit(Runnable task);

    /** Like {@link #submit(Task)}, with the given result. */
    @Override
    <T> Handle<T> submit(Runnable task, T result);
}
