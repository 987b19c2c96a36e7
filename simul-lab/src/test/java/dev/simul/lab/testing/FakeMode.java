package dev.simul.lab.testing;

import dev.simul.runner.Mode;
import dev.simul.runner.Runner;

/** Test fixture: a mode known by nothing but what it says of its workers, in no registry, that runs nothing. */
public final class FakeMode extends Mode {

    private final boolean processes;
    private final int defaultWorkers;

    private FakeMode(boolean processes, int defaultWorkers) {
        super("unnamed", "a mode of no registry", 99);
        this.processes = processes;
        this.defaultWorkers = defaultWorkers;
    }

    /** A mode whose workers are processes or not, with this default worker count. */
    public static Mode of(boolean processes, int defaultWorkers) {
        return new FakeMode(processes, defaultWorkers);
    }

    @Override
    public int defaultWorkers() {
        return defaultWorkers;
    }

    @Override
    public boolean workerIsProcess() {
        return processes;
    }

    @Override
    public Runner create(int workers) {
        throw new UnsupportedOperationException("a fake mode runs nothing");
    }
}
