package dev.simul.lab.capacity;

import dev.simul.lab.text.Figures;
import dev.simul.loop.Async;
import dev.simul.loop.Coroutine;
import dev.simul.loop.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Coroutines on one of simul's event loops, asyncio's model: each unit counts itself and calls
 * {@code Async.sleep} for an hour. A sleeping coroutine is its suspended frames (a stack chunk) and a timer, on the
 * heap, all on the loop's one thread. Every unit is cancelled, and awaited, before the loop closes.
 */
final class CoroutineModel implements Model {

    /** Units spawned between two looks at the memory budget (the time budget is looked at before every unit). */
    static final int CHECK_EVERY = 1_000;

    @Override
    public String name() {
        return "coroutines";
    }

    @Override
    public String memory() {
        return "heap";
    }

    @Override
    public List<Integer> steps(double factor, int processors) {
        return Capacity.decades(factor);
    }

    @Override
    public String capReason(int last, Held held) {
        return null;
    }

    @Override
    public Held hold(int n, Meter meter) throws Exception {
        try (EventLoop loop = new EventLoop()) {
            return loop.run(() -> {
                int[] asleep = {0}; // only the loop's thread touches it
                List<Coroutine<Object>> units = new ArrayList<>(n);
                Stop stop = null;
                long t0 = System.nanoTime();
                try {
                    while (units.size() < n) {
                        stop = units.size() % CHECK_EVERY == 0 && !units.isEmpty() ? meter.over(0) : meter.late();
                        if (stop != null) {
                            break;
                        }
                        units.add(Async.spawn(() -> {
                            asleep[0]++;
                            Async.sleep(ThreadModel.SLEEP);
                            return null;
                        }));
                    }
                } catch (OutOfMemoryError | RuntimeException e) {
                    stop = new Stop(Stop.ERROR, "spawning coroutine %s failed: %s".formatted(
                            Figures.count(units.size() + 1L), e));
                }
                // Queued behind the first step of every unit: when it resumes, they all sleep.
                Async.sleep(Duration.ZERO);
                double startS = (System.nanoTime() - t0) / 1e9;
                if (asleep[0] != units.size()) {
                    throw new IllegalStateException("capacity: %d of %d coroutines asleep".formatted(asleep[0],
                            units.size()));
                }
                Meter.Sample memory = units.isEmpty() ? null : meter.sample(0);
                long r0 = System.nanoTime();
                units.forEach(c -> c.cancel(false));
                Async.gatherSettled(units);
                return new Held(n, units.size(), startS, (System.nanoTime() - r0) / 1e9, memory, stop);
            });
        }
    }
}
