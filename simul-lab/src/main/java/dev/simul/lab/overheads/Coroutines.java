package dev.simul.lab.overheads;

import dev.simul.lab.overheads.Threads.Held;
import dev.simul.loop.Async;
import dev.simul.loop.Coroutine;
import dev.simul.loop.EventLoop;
import dev.simul.loop.LoopFuture;
import java.time.Duration;

/** Coroutines on one of simul's event loops, run on the calling thread: spawned and awaited, handing over, idle. */
final class Coroutines implements AutoCloseable {

    private final EventLoop loop = new EventLoop();

    Coroutines() {
        loop.setSlowCallbackThreshold(null); // the main coroutine blocks on purpose, for the collections it measures by
    }

    /** Spawns {@code ops} coroutines one after the other from a main one, each awaited before the next. */
    long createJoin(long ops) throws Exception {
        return loop.run(() -> {
            long sum = 0;
            for (long i = 0; i < ops; i++) {
                long value = i;
                sum += Async.await(Async.spawn(() -> value));
            }
            return sum;
        });
    }

    /** The two coroutines' mailboxes: the future each one awaits next. Touched only on the loop's thread. */
    private static final class Box {
        LoopFuture<Long> toPing;
        LoopFuture<Long> toPong;
    }

    /**
     * About {@code handoffs} hand-overs between two coroutines on the loop: each completes the future the other
     * awaits and awaits its own, so every hand-over is one coroutine suspending and the other resuming through the
     * loop. Returns the sum of the turns' numbers.
     */
    long pingPong(long handoffs) throws Exception {
        long rounds = Math.max(1, handoffs / 2);
        return loop.run(() -> {
            Box box = new Box();
            box.toPong = loop.newFuture();
            Coroutine<Long> pong = Async.spawn(() -> {
                long sum = 0;
                while (true) {
                    long turn = Async.await(box.toPong);
                    sum += turn;
                    box.toPong = loop.newFuture();
                    box.toPing.complete(turn);
                    if (turn == rounds) {
                        return sum;
                    }
                }
            });
            for (long r = 1; r <= rounds; r++) {
                LoopFuture<Long> reply = loop.newFuture();
                box.toPing = reply;
                box.toPong.complete(r);
                Async.await(reply);
            }
            return Async.await(pong);
        });
    }

    /**
     * Spawns {@code count} coroutines that suspend awaiting one future, and measures the growth of the heap in use
     * after a full collection while they are suspended (the loop's thread waits meanwhile: nothing else runs).
     */
    Held hold(int count) throws Exception {
        return loop.run(() -> {
            String strands = Thread.currentThread().isVirtual() ? "virtual-thread strands" : "continuations";
            LoopFuture<Void> gate = loop.newFuture();
            long before = Memory.heapUsedAfterGc();
            for (int i = 0; i < count; i++) {
                Async.spawn(() -> Async.await(gate));
            }
            Async.sleep(Duration.ZERO); // queued behind the first steps: every one is suspended when it returns
            if (loop.pendingCoroutines() != count + 1) {
                throw new IllegalStateException("%d coroutines pending, expected %d".formatted(
                        loop.pendingCoroutines(), count + 1));
            }
            long grown = Memory.heapUsedAfterGc() - before;
            gate.complete(null);
            Async.sleep(Duration.ZERO); // queued behind their resumptions: every one has ended when it returns
            return new Held(Math.max(0, grown) / count, ("heap growth after a full GC with %,d coroutines"
                    + " suspended in Async.await (%s): each one's coroutine, strand and stack chunk, and its entry in"
                    + " the future's waiters").formatted(count, strands));
        });
    }

    /** Whether the loop's coroutines run on continuations or on the virtual-thread fallback. */
    String strands() throws Exception {
        return loop.run(() -> Thread.currentThread().isVirtual() ? "virtual-thread strands" : "continuations");
    }

    @Override
    public void close() {
        loop.close();
    }
}
