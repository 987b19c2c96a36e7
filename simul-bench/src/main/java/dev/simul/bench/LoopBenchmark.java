package dev.simul.bench;

import dev.simul.loop.Async;
import dev.simul.loop.Coroutine;
import dev.simul.loop.EventLoop;
import dev.simul.loop.LoopFuture;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Costs of the event loop's basic operations, per operation, measured from inside one coroutine so that the loop
 * never stops between operations: each invocation is one {@code loop.run(main)} whose main coroutine does the
 * operation {@link #N} times, and JMH divides by N ({@link OperationsPerInvocation}). The loop (and its selector)
 * is created once per trial; what an invocation adds besides the N operations is one main coroutine, under 0.1 ns
 * per operation.
 *
 * <ul>
 *   <li>{@link #awaitReady}: {@code Async.await} of a future that is already done. No suspension: the coroutine
 *       goes on at once, as {@code await} of a done future does in asyncio.</li>
 *   <li>{@link #sleepZero}: {@code Async.sleep(Duration.ZERO)}, asyncio's {@code sleep(0)}: the coroutine
 *       suspends, its wake-up goes to the ready queue, the loop makes one pass and resumes it.</li>
 *   <li>{@link #awaitPending}: {@code Async.await} of a pending future that a callback completes in the next
 *       pass: suspension, completion, the future's done callback, resumption (two passes).</li>
 *   <li>{@link #spawnAwait}: {@code Async.await(Async.spawn(() -> 1))}: create a coroutine with a trivial body,
 *       run it to completion and get its result in the coroutine that spawned it.</li>
 *   <li>{@link #cancelSleeping}: spawn a coroutine that sleeps an hour, let it start ({@code sleep(ZERO)}),
 *       cancel it and await its end (which throws {@link CancellationException}): the cost of cancelling a
 *       sleeping coroutine, on top of a spawn and two passes.</li>
 * </ul>
 *
 * <p>{@code strands}: {@code continuation} uses {@code jdk.internal.vm.Continuation} (the fork exports it);
 * {@code thread} forces the public-API fallback, a virtual thread per coroutine ({@code -Dsimul.strands=thread}
 * set before the loop is created). The set-up checks that the kind asked for is the kind the loop uses.
 *
 * <p>Run (from the repository root):
 * <pre>{@code
 * ./build -q -pl simul-bench -am package -DskipTests
 * java -jar simul-bench/target/benchmarks.jar LoopBenchmark -f 2 -wi 3 -w 1s -i 5 -r 1s
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LoopBenchmark {

    /** Operations per invocation. */
    public static final int N = 10_000;

    @Param({"continuation", "thread"})
    public String strands;

    private EventLoop loop;
    private LoopFuture<Integer> done;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        System.setProperty("simul.strands", strands); // read by each new EventLoop (Strand.Kind.available())
        loop = new EventLoop();
        boolean virtual = loop.run(() -> Thread.currentThread().isVirtual());
        boolean wantVirtual = strands.equals("thread");
        if (virtual != wantVirtual) {
            throw new IllegalStateException("asked for " + strands + " strands, but the coroutine ran on "
                    + (virtual ? "a virtual thread" : "the loop thread") + "; is jdk.internal.vm exported?");
        }
        done = loop.newFuture();
        done.complete(1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        loop.close();
        System.clearProperty("simul.strands");
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int awaitReady() throws Exception {
        LoopFuture<Integer> f = done;
        return loop.run(() -> {
            int sum = 0;
            for (int i = 0; i < N; i++) {
                sum += Async.await(f);
            }
            return sum;
        });
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int sleepZero() throws Exception {
        return loop.run(() -> {
            for (int i = 0; i < N; i++) {
                Async.sleep(Duration.ZERO);
            }
            return N;
        });
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int awaitPending() throws Exception {
        EventLoop l = loop;
        return loop.run(() -> {
            int sum = 0;
            for (int i = 0; i < N; i++) {
                LoopFuture<Integer> f = l.newFuture();
                int value = i;
                l.callSoon(() -> f.complete(value));
                sum += Async.await(f);
            }
            return sum;
        });
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int spawnAwait() throws Exception {
        return loop.run(() -> {
            int sum = 0;
            for (int i = 0; i < N; i++) {
                sum += Async.await(Async.spawn(() -> 1));
            }
            return sum;
        });
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int cancelSleeping() throws Exception {
        return loop.run(() -> {
            int cancelled = 0;
            for (int i = 0; i < N; i++) {
                Coroutine<Object> c = Async.spawn(LoopBenchmark::sleepAnHour);
                Async.sleep(Duration.ZERO); // c takes its first step and sleeps
                c.cancel(false);
                try {
                    Async.await(c);
                } catch (CancellationException e) {
                    cancelled++;
                }
            }
            if (cancelled != N) {
                throw new IllegalStateException("cancelled " + cancelled + " of " + N);
            }
            return cancelled;
        });
    }

    private static Object sleepAnHour() {
        Async.sleep(Duration.ofHours(1));
        return null;
    }
}
