package dev.simul.lab.workload;

import dev.simul.runner.Runner;
import dev.simul.task.Wait;
import java.time.Duration;
import java.util.List;

/**
 * Seed 004's two API calls that take 4 s and 3 s: pure waiting, no CPU. Sequentially they take 7 s; any mode that
 * overlaps the waits takes as long as the longest call.
 */
public final class ApiCalls extends Workload {

    /** The seed's call durations, in milliseconds at scale 1. */
    static final List<Long> CALL_MILLIS = List.of(4000L, 3000L);

    public ApiCalls() {
        super("api", CALL_MILLIS.size(), IO_BOUND,
                "seed 004 sync_api1/sync_api2: two API calls of 4 s and 3 s (scaled), all waiting");
    }

    @Override
    public void run(Runner runner, double scale) throws Exception {
        List<Duration> calls = CALL_MILLIS.stream().map(ms -> Duration.ofNanos(Math.round(ms * 1e6 * scale))).toList();
        List<Duration> answered = runner.map(ApiCalls::call, calls);
        if (!answered.equals(calls)) {
            throw new IllegalStateException("api: answers " + answered + " do not match calls " + calls);
        }
    }

    /** Stands for a remote call that answers after {@code latency}. */
    static Duration call(Duration latency) throws InterruptedException {
        Wait.sleep(latency);
        return latency;
    }
}
