package dev.simul.task;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * How tasks wait on a thread that many tasks share. A mode that runs tasks that way (the event loop) installs its
 * waiter on each thread where its tasks run ({@link Wait#install}), and {@link Wait} hands every wait to it; on a
 * thread with none, a wait simply blocks. This is how the task layer stays below every mode: it imports none, and
 * the mode finds it (asyncio's {@code tasks.py} reaches the running loop through {@code events} the same way).
 *
 * <p>Not for task code: tasks call {@link Wait}.
 */
public interface Waiter {

    /** Whether the code running now on this thread is a task that must wait through this waiter. */
    boolean suspends();

    /** Suspends the current task for {@code duration}; zero or less yields once. */
    void sleep(Duration duration) throws InterruptedException;

    /**
     * Suspends the current task until {@code future} is done and returns its result.
     *
     * @throws ExecutionException whose cause is the awaited work's own exception
     */
    <T> T await(Future<T> future) throws InterruptedException, ExecutionException;

    /** Runs blocking {@code work} elsewhere while the current task waits, and returns its result. */
    <T> T blocking(Callable<T> work) throws Exception;
}
