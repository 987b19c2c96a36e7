package dev.simul.lab.workload;

import dev.simul.runner.Runner;
import dev.simul.task.Wait;
import java.time.Duration;
import java.util.List;

/**
 * Seed 004's two API calls that take 4 s and 3 s: pure waiting, no CPU. Sequentially they take 7 s; any mode that
 * overlaps the waits takes as long as the longest call.
 */
public final class ApiCalls implements Workload {

    /** The seed's call durations, in milliseconds at scale 1. */
    static final List<Long> CALL_MILLIS = List.of(4000L, 3000L);

    @Override
    public String name() {
        return "api";
    }

    @Override
    public String description() {
        return "seed 004 sync_api1/sync_api2: two API calls of 4 s and 3 s (scaled), all waiting";
    }

    @Override
    public String expectedNature() {
        return "I/O-bound";
    }

    @Override
    public int tasks() {
        return CALL_MILLIS.size();
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
