package dev.simul.lab.capacity;

import dev.simul.lab.experiment.Experiment;
import dev.simul.lab.experiment.Finding;
import dev.simul.lab.experiment.LabConfig;
import dev.simul.lab.text.Figures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@code capacity} experiment: how many sleeping units each model holds at once. Platform threads, virtual
 * threads and coroutines step through 1,000, 10,000, 100,000 and 1,000,000 units, worker processes through 1, 2,
 * 4, ... up to 4 per processor; each step starts its units, waits until all sleep (the start time), measures what
 * they hold (the resident set and the heap after a full collection, against a baseline taken the same way), then
 * wakes and ends every one (the release time) before the next step. A model stops at the end of its steps, at the
 * experiment's cap for it (platform threads: 10,000; processes: 4 per processor), when the system refuses a unit,
 * or at its budgets ({@link Budget#DEFAULT}: 2 GiB of memory growth and 20 s per model). During a step the time
 * is checked before every unit and the memory every thousand; before a step, both are predicted from the last one
 * (ten times the units, ten times the memory and the time to start and release them), so a step that would pass
 * them is not started. Releasing the units a step started always happens, budget or not.
 *
 * <p>The lab's scale shrinks the steps below the default scale ({@code steps x min(1, scale / 0.3)}): the
 * experiment's cost is bounded by its budgets, not its sizes, so the default run goes to its full steps and tests
 * run with tens of units.
 */
public final class Capacity implements Experiment {

    /**
     * What one model may use.
     *
     * @param memoryBytes growth of this JVM's resident set (and its worker processes') a step may cause
     * @param time        time a model may take, all its steps together
     */
    public record Budget(long memoryBytes, Duration time) {

        /** 2 GiB and 20 s per model: safe on a machine shared with others. */
        public static final Budget DEFAULT = new Budget(2L << 30, Duration.ofSeconds(20));

        public Budget {
            Objects.requireNonNull(time, "time");
            if (memoryBytes <= 0 || time.isNegative() || time.isZero()) {
                throw new IllegalArgumentException("budgets must be positive");
            }
        }
    }

    /** Units of the first step at scale 1; each next step has ten times as many. */
    static final int FIRST_STEP = 1_000;
    /** The most units of any step at scale 1. */
    static final int LAST_STEP = 1_000_000;

    private final Budget budget;
    private final int maxUnits;

    /** The experiment with the default budgets. */
    public Capacity() {
        this(Budget.DEFAULT, Integer.MAX_VALUE);
    }

    /**
     * The experiment with other budgets, and no step above {@code maxUnits} (tests).
     */
    Capacity(Budget budget, int maxUnits) {
        this.budget = Objects.requireNonNull(budget, "budget");
        this.maxUnits = maxUnits;
    }

    @Override
    public String name() {
        return "capacity";
    }

    @Override
    public String description() {
        return "how many sleeping platform threads, virtual threads, coroutines and processes fit: start time, bytes each";
    }

    /** The share of the full steps run at {@code scale}: all of them from the lab's default scale up. */
    static double factor(double scale) {
        return Math.min(1, scale / LabConfig.DEFAULT_SCALE);
    }

    /** 1,000 x factor, then ten times as many each step, up to 1,000,000 x factor; at least 1, no repeats. */
    static List<Integer> decades(double factor) {
        List<Integer> steps = new ArrayList<>();
        for (long n = FIRST_STEP; n <= LAST_STEP; n *= 10) {
            int units = (int) Math.max(1, Math.round(n * factor));
            if (!steps.contains(units)) {
                steps.add(units);
            }
        }
        return steps;
    }

    @Override
    public Finding run(Context context) throws Exception {
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        ThreadLimits limits = ThreadLimits.current();
        List<Model> models = List.of(ThreadModel.platform(limits), ThreadModel.virtual(), new CoroutineModel(),
                new ProcessModel());
        double factor = factor(context.scale());
        int processors = context.machine().availableToJvm();
        List<CapacityFinding.ModelResult> results = new ArrayList<>();
        for (Model model : models) {
            List<Integer> steps = model.steps(factor, processors).stream().filter(n -> n <= maxUnits).toList();
            results.add(run(model, steps, context));
        }
        return CapacityFinding.of(budget, load, limits, results);
    }

    /** Runs {@code model} through {@code steps} until one does not hold or the next would pass a budget. */
    CapacityFinding.ModelResult run(Model model, List<Integer> steps, Context context) throws InterruptedException {
        long begin = System.nanoTime();
        long deadline = begin + budget.time().toNanos();
        List<CapacityFinding.Step> done = new ArrayList<>();
        Stop stop = null;
        Held last = null;
        long lastNanos = 0;
        for (int n : steps) {
            if (last != null) {
                stop = predict(last, lastNanos, n, deadline);
                if (stop != null) {
                    break;
                }
            }
            context.progress().accept(model.name() + ": " + Figures.count(n));
            Meter meter = new Meter(budget.memoryBytes(), deadline);
            long t0 = System.nanoTime();
            Held held;
            try {
                meter.baseline();
                held = model.hold(n, meter);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception | OutOfMemoryError e) {
                // A model that failed has released its units (hold's contract): report it and go on to the next.
                done.add(CapacityFinding.Step.of(new Held(n, 0, 0, 0, null, null), model.memory()));
                stop = new Stop(Stop.ERROR, "the step of %s failed: %s".formatted(Figures.count(n), e));
                break;
            }
            done.add(CapacityFinding.Step.of(held, model.memory()));
            if (held.stop() != null) {
                stop = held.stop();
                break;
            }
            last = held;
            lastNanos = System.nanoTime() - t0;
        }
        if (stop == null) {
            String cap = last == null ? null : model.capReason(last.requested(), last);
            stop = cap != null ? new Stop(Stop.CAP, cap)
                    : new Stop(Stop.STEPS, "it held every step, up to the experiment's last");
        }
        return CapacityFinding.ModelResult.of(model.name(), model.memory(), done, stop);
    }

    /**
     * Why the step of {@code next} units should not start, from the one of {@code last.requested()} units before
     * it (which took {@code lastNanos} in all): memory, and the time to start and release the units, taken to grow
     * in proportion to the units; the rest of the step's time (collections, waiting for the resident set to
     * settle) is taken as it was. Null if it may.
     */
    Stop predict(Held last, long lastNanos, int next, long deadline) {
        double ratio = (double) next / last.requested();
        long left = deadline - System.nanoTime();
        double units = last.startS() + last.releaseS();
        double seconds = units * ratio + Math.max(0, lastNanos / 1e9 - units);
        if (seconds * 1e9 > left) {
            return new Stop(Stop.TIME, "the next step, %s, would take about %s, and %s of its %s were left".formatted(
                    Figures.count(next), Figures.seconds(seconds), Figures.seconds(Math.max(0, left) / 1e9),
                    Figures.seconds(budget.time().toNanos() / 1e9)));
        }
        if (last.memory() != null) {
            long grown = last.memory().larger();
            double need = Math.max(0, grown) * ratio;
            if (need > budget.memoryBytes()) {
                return new Stop(Stop.MEMORY, "the next step, %s, would need about %s, over the budget of %s"
                        .formatted(Figures.count(next), Figures.bytes(need), Figures.bytes(budget.memoryBytes())));
            }
            double heapNeed = Math.max(0, last.memory().heapDelta()) * ratio;
            long heapRoom = (long) (Meter.HEAP_FULL * Runtime.getRuntime().maxMemory()) - Meter.heapUsed();
            if (heapNeed > heapRoom) {
                return new Stop(Stop.MEMORY, "the next step, %s, would need about %s of heap, and %s is left"
                        .formatted(Figures.count(next), Figures.bytes(heapNeed), Figures.bytes(heapRoom)));
            }
        }
        return null;
    }
}
