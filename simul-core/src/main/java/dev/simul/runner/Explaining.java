package dev.simul.runner;

/**
 * A runner that chooses how to run its tasks from what it observes, and can say what it chose and why: the lab
 * shows it beside the runner's timings, and anyone holding a {@link Runner} can ask with {@code instanceof}, without
 * knowing the mode.
 */
public interface Explaining {

    /**
     * What this runner chose and why, in one line with the figures it went on
     * ({@code "virtual threads x unbounded: tasks waited 97% of their time (...)"}), or null while it has chosen
     * nothing.
     */
    String explanation();
}
