package dev.simul.cli;

import dev.simul.lab.experiment.Cell;
import dev.simul.lab.experiment.Lab;
import dev.simul.lab.report.Verdict;
import java.io.PrintWriter;

/**
 * The lab's progress on stderr: on a terminal, one line rewritten in place; otherwise (a log, CI), one plain line per
 * measured cell ("simul lab: cpu on threads: 0.40 s (3 runs)") and per finished experiment, so that logs stay
 * readable and carry no carriage returns.
 */
final class ProgressLine implements Lab.Listener, AutoCloseable {

    private final PrintWriter err;
    private final boolean terminal;
    private int width;

    /** Progress on {@code err}, rewritten in place if standard error is a terminal. */
    ProgressLine(PrintWriter err) {
        this(err, Terminal.stderr());
    }

    /** Progress on {@code err}, rewritten in place if {@code terminal}, otherwise a plain line per cell. */
    ProgressLine(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    @Override
    public void starting(String workload, String mode, int cell, int cells, int run, int runs) {
        if (terminal) {
            show("[%d/%d] %s on %s: %s".formatted(cell, cells, workload, mode,
                    run == 0 ? "warm-up" : "run " + run + "/" + runs));
        }
    }

    @Override
    public void measured(Cell cell) {
        if (!terminal) {
            int runs = cell.runs().size();
            err.printf("simul lab: %s on %s: %s (%d run%s)%n", cell.workload(), cell.mode(),
                    Verdict.seconds(cell.wallS()), runs, runs == 1 ? "" : "s");
            err.flush();
        }
    }

    /** An experiment other than the matrix is at {@code step}. */
    void step(String experiment, String step) {
        if (terminal) {
            show(experiment + ": " + step);
        }
    }

    /** An experiment other than the matrix has finished. */
    void done(String experiment) {
        if (!terminal) {
            err.printf("simul lab: %s done%n", experiment);
            err.flush();
        }
    }

    private void show(String line) {
        err.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
        err.flush();
        width = line.length();
    }

    /** Clears the line, so the report starts on a clean one. */
    @Override
    public void close() {
        if (terminal && width > 0) {
            show("");
            err.print("\r");
            err.flush();
        }
    }
}
