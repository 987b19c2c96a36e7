package dev.simul.lab.capacity;

import dev.simul.lab.text.Figures;
import dev.simul.process.ProcessPool;
import dev.simul.runner.Handle;
import dev.simul.runner.Mode;
import dev.simul.task.Wait;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Worker processes: a {@link ProcessPool} of N worker JVMs, each running one task that sleeps ({@code Wait.sleep})
 * for an hour. A unit counts as started and sleeping once its worker is ready and its task was sent to it: the pool
 * gives idle workers a task each before any gets two, and a ready worker begins at once. Its cost is the worker's
 * whole resident set (VmRSS of {@code /proc/<pid>/status}). {@code shutdownNow} interrupts the sleeps, and
 * {@code close} waits until every worker is gone.
 */
final class ProcessModel implements Model {

    /** Worker processes per processor at most: the limit {@code simul lab --workers} sets for them too. */
    static final int PER_PROCESSOR = Mode.MAX_PROCESSES_PER_PROCESSOR;
    /** Between every worker ready and the memory sample: the tasks sent to them reach their sleep. */
    static final Duration SETTLE = Duration.ofMillis(50);
    /** How often the step looks at the workers while they start. */
    static final Duration POLL = Duration.ofMillis(5);

    @Override
    public String name() {
        return "worker processes";
    }

    @Override
    public String memory() {
        return "resident";
    }

    /** 1, 2, 4, ... up to {@value #PER_PROCESSOR} per processor x {@code factor}, at least 1. */
    @Override
    public List<Integer> steps(double factor, int processors) {
        int cap = cap(factor, processors);
        List<Integer> steps = new ArrayList<>();
        for (int n = 1; n < cap; n *= 2) {
            steps.add(n);
        }
        steps.add(cap);
        return steps;
    }

    static int cap(double factor, int processors) {
        return (int) Math.max(1, Math.round(PER_PROCESSOR * processors * factor));
    }

    @Override
    public String capReason(int last, Held held) {
        Long resident = held.memory() != null ? held.memory().residentDelta() : null;
        String each = resident != null && resident > 0
                ? ", here " + Figures.bytes((double) resident / last) + " resident each" : "";
        return ("the experiment's cap of %d per processor (as for --workers): each is a whole JVM%s, and %d of them"
                + " took %s to start").formatted(PER_PROCESSOR, each, last, Figures.seconds(held.startS()));
    }

    @Override
    public Held hold(int n, Meter meter) throws Exception {
        long t0 = System.nanoTime();
        ProcessPool pool = new ProcessPool(ProcessPool.Options.defaults().withWorkers(n).withLog(line -> { }));
        Stop stop = null;
        double startS = 0;
        Meter.Sample memory = null;
        int started = 0;
        double releaseS;
        try {
            List<Handle<Duration>> tasks = pool.submitAll(ProcessModel::sleep,
                    Collections.nCopies(n, ThreadModel.SLEEP));
            while (true) {
                List<ProcessPool.WorkerInfo> workers = pool.workerInfo();
                started = (int) workers.stream().filter(w -> w.startMillis() >= 0).count();
                if (started >= n) {
                    break;
                }
                Handle<Duration> failed = tasks.stream().filter(Handle::isDone).findFirst().orElse(null);
                if (failed != null) {
                    stop = new Stop(Stop.ERROR, "a worker could not start: " + failure(failed));
                    break;
                }
                if ((stop = meter.over(rss(workers))) != null) {
                    break;
                }
                Thread.sleep(POLL);
            }
            if (stop == null) {
                startS = (System.nanoTime() - t0) / 1e9;
                Thread.sleep(SETTLE);
                // The workers' own resident sets: this JVM's share (the pool's thread, its buffers) is a few KiB,
                // far below what a collection here moves its resident set by.
                long workers = rss(pool.workerInfo());
                memory = new Meter.Sample(workers, meter.sample(0).heapDelta());
            }
        } finally {
            long r0 = System.nanoTime();
            pool.shutdownNow();
            pool.close();
            releaseS = (System.nanoTime() - r0) / 1e9;
        }
        return new Held(n, started, startS, releaseS, memory, stop);
    }

    /** A unit: sleeps until interrupted. */
    static Duration sleep(Duration d) throws InterruptedException {
        Wait.sleep(d);
        return d;
    }

    private static long rss(List<ProcessPool.WorkerInfo> workers) {
        long sum = 0;
        for (ProcessPool.WorkerInfo w : workers) {
            if (w.pid() > 0) {
                sum += Math.max(0, Meter.rss(w.pid()));
            }
        }
        return sum;
    }

    private static String failure(Handle<?> h) {
        try {
            h.get(0, TimeUnit.SECONDS);
            return "its task ended early";
        } catch (ExecutionException e) {
            return String.valueOf(e.getCause());
        } catch (Exception e) {
            return e.toString();
        }
    }
}
