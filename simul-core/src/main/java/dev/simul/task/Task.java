package dev.simul.task;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * A unit of work that any {@link dev.simul.runner.Runner} can run: on the caller's thread, on a pool thread, on a
 * virtual thread, and, as later modes arrive, in a worker JVM, as a coroutine on an event loop, or on a cluster node.
 *
 * <p>A task is written once and runs unchanged in every mode when it follows four rules:
 * <ol>
 *   <li><b>Serializable.</b> A lambda assigned to {@code Task} is serializable; everything it captures must be too
 *       (records of strings and numbers are; open files, sockets and locks are not). Process and cluster modes ship
 *       the task, its inputs and its result across a process boundary.</li>
 *   <li><b>Self-contained.</b> It returns its result instead of writing to shared variables: in another process,
 *       the caller's variables do not exist.</li>
 *   <li><b>Waits through {@link Wait}.</b> It sleeps with {@link Wait#sleep} and waits for other work with
 *       {@link Wait#await}, never with {@code Thread.sleep} or {@code Future.get}: on an event loop, only those
 *       suspend the task alone instead of blocking every task that shares the loop's thread.</li>
 *   <li><b>Interruptible.</b> Cancellation interrupts the task; a long loop that never waits should check
 *       {@link Thread#interrupted()} now and then, or it runs to its end after being cancelled.</li>
 * </ol>
 *
 * <p>A task's own exception is what its handle reports as the cause of failure: it is never wrapped twice.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface Task<T> extends Callable<T>, Serializable {

    /** Computes the result, or throws the exception that the task's handle will report as its cause. */
    @Override
    T call() throws Exception;
}
