package dev.simul.bench;

import java.util.concurrent.TimeUnit;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floor under the event loop's coroutine switches: the JDK's own {@code jdk.internal.vm.Continuation}, with no
 * loop around it. {@link #runYield} is one resume and one yield of a continuation that loops forever yielding, what
 * a coroutine pays at least for each suspension ({@code LoopBenchmark.sleepZero} does one per operation).
 * {@link #createRunToEnd} creates a continuation, runs it to a yield, resumes it to its end: at least what a
 * spawned coroutine that waits once pays for its strand.
 *
 * <pre>{@code
 * java -jar simul-bench/target/benchmarks.jar ContinuationBenchmark -f 2 -wi 3 -w 1s -i 5 -r 1s
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ContinuationBenchmark {

    private static final ContinuationScope SCOPE = new ContinuationScope("bench");

    private Continuation looping;

    @Setup
    public void setUp() {
        looping = new Continuation(SCOPE, () -> {
            while (true) {
                Continuation.yield(SCOPE);
            }
        });
    }

    @Benchmark
    public void runYield() {
        looping.run();
    }

    @Benchmark
    public boolean createRunToEnd() {
        Continuation c = new Continuation(SCOPE, () -> Continuation.yield(SCOPE));
        c.run();
        c.run();
        return c.isDone();
    }
}
