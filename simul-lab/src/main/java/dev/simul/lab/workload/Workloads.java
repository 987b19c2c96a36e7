package dev.simul.lab.workload;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The lab's workloads by name, in the order reports show them. */
public final class Workloads {

    private static final Map<String, Workload> ALL = new LinkedHashMap<>();

    static {
        for (Workload w : List.of(new CpuBound(), new HashChain(), new ApiCalls(), new FileWrites(),
                new Countdown(),
                new Downloads(), new Mixed())) {
            ALL.put(w.name(), w);
        }
    }

    private Workloads() {
    }

    /** Every workload name. */
    public static List<String> names() {
        return List.copyOf(ALL.keySet());
    }

    /**
     * The workload called {@code name}.
     *
     * @throws IllegalArgumentException if there is none
     */
    public static Workload of(String name) {
        Workload w = ALL.get(name);
        if (w == null) {
            throw new IllegalArgumentException("unknown workload '" + name + "'; workloads: "
                    + String.join(", ", ALL.keySet()));
        }
        return w;
    }
}
