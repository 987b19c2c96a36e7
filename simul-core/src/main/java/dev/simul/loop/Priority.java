package dev.simul.loop;

/**
 * The order in which ready callbacks run within one pass of the loop: all {@code HIGH} ones, then {@code NORMAL},
 * then {@code LOW}, first-in first-out within a priority.
 *
 * <p>Rule against starvation: a pass runs only what was ready when it began. A callback made ready during a pass,
 * whatever its priority, waits for the next pass. So a {@code LOW} callback waits at most one pass, however many
 * {@code HIGH} callbacks keep arriving.
 */
public enum Priority {
    /** Runs first in its pass. */
    HIGH,
    /** The default. */
    NORMAL,
    /** Runs last in its pass. */
    LOW
}
