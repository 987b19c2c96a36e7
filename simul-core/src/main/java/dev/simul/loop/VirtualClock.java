package dev.simul.loop;

/**
 * A clock that stands still until told to move. A loop built on one never waits for a timer: when it has nothing
 * ready to run, it jumps the clock to the next timer's deadline. A test of timers is then exact (every callback
 * sees the time it asked for) and instant (a one-hour sleep takes no wall time).
 *
 * <p>Ready I/O runs before the clock moves: a loop whose channel stays ready (a reader that never drains its
 * channel) keeps virtual time still, and its timers never come due.
 *
 * <p>It starts at a large offset so that code which mixes it up with {@link System#nanoTime()} fails quickly
 * (Trio's trick).
 */
public final class VirtualClock implements Clock {

    private static final long START = 1L << 50;

    private volatile long now = START;

    @Override
    public long nanoTime() {
        return now;
    }

    /** Nanoseconds since this clock was created. */
    public long elapsed() {
        return now - START;
    }

    /** Moves the clock forward by {@code nanos} (not backward), stopping at {@code Long.MAX_VALUE}. */
    public void advance(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("a clock does not go back: " + nanos);
        }
        now = EventLoop.addSaturated(now, nanos); // wrapping around would move it back
    }

    /** Moves the clock to {@code deadline} if that is later than now. */
    void advanceTo(long deadline) {
        if (deadline > now) {
            now = deadline;
        }
    }
}
