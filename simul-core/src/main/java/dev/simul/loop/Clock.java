package dev.simul.loop;

/**
 * The loop's monotonic time, in nanoseconds from an arbitrary origin. The loop reads time only here, so a test can
 * substitute a {@link VirtualClock} and make timers exact and instant.
 */
public interface Clock {

    /** The system's monotonic clock ({@link System#nanoTime()}). */
    Clock SYSTEM = System::nanoTime;

    /** The current time in nanoseconds. */
    long nanoTime();
}
