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

    /** True: a virtual thread per task. */
    @Override
    public boolean virtualThreads() {
        return true;
    }

    @Override
    public String note() {
        return "A virtual thread per task is cheap to start and to keep waiting, so many waits overlap; CPU work"
                + " still runs on no more carrier threads than cores, and a blocking file write holds its carrier.";
    }
}
