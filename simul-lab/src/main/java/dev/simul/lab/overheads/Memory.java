package dev.simul.lab.overheads;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** The two memory figures the experiment reads: a process's resident set from /proc, and the heap in use. */
final class Memory {

    private Memory() {
    }

    /** {@code VmRSS} of process {@code pid} in bytes, or empty where there is no /proc (not Linux). */
    static OptionalLong residentBytes(long pid) {
        return statusBytes(pid, "VmRSS");
    }

    /** A "kB" line of /proc/PID/status ({@code VmRSS}, {@code RssAnon}) in bytes, or empty if unreadable. */
    static OptionalLong statusBytes(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(parts[0]) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc, or the process is gone: the caller says the figure is missing
        }
        return OptionalLong.empty();
    }

    /**
     * The heap in use after a full collection: the least of three tries, each a {@code System.gc()} and a short
     * pause (references are cleared and cleaners run after the collection itself), so that a straggler's garbage
     * does not count.
     */
    static long heapUsedAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(10);
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }
}
