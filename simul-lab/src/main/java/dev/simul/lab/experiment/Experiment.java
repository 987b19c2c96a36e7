package dev.simul.lab.experiment;

import dev.simul.lab.machine.Machine;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One of the lab's experiments beside the matrix: it measures a claim of the seeds on this machine and judges it
 * from the numbers. Each is named on the command line ({@code simul lab --experiments overheads,race}), prints a
 * section of the report and adds a top-level key of its name to the JSON. {@link Experiments} lists them.
 */
public interface Experiment {

    /** The name {@code --experiments} takes and the JSON key of its finding: lower case, one word. */
    String name();

    /** What it measures, in a line, for {@code simul lab --help}. */
    String description();

    /**
     * Runs the experiment and returns what it found.
     *
     * @throws Exception if it could not run; what it measured until then is lost, and the lab reports the failure
     */
    Finding run(Context context) throws Exception;

    /**
     * What an experiment runs with.
     *
     * @param scale    the lab's size and duration factor (1 = full size; tests run at tiny scales)
     * @param machine  the machine, for the ratios that depend on its cores
     * @param progress told what the experiment is doing now, a few words at a time ("platform threads: 10,000")
     */
    record Context(double scale, Machine machine, Consumer<String> progress) {
        public Context {
            Objects.requireNonNull(machine, "machine");
            Objects.requireNonNull(progress, "progress");
            if (!(scale > 0)) {
                throw new IllegalArgumentException("scale must be above 0, got " + scale);
            }
        }
    }
}
