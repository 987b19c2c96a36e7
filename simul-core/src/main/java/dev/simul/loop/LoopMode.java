package dev.simul.loop;

import dev.simul.runner.Mode;
import dev.simul.runner.Runner;

/** Registers the {@code loop} mode: {@link LoopRunner}. */
public final class LoopMode extends Mode {

    /** The mode's name. */
    public static final String NAME = "loop";

    /** Called by {@link java.util.ServiceLoader}. */
    public LoopMode() {
        super(NAME, "coroutines on one event-loop thread", 40);
    }

    /** Always 1: the loop's thread. */
    @Override
    public int defaultWorkers() {
        return 1;
    }

    @Override
    public Runner create(int workers) {
        return new LoopRunner();
    }

    /** True: the loop's thread runs every coroutine. */
    @Override
    public boolean oneThread() {
        return true;
    }

    @Override
    public String note() {
        return "The loop runs every coroutine on one thread: concurrency (their waits overlap), not parallelism"
                + " (their CPU work runs one task after another); blocking calls go to its helper threads.";
    }
}
