package dev.simul.testkit;

import dev.simul.task.Task;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;

/**
 * A portable task that reports what happens to it: it fires {@code started}, waits for {@code release}, fires
 * {@code finished} and returns {@code result}; interrupted or cancelled while it waits, it fires
 * {@code interrupted} and lets the exception go on. A test releases it, cancels it, or shuts its runner down, and
 * reads the signals to see what the runner did, wherever the task ran.
 *
 * @param started     fired as the task begins
 * @param release     what the task waits for
 * @param finished    fired when the wait is over and the task returns
 * @param interrupted fired if the wait ends in an interruption or a cancellation
 * @param result      what the task returns
 */
public record Probe(Signal started, Signal release, Signal finished, Signal interrupted, int result)
        implements Task<Integer> {

    /** A probe whose signals are files {@code NAME-started}, ... in {@code folder}, released by {@code release}. */
    public static Probe in(Path folder, String name, Signal release, int result) {
        return new Probe(Signal.in(folder, name + "-started"), release, Signal.in(folder, name + "-finished"),
                Signal.in(folder, name + "-interrupted"), result);
    }

    @Override
    public Integer call() throws InterruptedException {
        started.fire();
        try {
            release.await();
        } catch (InterruptedException | CancellationException e) {
            interrupted.fire();
            throw e;
        }
        finished.fire();
        return result;
    }
}
