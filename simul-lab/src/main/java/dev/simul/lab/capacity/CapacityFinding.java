package dev.simul.lab.capacity;

import dev.simul.lab.experiment.Finding;
import dev.simul.lab.text.Figures;
import dev.simul.lab.text.Paragraph;
import dev.simul.lab.text.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the {@code capacity} experiment found: per model, each step's units, start and release times and memory,
 * how far it got and why it stopped; then the verdicts. Its JSON, under {@code capacity}:
 *
 * <pre>
 * memory_budget_bytes, time_budget_s, load_average (of the machine over the minute before, -1 if unknown),
 * limits: {threads_max, threads_in_use, max_user_processes, stack_bytes},   (null: not reported)
 * models: [{model, memory ("resident" or "heap": where its units live, so which delta bytes_per_unit divides),
 *           held (units of the largest step that all slept), bytes_per_unit (at that step, or null),
 *           start_s (of that step, or null), stop (steps | cap | memory | time | limit | error), why,
 *           steps: [{units, started, held, start_s, release_s, resident_delta_bytes (null: unknown),
 *                    heap_delta_bytes, bytes_per_unit (null: not measured)}]}],
 * verdicts: [...]
 * </pre>
 *
 * @param memoryBudgetBytes the memory budget of each step
 * @param timeBudgetS       the time budget of each model
 * @param loadAverage       the machine's load average over the minute before the experiment, or -1 if unknown
 * @param limits            what bounds platform threads here
 * @param models            one result per model, in the order run
 * @param verdicts          the answers, computed from the numbers
 */
public record CapacityFinding(long memoryBudgetBytes, double timeBudgetS, double loadAverage, ThreadLimits limits,
                              List<ModelResult> models, List<String> verdicts) implements Finding {

    /** The model the seeds call "threads". */
    static final String PLATFORM = "platform threads";
    /** The models the seeds' "async tasks" stand for here. */
    static final List<String> ASYNC = List.of("virtual threads", "coroutines");

    public CapacityFinding {
        models = List.copyOf(models);
        verdicts = List.copyOf(verdicts);
    }

    /**
     * One step of one model.
     *
     * @param units         the units it asked for
     * @param started       the units it started
     * @param held          whether all of them slept at once
     * @param startS        from the first unit's start to all asleep, seconds
     * @param releaseS      from waking them to the last one ended, seconds
     * @param residentDeltaBytes growth of the resident set while they slept, without the heap's resizing (worker
     *                      processes' included), or null
     * @param heapDeltaBytes growth of the used heap after a full collection while they slept
     * @param bytesPerUnit  the model's delta ({@code memory}) over {@code units}, or null if not measured
     */
    public record Step(int units, int started, boolean held, double startS, double releaseS, Long residentDeltaBytes,
                       long heapDeltaBytes, Double bytesPerUnit) {

        static Step of(Held h, String memory) {
            boolean measured = h.memory() != null;
            Long rss = measured ? h.memory().residentDelta() : null;
            long heap = measured ? h.memory().heapDelta() : 0;
            Double perUnit = !measured || h.started() == 0 ? null
                    : (double) ("resident".equals(memory) && rss != null ? rss : heap) / h.started();
            return new Step(h.requested(), h.started(), h.stop() == null, h.startS(), h.releaseS(), rss, heap,
                    perUnit);
        }
    }

    /**
     * How far one model got.
     *
     * @param model        its name
     * @param memory       {@code resident} or {@code heap}: the delta its bytes per unit divide
     * @param held         the units of its largest step that held, or 0
     * @param bytesPerUnit bytes per unit at that step, or null
     * @param startS       that step's start time, or null
     * @param stop         why it went no further: {@code steps}, {@code cap}, {@code memory}, {@code time},
     *                     {@code limit} or {@code error}
     * @param why          the reason in a sentence
     * @param steps        every step it ran, the last perhaps not held
     */
    public record ModelResult(String model, String memory, int held, Double bytesPerUnit, Double startS,
                              String stop, String why, List<Step> steps) {
        public ModelResult {
            steps = List.copyOf(steps);
        }

        static ModelResult of(String model, String memory, List<Step> steps, Stop stop) {
            Step top = steps.stream().filter(Step::held).reduce((a, b) -> b).orElse(null);
            return new ModelResult(model, memory, top == null ? 0 : top.units(), top == null ? null : top.bytesPerUnit(),
                    top == null ? null : top.startS(), stop.kind(), stop.why(), steps);
        }
    }

    /** The finding of {@code models}, with its verdicts. */
    static CapacityFinding of(Capacity.Budget budget, double loadAverage, ThreadLimits limits,
                              List<ModelResult> models) {
        return new CapacityFinding(budget.memoryBytes(), budget.time().toNanos() / 1e9, loadAverage, limits, models,
                verdicts(limits, models));
    }

    static List<String> verdicts(ThreadLimits limits, List<ModelResult> models) {
        List<String> out = new ArrayList<>();
        out.add(String.join("; ", models.stream().map(CapacityFinding::summary).toList()) + ".");
        out.add(claim(limits, models));
        return out;
    }

    /** "virtual threads: 1,000,000 sleeping in 1.20 s at 1.10 KiB each (heap)", or where it stopped and why. */
    static String summary(ModelResult m) {
        if (m.held() == 0) {
            return "%s: none held (%s: %s)".formatted(m.model(), m.stop(), m.why());
        }
        String cost = m.bytesPerUnit() == null ? "" : " at %s each (%s)".formatted(Figures.bytes(m.bytesPerUnit()),
                m.memory());
        String time = " in " + Figures.seconds(m.startS());
        if (m.stop().equals(Stop.STEPS)) {
            return "%s: %s sleeping%s%s".formatted(m.model(), Figures.count(m.held()), time, cost);
        }
        return "%s: stopped at %s (%s)%s%s".formatted(m.model(), Figures.count(m.held()), m.stop(), time, cost);
    }

    /** Whether the seeds' "many many more async tasks than threads" holds, and by how much. */
    static String claim(ThreadLimits limits, List<ModelResult> models) {
        String quote = "'you can run many many more async tasks than threads'";
        ModelResult platform = models.stream().filter(m -> m.model().equals(PLATFORM)).findFirst().orElse(null);
        ModelResult async = models.stream().filter(m -> ASYNC.contains(m.model()))
                .max(java.util.Comparator.comparingInt(ModelResult::held)
                        .thenComparing(m -> m.bytesPerUnit() == null ? 0 : -m.bytesPerUnit()))
                .orElse(null);
        if (platform == null || async == null || platform.held() == 0 || async.held() == 0) {
            return "So %s cannot be judged here: a model held no units.".formatted(quote);
        }
        double ratio = (double) async.held() / platform.held();
        StringBuilder v = new StringBuilder();
        if (ratio <= 1) {
            return ("So %s does not show at this scale: platform threads held %s, as many as %s; the steps are too"
                    + " small to tell them apart.").formatted(quote, Figures.count(platform.held()), async.model());
        }
        v.append("So %s holds: %s, %s as many as platform threads (%s)".formatted(quote,
                Figures.count(async.held()) + " " + async.model(), times(ratio), Figures.count(platform.held())));
        if (platform.bytesPerUnit() != null && async.bytesPerUnit() != null && async.bytesPerUnit() > 0) {
            double memRatio = platform.bytesPerUnit() / async.bytesPerUnit();
            v.append(", each at %s the memory of a platform thread".formatted(memRatio >= 1
                    ? "1/" + String.format(Locale.ROOT, "%.0f", memRatio) : times(1 / memRatio)));
            v.append("; %s platform threads would need about %s".formatted(Figures.count(async.held()),
                    Figures.bytes(platform.bytesPerUnit() * async.held())));
            if (limits.threadsMax() != null && async.held() > limits.threadsMax()) {
                v.append(" and more threads than the kernel allows (threads-max %s)".formatted(
                        Figures.count(limits.threadsMax())));
            }
        }
        if (!platform.stop().equals(Stop.STEPS)) {
            v.append(". Platform threads stopped first (%s)".formatted(platform.stop()));
        }
        return v.append('.').toString();
    }

    private static String times(double x) {
        return String.format(Locale.ROOT, x >= 10 ? "%.0fx" : "%.1fx", x);
    }

    @Override
    public String render() {
        StringBuilder out = new StringBuilder();
        out.append("capacity: concurrent sleeping units per model%n".formatted());
        out.append(Paragraph.wrap("budgets: %s of memory growth and %s per model%s".formatted(
                Figures.bytes(memoryBudgetBytes), Figures.seconds(timeBudgetS), loadAverage >= 0
                        ? String.format(Locale.ROOT, "; load average before: %.1f", loadAverage) : ""),
                Paragraph.WIDTH, "  "));
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("model", "units", "start", "release", "heap/unit", "resident/unit", "held"));
        for (ModelResult m : models) {
            boolean first = true;
            for (Step s : m.steps()) {
                rows.add(List.of(first ? m.model() : "", Figures.count(s.started()),
                        s.held() ? Figures.seconds(s.startS()) : "-", Figures.seconds(s.releaseS()),
                        perUnit(s.heapDeltaBytes(), s),
                        s.residentDeltaBytes() == null ? "?" : perUnit(s.residentDeltaBytes(), s),
                        s.held() ? "yes" : "no"));
                first = false;
            }
        }
        out.append(Table.render(rows, 1)).append('\n');
        out.append(Paragraph.wrap("start = from the first unit to all asleep; release = waking and ending them all;"
                + " heap/unit = growth of the used heap after a full GC / units; resident/unit = growth of VmRSS less"
                + " the heap's resizing / units (processes: with the workers' VmRSS); ~0 = it shrank: the units cost"
                + " less than the measurement's noise there", Paragraph.WIDTH,
                "")).append('\n');
        for (ModelResult m : models) {
            out.append(Paragraph.wrap("%s stopped at %s (%s): %s.".formatted(m.model(), Figures.count(m.held()),
                    m.stop(), m.why()), Paragraph.WIDTH, "  "));
        }
        out.append('\n');
        for (String v : verdicts) {
            out.append(Paragraph.wrap(v, Paragraph.WIDTH, "  "));
        }
        return out.toString();
    }

    /** A step's delta per unit, or "-" where it was not measured. */
    /** A delta per unit; a negative one (the memory moved by more than the units cost) as {@code ~0}. */
    private static String perUnit(long delta, Step s) {
        if (s.bytesPerUnit() == null) {
            return "-";
        }
        return delta < 0 ? "~0" : Figures.bytes((double) delta / s.started());
    }
}
