package dev.simul.loop;

/**
 * A callback scheduled on an {@link EventLoop}, as returned by {@code callSoon}, {@code callLater} and
 * {@code callAt}. Cancelling it before it runs means it never runs.
 */
public final class Scheduled {

    final Runnable action;
    final Priority priority;
    final EventLoop loop;
    /** When a timer is due, on the loop's clock; unused for a callback that is ready at once. */
    final long deadline;
    /** Breaks ties between timers with equal deadlines: first scheduled, first run. */
    final long sequence;
    /** Set by the timer queue while this timer sits in it; loop thread only. */
    boolean inTimerQueue;
    /** Set by the timer queue once it has counted this timer's cancel; loop thread only. */
    boolean cancelCounted;
    private volatile boolean cancelled;

    Scheduled(EventLoop loop, Runnable action, Priority priority, long deadline, long sequence) {
        this.loop = loop;
        this.action = action;
        this.priority = priority;
        this.deadline = deadline;
        this.sequence = sequence;
    }

    /** Makes sure the callback will not run; no effect if it ran already. Any thread may call it. */
    public void cancel() {
        if (!cancelled) {
            cancelled = true;
            loop.cancelled(this);
        }
    }

    /** Whether {@link #cancel()} was called. */
    public boolean isCancelled() {
        return cancelled;
    }

    /** The deadline on the loop's clock, in nanoseconds, for a timer ({@code Long.MAX_VALUE}: never, in practice). */
    public long deadline() {
        return deadline;
    }

    @Override
    public String toString() {
        return "Scheduled[" + describe(action) + (cancelled ? ", cancelled" : "") + "]";
    }

    /** A readable name for a callback: its toString unless that is the JVM's default for lambdas. */
    static String describe(Runnable action) {
        String s = String.valueOf(action);
        int lambda = s.indexOf("$$Lambda");
        return lambda < 0 ? s : s.substring(0, lambda) + " lambda";
    }
}
