package dev.simul.runner;

/** Registers the {@code threads} mode: {@link ThreadPoolRunner}. */
public final class ThreadsMode extends Mode {

    /** The mode's name. */
    public static final String NAME = "threads";

    /** Called by {@link java.util.ServiceLoader}. */
    public ThreadsMode() {
        super(NAME, "a fixed pool of platform threads", 20);
    }

    @Override
    public int defaultWorkers() {
        return Runtime.getRuntime().availableProcessors();
    }

    @Override
    public Runner create(int workers) {
        return new ThreadPoolRunner(workers);
    }

    @Override
    public String note() {
        return "The JVM has no GIL: its threads run CPU work on every core at once, which CPython's threads"
                + " cannot; on the JVM, threads are the answer to CPU-bound work too.";
    }
}
