package dev.simul.lab;

import dev.simul.lab.capacity.Capacity;
import dev.simul.lab.experiment.Experiment;
import dev.simul.lab.experiment.Lab;
import dev.simul.lab.overheads.Overheads;
import dev.simul.lab.race.RaceExperiment;
import dev.simul.lab.scaling.Scaling;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The lab's experiments by name: {@value #MATRIX} (every workload in every mode, {@link Lab}) and those that test
 * one claim each ({@link Experiment}).
 */
public final class Experiments {

    /** The workload x mode matrix, which {@link Lab} runs. */
    public static final String MATRIX = "matrix";

    /** What {@code simul lab} runs when {@code --experiments} is not given: about three minutes on 2 cores. */
    private static final List<String> DEFAULTS = List.of(MATRIX, "overheads", "race");

    /** Every experiment but the matrix, in the order the report shows them. */
    private static final List<Experiment> ALL = List.of(new Overheads(), new RaceExperiment(), new Scaling(),
            new Capacity());

    private static final Map<String, Experiment> EXPERIMENTS = new LinkedHashMap<>();

    static {
        ALL.forEach(e -> EXPERIMENTS.put(e.name(), e));
    }

    private Experiments() {
    }

    /** Every experiment's name, the matrix first. */
    public static List<String> names() {
        List<String> names = new ArrayList<>(List.of(MATRIX));
        names.addAll(EXPERIMENTS.keySet());
        return names;
    }

    /** What {@code simul lab} runs by default. */
    public static List<String> defaults() {
        return DEFAULTS.stream().filter(names()::contains).toList();
    }

    /**
     * The experiment called {@code name} (not the matrix, which {@link Lab} runs).
     *
     * @throws IllegalArgumentException for a name that is not one
     */
    public static Experiment of(String name) {
        Experiment e = EXPERIMENTS.get(name);
        if (e == null) {
            throw new IllegalArgumentException("no experiment '" + name + "'; experiments: " + String.join(", ", names()));
        }
        return e;
    }

    /** What the matrix does, in a line, as {@link Experiment#description()} says it for the others. */
    public static String description(String name) {
        return name.equals(MATRIX) ? "every workload in every mode: wall time, speedup, CPU time, a verdict each"
                : of(name).description();
    }
}
