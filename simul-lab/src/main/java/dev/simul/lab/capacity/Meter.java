package dev.simul.lab.capacity;

import dev.simul.lab.text.Figures;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Watches one step of one model: its memory against the budget, its time against the model's deadline, and what
 * the units cost once they all sleep. Memory is the resident set (VmRSS of {@code /proc/<pid>/status}) where Linux
 * reports it, and the used heap in every case; the baseline is taken after a full collection, so that garbage of
 * the step before is not counted.
 *
 * <p>The resident set moves by tens of MiB when a full collection shrinks the heap or the next one grows it, which
 * would swamp a thousand small units. So what a step reports as resident is the growth of the resident set less
 * the growth of the committed heap, plus the growth of the used heap: the units' memory outside the heap (native
 * stacks, kernel-side thread structures, processes) and in it, without the heap's resizing.
 */
final class Meter {

    /** The used heap past which a step stops whatever the budget: an OutOfMemoryError must not be what stops it. */
    static final double HEAP_FULL = 0.9;

    private final long budgetBytes;
    private final long deadlineNanos;
    private long rss0;
    private long committed0;
    private long heap0;

    /**
     * @param budgetBytes   the growth of memory a step may cause
     * @param deadlineNanos when the model's time is up, on {@link System#nanoTime()}
     */
    Meter(long budgetBytes, long deadlineNanos) {
        this.budgetBytes = budgetBytes;
        this.deadlineNanos = deadlineNanos;
    }

    /** Collects garbage and notes the memory the units will be measured against. */
    void baseline() {
        System.gc();
        rss0 = settledRss();
        committed0 = Runtime.getRuntime().totalMemory();
        heap0 = heapUsed();
    }

    /**
     * What the units cost, taken while they all sleep: deltas from the baseline after a full collection, the
     * resident one with {@code otherProcessesRss} (the processes the step started) added.
     */
    Sample sample(long otherProcessesRss) {
        System.gc();
        long rss = settledRss();
        long heap = heapUsed() - heap0;
        long resized = Runtime.getRuntime().totalMemory() - committed0;
        return new Sample(rss < 0 || rss0 < 0 ? null : rss - rss0 - resized + heap + otherProcessesRss, heap);
    }

    /**
     * Why the step must stop now, or null while it is within its budgets: cheap enough to ask every thousand units
     * (one read of {@code /proc/self/status}, no collection). {@code otherProcessesRss} is the memory of processes
     * the step started.
     */
    Stop over(long otherProcessesRss) {
        Stop late = late();
        if (late != null) {
            return late;
        }
        long rss = rss(ProcessHandle.current().pid());
        long heap = heapUsed();
        // Without /proc, garbage counts too: a stop that comes too early is the safe way to be wrong.
        long growth = rss >= 0 && rss0 >= 0 ? rss - rss0 + otherProcessesRss : heap - heap0;
        if (growth > budgetBytes) {
            return new Stop(Stop.MEMORY, "memory grew by " + Figures.bytes(growth) + ", past the budget of "
                    + Figures.bytes(budgetBytes));
        }
        long max = Runtime.getRuntime().maxMemory();
        if (heap > HEAP_FULL * max) {
            return new Stop(Stop.MEMORY, "the heap was %.0f%% full (max %s)".formatted(100.0 * heap / max,
                    Figures.bytes(max)));
        }
        return null;
    }

    /** Between two reads of the resident set while it settles. */
    private static final long SETTLE_MS = 50;
    /** Reads of the resident set at most while it settles. */
    private static final int SETTLE_READS = 10;

    /**
     * This JVM's resident set once it stops moving: G1 gives memory back to the OS some time after a full
     * collection, not during it. Reads until two in a row agree within 1 MiB, at most half a second.
     */
    private static long settledRss() {
        long pid = ProcessHandle.current().pid();
        long last = rss(pid);
        for (int i = 0; i < SETTLE_READS && last >= 0; i++) {
            try {
                Thread.sleep(SETTLE_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return last;
            }
            long now = rss(pid);
            if (Math.abs(now - last) < (1 << 20)) {
                return now;
            }
            last = now;
        }
        return last;
    }

    /**
     * Why the step must stop now if the model's time is up, else null: a clock read, cheap enough to ask before
     * every unit (a platform thread can take milliseconds to create on a busy machine).
     */
    Stop late() {
        return System.nanoTime() - deadlineNanos > 0 ? new Stop(Stop.TIME, "its time budget ran out") : null;
    }

    /** Nanoseconds until the model's deadline, at least 0. */
    long remainingNanos() {
        return Math.max(0, deadlineNanos - System.nanoTime());
    }

    /** The heap in use now, garbage included. */
    static long heapUsed() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    /** The resident set of process {@code pid} in bytes, or -1 where {@code /proc} does not say (not Linux, gone). */
    static long rss(long pid) {
        String status = procFile("/proc/" + pid + "/status");
        if (status != null) {
            for (String line : status.split("\n")) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024; // "VmRSS:   123456 kB"
                }
            }
        }
        return -1;
    }

    /**
     * A file of {@code /proc}, or null if it cannot be read (not Linux, a process gone). Read as a stream: some
     * kernels give {@code /proc/sys} files a size of 0, and {@code Files.readAllBytes}, which trusts the size, then
     * returns one byte of them.
     */
    static String procFile(String path) {
        try (InputStream in = new FileInputStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Memory the units held, in bytes.
     *
     * @param residentDelta growth of the resident set without the heap's resizing (see the class comment), with
     *                      that of the processes the step started; null if unknown
     * @param heapDelta     growth of the used heap after a full collection
     */
    record Sample(Long residentDelta, long heapDelta) {

        /** The larger growth of the two: what a budget is checked against. */
        long larger() {
            return residentDelta == null ? heapDelta : Math.max(residentDelta, heapDelta);
        }
    }
}
