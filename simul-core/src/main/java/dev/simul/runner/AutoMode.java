package dev.simul.runner;

/** Registers the {@code auto} mode: {@link AutoRunner}. */
public final class AutoMode extends Mode {

    /** The mode's name. */
    public static final String NAME = "auto";

    /** Called by {@link java.util.ServiceLoader}. */
    public AutoMode() {
        super(NAME, "threads or virtual threads, chosen from measured tasks", 45);
    }

    /** Unbounded: the runner picks its own worker count; a number given to {@link #create} caps it. */
    @Override
    public int defaultWorkers() {
        return Runner.UNBOUNDED;
    }

    @Override
    public Runner create(int workers) {
        return new AutoRunner(workers);
    }

    @Override
    public String note() {
        return "auto measures its first tasks, then picks platform threads (for computing) or virtual threads (for"
                + " waiting) and how many; each verdict says what it picked.";
    }
}
