package dev.simul.lab.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simul.runner.Runner;
import dev.simul.runner.Runners;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CpuBoundTest {

    @Test
    void countsToN() {
        for (long n : new long[] {0, 1, 27, 1000, 387_420}) {
            assertThat(CpuBound.count(n)).isEqualTo(n);
        }
        assertThat(CpuBound.steps(1.0)).isEqualTo(387_420_489L);
        assertThat(CpuBound.steps(0.5)).isEqualTo(193_710_245L);
    }

    /**
     * If the JIT folded the loop, counting 16 times further would cost about the same. This compares CPU time
     * (not wall time, which other processes disturb) of the same thread, after both sizes were compiled, and asks
     * only for a quarter of the expected 16x growth.
     */
    @Test
    void theJitCannotFoldTheLoop() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long small = 1L << 22;
        long large = small * 16;
        for (int i = 0; i < 20; i++) {
            CpuBound.count(small); // warm up: let C2 compile count() before measuring
        }
        List<Long> smallTimes = new ArrayList<>();
        List<Long> largeTimes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long t0 = threads.getCurrentThreadCpuTime();
            CpuBound.count(small);
            long t1 = threads.getCurrentThreadCpuTime();
            CpuBound.count(large);
            long t2 = threads.getCurrentThreadCpuTime();
            smallTimes.add(t1 - t0);
            largeTimes.add(t2 - t1);
        }
        double ratio = (double) median(largeTimes) / Math.max(1, median(smallTimes));
        assertThat(ratio).as("CPU time of 16x the steps, relative").isGreaterThan(4);
    }

    private static long median(List<Long> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }

    @Test
    void runsOnEveryModeAndChecksItsCounts() throws Exception {
        for (String mode : Runners.modes()) {
            try (Runner runner = Runners.of(mode)) {
                new CpuBound().run(runner, 1e-4);
            }
        }
    }
}
