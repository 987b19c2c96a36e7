package dev.simul.loop;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Finds slow callbacks without timing every callback: a loop only publishes which callback it runs (two plain
 * stores), and this one daemon thread, shared by all running loops, looks every {@link #PERIOD_MILLIS} ms. A
 * callback seen running on two looks at least its loop's threshold apart is reported, once, while it still runs.
 * Timing each callback instead would cost two clock reads (about 50 ns here) on the loop's hottest path.
 */
final class Watchdog {

    /** How often the watchdog looks: the precision of the slow-callback warning. */
    static final long PERIOD_MILLIS = 10;

    /** What the watchdog last saw of one loop. */
    private static final class Sighting {
        long started = -1;
        long since;
        boolean reported;
    }

    private static final Map<EventLoop, Sighting> LOOPS = new ConcurrentHashMap<>();
    private static Thread thread;

    private Watchdog() {
    }

    static void watch(EventLoop loop) {
        LOOPS.put(loop, new Sighting());
        startOnce();
    }

    static void unwatch(EventLoop loop) {
        LOOPS.remove(loop);
    }

    private static synchronized void startOnce() {
        if (thread == null) {
            thread = Thread.ofPlatform().daemon().name("simul-loop-watchdog").start(Watchdog::run);
        }
    }

    private static void run() {
        while (true) {
            try {
                TimeUnit.MILLISECONDS.sleep(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            LOOPS.forEach((loop, seen) -> look(loop, seen, now));
        }
    }

    private static void look(EventLoop loop, Sighting seen, long now) {
        long threshold = loop.slowCallbackNanos();
        long started = loop.callbacksStarted();
        Scheduled current = loop.currentCallback();
        if (threshold <= 0 || current == null || started != loop.callbacksFinished() + 1) {
            seen.started = -1; // idle, or between callbacks
            return;
        }
        if (started != seen.started) {
            seen.started = started;
            seen.since = now;
            seen.reported = false;
        } else if (!seen.reported && now - seen.since >= threshold) {
            seen.reported = true;
            loop.reportSlow(current, now - seen.since);
        }
    }
}
