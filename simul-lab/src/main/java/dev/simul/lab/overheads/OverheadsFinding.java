package dev.simul.lab.overheads;

import dev.simul.lab.experiment.Finding;
import dev.simul.lab.text.Figures;
import dev.simul.lab.text.Table;
import java.util.ArrayList;
import java.util.List;

/**
 * What the {@code overheads} experiment found: one {@link Unit} per model, and the verdicts on the seeds' claims
 * about them. Its JSON (under {@code overheads}) is {@code units} and {@code verdicts}; field names are a contract.
 *
 * @param units    the models in a fixed order: method call (the baseline), platform thread, virtual thread,
 *                 coroutine, worker process
 * @param verdicts the seeds' claims judged from the units ({@link Claims})
 */
public record OverheadsFinding(List<Unit> units, List<String> verdicts) implements Finding {

    /** The report is this wide at most. */
    static final int WIDTH = 100;

    /** The models' names, as {@link Unit#model()} gives them. */
    static final String METHOD_CALL = "method_call";
    static final String PLATFORM_THREAD = "platform_thread";
    static final String VIRTUAL_THREAD = "virtual_thread";
    static final String COROUTINE = "coroutine";
    static final String WORKER_PROCESS = "worker_process";

    /**
     * What one unit of a model costs.
     *
     * @param model                  {@code method_call}, {@code platform_thread}, {@code virtual_thread},
     *                               {@code coroutine} or {@code worker_process}
     * @param createJoinNs           median nanoseconds to create one, start it, and wait for its end
     * @param switchNs               median nanoseconds of one switch, as {@code howSwitchWasTimed} says
     * @param bytesPerIdleUnit       memory one idle unit holds, or null where it could not be read (no /proc)
     * @param idleUnits              how many were held idle at once to measure it
     * @param howSwitchWasTimed      what was timed as a switch
     * @param howMemoryWasMeasured   what was counted as its memory, and how
     */
    public record Unit(String model, double createJoinNs, double switchNs, Long bytesPerIdleUnit, int idleUnits,
                       String howSwitchWasTimed, String howMemoryWasMeasured) {
    }

    public OverheadsFinding {
        units = List.copyOf(units);
        verdicts = List.copyOf(verdicts);
    }

    /** A finding whose verdicts are computed from {@code units}. */
    public static OverheadsFinding of(List<Unit> units) {
        return new OverheadsFinding(units, Claims.judge(units));
    }

    @Override
    public String render() {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("model", "create+start+join", "switch", "memory per idle unit", "idle at once"));
        for (Unit u : units) {
            rows.add(List.of(u.model().replace('_', ' '), Figures.nanos(u.createJoinNs()), Figures.nanos(u.switchNs()),
                    u.bytesPerIdleUnit() == null ? "-" : Claims.bytes(u.bytesPerIdleUnit()),
                    "%,d".formatted(u.idleUnits())));
        }
        StringBuilder out = new StringBuilder();
        out.append("overheads: what one unit of each model costs to start, switch to and keep idle (medians of %d)%n%n"
                .formatted(Sampler.SAMPLES));
        out.append(Table.render(rows, 1)).append('\n');
        for (Unit u : units) {
            String name = u.model().replace('_', ' ');
            out.append(wrap("%s: switch = %s; memory = %s".formatted(name, u.howSwitchWasTimed(),
                    u.howMemoryWasMeasured()), "", "  "));
        }
        out.append('\n');
        for (String v : verdicts) {
            out.append(wrap(v, "", "  ")).append('\n');
        }
        return out.toString();
    }

    /**
     * {@code text} cut into lines of at most {@link #WIDTH} columns at spaces, the first line after {@code first},
     * the others after {@code rest}; a word longer than a line stands alone on its line.
     */
    static String wrap(String text, String first, String rest) {
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder(first);
        int empty = first.length();
        for (String word : text.split(" ")) {
            if (line.length() > empty && line.length() + 1 + word.length() > WIDTH) {
                out.append(line).append('\n');
                line = new StringBuilder(rest);
                empty = rest.length();
            }
            if (line.length() > empty) {
                line.append(' ');
            }
            line.append(word);
        }
        return out.append(line).append('\n').toString();
    }
}
