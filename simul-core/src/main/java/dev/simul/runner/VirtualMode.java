package dev.simul.runner;

/** Registers the {@code virtual} mode: {@link VirtualThreadRunner}. */
public final class VirtualMode extends Mode {

    /** The mode's name. */
    public static final String NAME = "virtual";

    /** Called by {@link java.util.ServiceLoader}. */
    public VirtualMode() {
        super(NAME, "a virtual thread per task", 30);
    }

    @Override
    public int defaultWorkers() {
        return Runner.UNBOUNDED;
    }

    @Override
    public Runner create(int workers) {
        return new VirtualThreadRunner(workers);
    }
}
