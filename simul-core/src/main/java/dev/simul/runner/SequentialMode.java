package dev.simul.runner;

/** Registers the {@code sequential} mode: {@link SequentialRunner}. */
public final class SequentialMode extends Mode {

    /** The mode's name. */
    public static final String NAME = "sequential";

    /** Called by {@link java.util.ServiceLoader}. */
    public SequentialMode() {
        super(NAME, "the submitting thread", 10);
    }

    @Override
    public int defaultWorkers() {
        return 1;
    }

    @Override
    public Runner create(int workers) {
        return new SequentialRunner();
    }

    /** True: every task runs on the submitting thread, one after another. */
    @Override
    public boolean oneThread() {
        return true;
    }
}
