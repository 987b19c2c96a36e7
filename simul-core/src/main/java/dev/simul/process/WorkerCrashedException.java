package dev.simul.process;

import java.io.Serial;
import java.util.List;

/**
 * The worker process running a task died under it (System.exit, an OutOfMemoryError, a signal such as SIGKILL, a
 * native crash). Only the task it was running fails this way; the pool replaces the worker and carries on. The
 * message names the worker's pid, its exit code or the signal that killed it, and its last output lines.
 *
 * <p>"Running" is what the pool can know: the oldest task sent to the worker and not answered. A worker killed
 * while it was reading that task, or after it finished but before its answer left, is blamed on that task too, so
 * a task retried after a crash ({@link ProcessPool.Options#withRetries}) may have run once already: retry only
 * idempotent tasks.
 */
public final class WorkerCrashedException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    private final long pid;
    private final Integer exitCode;
    private final Integer signal;
    private final List<String> lastOutput;

    WorkerCrashedException(int workerId, long pid, Integer exitCode, Integer signal, String killedBecause,
                           boolean outOfMemory, List<String> lastOutput) {
        super(describe(workerId, pid, exitCode, signal, killedBecause, outOfMemory, lastOutput));
        this.pid = pid;
        this.exitCode = exitCode;
        this.signal = signal;
        this.lastOutput = List.copyOf(lastOutput);
    }

    private static String describe(int workerId, long pid, Integer exitCode, Integer signal, String killedBecause,
                                   boolean outOfMemory, List<String> stderr) {
        StringBuilder s = new StringBuilder("worker ").append(workerId).append(" (pid ").append(pid).append(") ");
        if (killedBecause != null) {
            s.append("was killed by the pool because ").append(killedBecause);
        } else if (signal != null) {
            s.append("was killed by signal ").append(signal).append(signalName(signal));
        } else if (exitCode != null) {
            s.append("exited with code ").append(exitCode);
            if (outOfMemory) {
                s.append(" (out of memory)");
            }
        } else {
            s.append("closed its connection and did not exit");
        }
        s.append(" with this task in hand (sent to it, not answered)");
        if (!stderr.isEmpty()) {
            s.append("; its last output lines:");
            for (String line : stderr) {
                s.append("\n  ").append(line);
            }
        }
        return s.toString();
    }

    private static String signalName(int signal) {
        return switch (signal) {
            case 6 -> " (SIGABRT: a native crash)";
            case 9 -> " (SIGKILL)";
            case 11 -> " (SIGSEGV)";
            case 15 -> " (SIGTERM)";
            default -> "";
        };
    }

    /** The worker's process id. */
    public long pid() {
        return pid;
    }

    /** Its exit code if it exited (not killed by a signal), else null. */
    public Integer exitCode() {
        return exitCode;
    }

    /** The signal that killed it, else null. */
    public Integer signal() {
        return signal;
    }

    /** The last lines it wrote to stderr or stdout (where a JVM writes its fatal error report), oldest first. */
    public List<String> lastOutput() {
        return lastOutput;
    }
}
