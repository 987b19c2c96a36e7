package dev.simul.lab.capacity;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.simul.lab.text.Figures;
import java.lang.management.ManagementFactory;

/**
 * What bounds the platform threads of this machine, as Linux reports it; a field it does not report is null.
 *
 * @param threadsMax       {@code /proc/sys/kernel/threads-max}: kernel threads the machine may have, all users
 * @param threadsInUse     threads the machine has now (the fourth field of {@code /proc/loadavg})
 * @param maxUserProcesses the soft {@code ulimit -u} ("Max processes" of {@code /proc/self/limits}): the processes
 *                         and threads one user may have, "unlimited" read as null
 * @param stackBytes       the stack a platform thread reserves ({@code -XX:ThreadStackSize}), or 0 if unknown
 */
public record ThreadLimits(Long threadsMax, Long threadsInUse, Long maxUserProcesses, long stackBytes) {

    /** The platform-thread cap at scale 1: far below any kernel's limit, high enough to show the cost per thread. */
    static final int PLATFORM_CAP = 10_000;

    /** The limits of this machine now. */
    static ThreadLimits current() {
        return new ThreadLimits(number(Meter.procFile("/proc/sys/kernel/threads-max")), readThreadsInUse(),
                number(limit("Max processes")), readStackBytes());
    }

    /**
     * At most {@value #PLATFORM_CAP} x {@code factor} platform threads, and never more than half the threads the
     * kernel has left: the other half is for the machine's other users.
     */
    int platformCap(double factor) {
        long cap = Math.max(1, Math.round(PLATFORM_CAP * factor));
        if (threadsMax != null && threadsInUse != null) {
            cap = Math.min(cap, Math.max(1, (threadsMax - threadsInUse) / 2));
        }
        if (maxUserProcesses != null) {
            cap = Math.min(cap, Math.max(1, maxUserProcesses / 2));
        }
        return (int) cap;
    }

    String describe(Long value) {
        return value == null ? "an unknown number of" : Figures.count(value);
    }

    private static Long readThreadsInUse() {
        String loadavg = Meter.procFile("/proc/loadavg"); // "0.52 0.58 0.59 2/1234 5678": runnable/total scheduling entities
        if (loadavg == null) {
            return null;
        }
        String[] fields = loadavg.trim().split("\\s+");
        return fields.length > 3 && fields[3].contains("/") ? number(fields[3].substring(fields[3].indexOf('/') + 1))
                : null;
    }

    /** The soft value of a line of {@code /proc/self/limits}, such as "Max processes  96367  96367  processes". */
    private static String limit(String name) {
        String limits = Meter.procFile("/proc/self/limits");
        if (limits == null) {
            return null;
        }
        for (String line : limits.split("\n")) {
            if (line.startsWith(name)) {
                String[] fields = line.substring(name.length()).trim().split("\\s+");
                return fields.length > 0 ? fields[0] : null;
            }
        }
        return null;
    }

    private static long readStackBytes() {
        try {
            String kib = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .getVMOption("ThreadStackSize").getValue();
            return Long.parseLong(kib) * 1024;
        } catch (RuntimeException e) {
            return 0; // not HotSpot
        }
    }

    private static Long number(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null; // "unlimited"
        }
    }
}
