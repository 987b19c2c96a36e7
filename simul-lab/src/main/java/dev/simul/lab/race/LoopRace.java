package dev.simul.lab.race;

import dev.simul.loop.Async;
import dev.simul.loop.Coroutine;
import dev.simul.loop.EventLoop;
import dev.simul.loop.sync.AsyncLock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Coroutines on one event loop adding to one counter. The loop runs one coroutine at a time and switches only at an
 * await, so the outcome is the same on every run: a read-modify-write with no await inside cannot be interrupted;
 * one that spans an await can, and loses updates; an {@link AsyncLock} held across the await makes it safe again.
 */
enum LoopRace {

    NO_AWAIT("no await inside") {
        @Override
        void increment(Box box, AsyncLock lock) {
            box.value = box.value + 1;
            Async.sleep(Duration.ZERO); // between updates, so that the coroutines do take turns
        }
    },
    AWAIT_INSIDE("await inside") {
        @Override
        void increment(Box box, AsyncLock lock) {
            long read = box.value;
            Async.sleep(Duration.ZERO); // every other coroutine runs here, and may write
            box.value = read + 1;
        }
    },
    LOCKED("AsyncLock across await") {
        @Override
        void increment(Box box, AsyncLock lock) {
            lock.acquire();
            try {
                AWAIT_INSIDE.increment(box, lock);
            } finally {
                lock.release();
            }
        }
    };

    /** The variant's name in the table and the JSON. */
    final String label;

    LoopRace(String label) {
        this.label = label;
    }

    /** One increment of {@code box}, by a coroutine; {@code lock} is shared by all of them. */
    abstract void increment(Box box, AsyncLock lock);

    /** Runs {@code coroutines} coroutines on a fresh loop, each incrementing one counter {@code each} times. */
    RaceFinding.Case run(int coroutines, long each) throws Exception {
        Box box = new Box();
        AsyncLock lock = new AsyncLock();
        long nanos;
        try (EventLoop loop = new EventLoop()) {
            nanos = loop.run(() -> {
                long start = System.nanoTime();
                List<Coroutine<Void>> all = new ArrayList<>(coroutines);
                for (int i = 0; i < coroutines; i++) {
                    all.add(Async.spawn(() -> {
                        for (long n = 0; n < each; n++) {
                            increment(box, lock);
                        }
                        return null;
                    }));
                }
                Async.gather(all);
                return System.nanoTime() - start;
            });
        }
        return RaceFinding.Case.of("loop", label, coroutines * each, box.value, nanos);
    }

    /** The shared counter: a plain field, touched only by the loop's thread. */
    static final class Box {
        long value;
    }
}
