package dev.simul.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class VirtualThreadRunnerTest extends ConcurrentRunnerContract {

    @Override
    protected Runner newRunner(int workers) {
        return Runners.virtual(workers);
    }

    @Test
    void tasksRunOnVirtualThreads() throws Exception {
        try (Runner runner = Runners.virtual()) {
            assertThat(runner.submit(() -> Thread.currentThread().isVirtual()).get()).isTrue();
            assertThat(runner.workers()).isEqualTo(Runner.UNBOUNDED);
        }
    }

    @Test
    void anUnboundedRunnerRunsAThousandBlockedTasksAtOnce() throws Exception {
        int tasks = 1000;
        CyclicBarrier everyone = new CyclicBarrier(tasks);
        try (Runner runner = Runners.virtual()) {
            List<Integer> arrivals = runner.map(i -> everyone.await(20, TimeUnit.SECONDS),
                    IntStream.range(0, tasks).boxed().toList());
            assertThat(arrivals).hasSize(tasks).doesNotHaveDuplicates();
        }
    }

    @Test
    void theLimitBoundsHowManyTasksRunAtOnce() throws Exception {
        int limit = 3;
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CyclicBarrier fullHouse = new CyclicBarrier(limit);
        try (Runner runner = Runners.virtual(limit)) {
            runner.map(i -> {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                fullHouse.await(20, TimeUnit.SECONDS); // groups of exactly `limit` meet here
                running.decrementAndGet();
                return i;
            }, IntStream.range(0, 4 * limit).boxed().toList());
        }
        assertThat(most).hasValue(limit);
    }
}
