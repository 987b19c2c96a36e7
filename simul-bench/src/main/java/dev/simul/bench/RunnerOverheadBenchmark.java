package dev.simul.bench;

import dev.simul.runner.Runner;
import dev.simul.runner.Runners;
import dev.simul.task.Task;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Submit-to-result overhead of a trivial task (it returns a constant) in each simul mode, next to the raw JDK peer
 * the mode is built on. One operation is {@code submit(task).get()} from a single caller thread, so the score is the
 * round trip of one task: for the pool and virtual modes it includes the hand-off to another thread and the wake-up
 * of the caller.
 *
 * <p>For each {@code mode}, {@link #simul} uses the simul runner and {@link #jdk} its peer:
 * <table>
 *   <caption>Modes and peers</caption>
 *   <tr><th>mode</th><th>simul</th><th>jdk</th></tr>
 *   <tr><td>{@code sequential}</td><td>{@code Runners.sequential()}</td><td>calling the task directly</td></tr>
 *   <tr><td>{@code threads-1}, {@code threads-2}</td><td>{@code Runners.threads(n)}</td>
 *       <td>{@code Executors.newFixedThreadPool(n)}</td></tr>
 *   <tr><td>{@code virtual}</td><td>{@code Runners.virtual()}</td>
 *       <td>{@code Executors.newVirtualThreadPerTaskExecutor()}</td></tr>
 * </table>
 *
 * <p>Run (from the repository root):
 * <pre>{@code
 * ./build -q -pl simul-bench -am package -DskipTests
 * java -jar simul-bench/target/benchmarks.jar RunnerOverheadBenchmark -f 2 -wi 3 -w 2s -i 5 -r 2s
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RunnerOverheadBenchmark {

    @Param({"sequential", "threads-1", "threads-2", "virtual"})
    public String mode;

    private final Task<Integer> task = () -> 42;
    private Runner runner;
    private ExecutorService peer; // null for sequential: the peer is a direct call

    @Setup(Level.Trial)
    public void setUp() {
        switch (mode) {
            case "sequential" -> runner = Runners.sequential();
            case "threads-1" -> { runner = Runners.threads(1); peer = Executors.newFixedThreadPool(1); }
            case "threads-2" -> { runner = Runners.threads(2); peer = Executors.newFixedThreadPool(2); }
            case "virtual" -> { runner = Runners.virtual(); peer = Executors.newVirtualThreadPerTaskExecutor(); }
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        runner.close();
        if (peer != null) {
            peer.close();
        }
    }

    @Benchmark
    public void simul(Blackhole bh) throws Exception {
        bh.consume(runner.submit(task).get());
    }

    @Benchmark
    public void jdk(Blackhole bh) throws Exception {
        bh.consume(peer == null ? task.call() : peer.submit(task).get());
    }
}
