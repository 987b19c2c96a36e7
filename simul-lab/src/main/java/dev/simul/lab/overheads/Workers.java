package dev.simul.lab.overheads;

import dev.simul.lab.overheads.Threads.Held;
import dev.simul.process.ProcessPool;
import dev.simul.task.Task;
import java.util.OptionalLong;

/** Worker processes of simul's {@link ProcessPool}: a pool of one started and closed, round trips, a worker's RSS. */
final class Workers {

    /** The trivial task: what crosses is the round trip itself. */
    private static final Task<Integer> ONE = () -> 1;

    private Workers() {
    }

    /** One worker, its output dropped: a worker that fails still fails its task, with its last lines. */
    static ProcessPool.Options options() {
        return ProcessPool.Options.defaults().withWorkers(1).withLog(line -> { });
    }

    /** {@code ops} round trips of the trivial task, each awaited before the next; returns the sum of results. */
    static long roundTrips(ProcessPool pool, long ops) throws Exception {
        long sum = 0;
        for (long i = 0; i < ops; i++) {
            sum += pool.submit(ONE).get();
        }
        return sum;
    }

    /**
     * Nanoseconds for each of {@code pools} pools of one worker, one after the other: from {@code new ProcessPool}
     * through the trivial task's result to the end of {@code close()}, which returns once the worker has exited.
     */
    static double[] createJoin(int pools) throws Exception {
        double[] nanos = new double[pools];
        for (int i = 0; i < pools; i++) {
            long t0 = System.nanoTime();
            try (ProcessPool pool = new ProcessPool(options())) {
                Sampler.sink += pool.submit(ONE).get();
            }
            nanos[i] = System.nanoTime() - t0;
        }
        return nanos;
    }

    /** The resident set of the pool's (one) worker, idle after its tasks; its private part said in words. */
    static Held resident(ProcessPool pool) {
        long pid = pool.workerInfo().getFirst().pid();
        OptionalLong rss = Memory.residentBytes(pid);
        if (rss.isEmpty()) {
            return new Held(null, "not measured: no /proc/%d/status on this system".formatted(pid));
        }
        OptionalLong anon = Memory.statusBytes(pid, "RssAnon");
        return new Held(rss.getAsLong(), ("VmRSS of an idle worker JVM (/proc/<pid>/status) after its warm-up"
                + " tasks%s; its pool's share of this JVM is not counted").formatted(anon.isEmpty() ? ""
                : ", %s of it private (RssAnon: heap, metaspace, code, stacks), the rest file pages such as the"
                .formatted(Claims.bytes(anon.getAsLong())) + " JDK's libraries, which JVMs share"));
    }
}
