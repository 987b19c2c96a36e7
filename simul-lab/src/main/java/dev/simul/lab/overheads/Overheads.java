package dev.simul.lab.overheads;

import static dev.simul.lab.overheads.OverheadsFinding.COROUTINE;
import static dev.simul.lab.overheads.OverheadsFinding.METHOD_CALL;
import static dev.simul.lab.overheads.OverheadsFinding.PLATFORM_THREAD;
import static dev.simul.lab.overheads.OverheadsFinding.VIRTUAL_THREAD;
import static dev.simul.lab.overheads.OverheadsFinding.WORKER_PROCESS;

import dev.simul.lab.experiment.Experiment;
import dev.simul.lab.overheads.OverheadsFinding.Unit;
import dev.simul.lab.overheads.Threads.Held;
import dev.simul.process.ProcessPool;
import java.util.List;
import java.util.function.Consumer;

/**
 * The {@code overheads} experiment: what one unit of each execution model costs, measured, against the seeds'
 * claims that processes start and switch slowly, and that async tasks switch more cheaply than a function call
 * and can be run in far greater numbers than threads.
 *
 * <p>For each model (a method call as the baseline, a platform thread, a virtual thread, a coroutine on simul's
 * event loop, a worker process of simul's {@link ProcessPool}) it measures three things:
 * <ol>
 *   <li>create, start and join one: a thread started and joined, a coroutine spawned and awaited, a pool of one
 *       worker opened, given a trivial task and closed, a method called;</li>
 *   <li>one switch: a hand-over in a ping-pong between two threads (park/unpark) or two coroutines (a loop future
 *       each) on one loop, the round trip of a trivial task to a worker process, a method call;</li>
 *   <li>the memory of one idle unit, measured over many at once ({@link OverheadsFinding.Unit#howMemoryWasMeasured}
 *       says how for each).</li>
 * </ol>
 * Times are medians of {@link Sampler#SAMPLES} samples after a warm-up (see {@link Sampler}); the worker process's
 * start is the median of a few pools. The lab's {@code --scale} shrinks sample lengths, warm-ups and the number of
 * idle units: about 10 s at the default 0.3 on 2 cores.
 */
public final class Overheads implements Experiment {

    /** Its name on the command line and in the JSON. */
    public static final String NAME = "overheads";

    /** A sample lasts this long at scale 1. */
    private static final long SAMPLE_NANOS_AT_SCALE_1 = 100_000_000L;

    /** Units held idle at once at scale 1, as the issue asks: enough that one unit's share stands out of the noise. */
    private static final int IDLE_PLATFORM = 10_000;
    private static final int IDLE_VIRTUAL = 100_000;
    private static final int IDLE_COROUTINES = 100_000;

    /** Worker pools started and closed at scale 1, besides the one the round trips use. */
    private static final int POOLS = 10;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "start, switch and idle memory of a thread, virtual thread, coroutine and worker process";
    }

    @Override
    public OverheadsFinding run(Context context) throws Exception {
        double scale = context.scale();
        Consumer<String> progress = context.progress();
        Sampler sampler = new Sampler((long) (SAMPLE_NANOS_AT_SCALE_1 * Math.min(scale, 10)));

        progress.accept("method calls");
        double call = sampler.nanosPerOp(MethodCalls::calls, warmup(1_000_000, scale));
        MethodCalls.Frames frames = MethodCalls.frames();
        Unit callUnit = new Unit(METHOD_CALL, call, call, frames.bytesPerCall(), frames.depth(),
                "a call of a method the JIT cannot inline (a megamorphic virtual call); it is also the start-and-join",
                ("stack per nested call: a %d MiB thread stack over the depth a recursion of a small method"
                        + " reached (the idle units: the calls on it at once)")
                        .formatted(MethodCalls.STACK_BYTES >> 20));

        Threads platform = new Threads(Thread.ofPlatform().name("simul-overheads"));
        int idlePlatform = idle(IDLE_PLATFORM, 100, scale);
        progress.accept("platform threads: start and join");
        double platformCreate = sampler.nanosPerOp(platform::createJoin, warmup(2_000, scale));
        progress.accept("platform threads: ping-pong");
        double platformSwitch = sampler.nanosPerOp(platform::pingPong, warmup(20_000, scale));
        progress.accept("platform threads: %,d parked".formatted(idlePlatform));
        Held platformHeld = platform.hold(idlePlatform, false);
        Unit platformUnit = new Unit(PLATFORM_THREAD, platformCreate, platformSwitch, platformHeld.bytesPerUnit(),
                idlePlatform, "one hand-over of a park/unpark ping-pong between two threads (half a round trip)",
                platformHeld.how());

        Threads virtual = new Threads(Thread.ofVirtual().name("simul-overheads"));
        int idleVirtual = idle(IDLE_VIRTUAL, 1_000, scale);
        progress.accept("virtual threads: start and join");
        double virtualCreate = sampler.nanosPerOp(virtual::createJoin, warmup(50_000, scale));
        progress.accept("virtual threads: ping-pong");
        double virtualSwitch = sampler.nanosPerOp(virtual::pingPong, warmup(50_000, scale));
        progress.accept("virtual threads: %,d parked".formatted(idleVirtual));
        Held virtualHeld = virtual.hold(idleVirtual, true);
        Unit virtualUnit = new Unit(VIRTUAL_THREAD, virtualCreate, virtualSwitch, virtualHeld.bytesPerUnit(),
                idleVirtual, "one hand-over of a park/unpark ping-pong between two virtual threads (half a round"
                        + " trip)", virtualHeld.how());

        Unit coroutineUnit;
        int idleCoroutines = idle(IDLE_COROUTINES, 1_000, scale);
        try (Coroutines coroutines = new Coroutines()) {
            progress.accept("coroutines: spawn and await");
            double create = sampler.nanosPerOp(coroutines::createJoin, warmup(100_000, scale));
            progress.accept("coroutines: ping-pong");
            double swap = sampler.nanosPerOp(coroutines::pingPong, warmup(200_000, scale));
            progress.accept("coroutines: %,d suspended".formatted(idleCoroutines));
            Held held = coroutines.hold(idleCoroutines);
            coroutineUnit = new Unit(COROUTINE, create, swap, held.bytesPerUnit(), idleCoroutines,
                    "one hand-over between two coroutines on one loop, each awaiting a loop future the other"
                            + " completes (%s)".formatted(coroutines.strands()), held.how());
        }

        Unit processUnit;
        progress.accept("worker process: round trips");
        try (ProcessPool pool = new ProcessPool(Workers.options())) {
            double roundTrip = sampler.nanosPerOp(ops -> Workers.roundTrips(pool, ops), warmup(2_000, scale));
            Held held = Workers.resident(pool);
            int pools = Math.max(1, (int) Math.round(POOLS * Math.min(scale, 1)));
            progress.accept("worker process: %d pools started and closed".formatted(pools));
            double create = Sampler.median(Workers.createJoin(pools));
            processUnit = new Unit(WORKER_PROCESS, create, roundTrip, held.bytesPerUnit(), 1,
                    "the round trip of a trivial task to a warm worker JVM and back (start and join: a pool of one"
                            + " worker opened, given the task, closed; median of %d)".formatted(pools), held.how());
        }
        return OverheadsFinding.of(List.of(callUnit, platformUnit, virtualUnit, coroutineUnit, processUnit));
    }

    /** Warm-up operations: {@code full} at scale 1 and above, fewer below (tests run tiny scales). */
    private static long warmup(long full, double scale) {
        return Math.max(1, Math.round(full * Math.min(scale, 1)));
    }

    /** Units to hold idle at {@code scale}, at least {@code least}: fewer and one unit's share drowns in noise. */
    private static int idle(int full, int least, double scale) {
        return (int) Math.max(least, Math.round(full * Math.min(scale, 1)));
    }
}
