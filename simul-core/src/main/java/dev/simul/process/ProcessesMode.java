package dev.simul.process;

import dev.simul.runner.Mode;
import dev.simul.runner.Runner;

/** Registers the {@code processes} mode: {@link ProcessPool}, with default options but for its size. */
public final class ProcessesMode extends Mode {

    /** The mode's name. */
    public static final String NAME = "processes";

    /** Called by {@link java.util.ServiceLoader}. */
    public ProcessesMode() {
        super(NAME, "worker JVMs, children of this one", 50);
    }

    /** One worker per available processor. */
    @Override
    public int defaultWorkers() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Each worker is a JVM, a child of this one. */
    @Override
    public boolean workerIsProcess() {
        return true;
    }

    @Override
    public Runner create(int workers) {
        return new ProcessPool(workers);
    }

    /** True: worker JVMs. */
    @Override
    public boolean otherJvms() {
        return true;
    }

    @Override
    public String overhead() {
        return "starting worker JVMs and shipping every task and result between processes";
    }

    @Override
    public String note() {
        return "Worker processes cost more than threads on the JVM: each worker is a JVM to start and warm up, and"
                + " every task and result is serialized between processes. On the JVM threads already compute in"
                + " parallel; processes buy isolation (a crash, a leak or a hang stays in its worker), not speed.";
    }
}
