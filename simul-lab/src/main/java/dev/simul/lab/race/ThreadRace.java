package dev.simul.lab.race;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Platform threads adding to one shared counter, unguarded and three guarded ways: seed 002's "you have to guard
 * portions of your code that access a shared resource", measured.
 *
 * <p>Each increment does the same bit of {@linkplain #work() work} in every variant: between the read and the write
 * where the update has two steps (unguarded, or under the lock), before it where it is one atomic step. Without it,
 * a compiled {@code value = value + 1} leaves a window of a nanosecond or so between read and write: on a busy
 * machine, where the threads often run one after the other on one core, a preemption seldom lands in it, and whole
 * runs lost nothing. With it, a run loses updates whether the threads overlap on two cores or take turns on one.
 */
enum ThreadRace {

    UNSYNCHRONIZED("no synchronization", Unsynchronized::new),
    ATOMIC("AtomicLong", Atomic::new),
    LOCK("ReentrantLock", Locked::new),
    ADDER("LongAdder", Adder::new);

    /** The variant's name in the table and the JSON. */
    final String label;
    private final Supplier<Counter> counters;

    ThreadRace(String label, Supplier<Counter> counters) {
        this.label = label;
        this.counters = counters;
    }

    /**
     * Starts {@code threads} threads, lets them go at once, and has each add {@code perThread} to a fresh counter;
     * the time runs from the start signal to the last thread's end.
     */
    RaceFinding.Case run(int threads, long perThread) throws InterruptedException {
        Counter counter = counters.get();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            started.add(Thread.ofPlatform().name("race-" + label + "-" + i).start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                counter.add(perThread);
            }));
        }
        long start = System.nanoTime();
        go.countDown();
        try {
            for (Thread t : started) {
                t.join();
            }
        } finally {
            started.forEach(Thread::interrupt); // only those still waiting for the start, if this one was interrupted
        }
        long nanos = System.nanoTime() - start;
        return RaceFinding.Case.of("threads", label, threads * perThread, counter.value(), nanos);
    }

    /**
     * What a real update computes between reading and writing (a new balance, say): a spin-wait hint, some tens of
     * nanoseconds that the JIT cannot remove, and the same in every variant so that their rates compare.
     */
    private static void work() {
        Thread.onSpinWait();
    }

    /**
     * A counter that adds in a loop of its own, so that each variant's loop is compiled for its one counter class
     * (a shared loop calling through the interface would see all four and stop inlining).
     */
    private interface Counter {
        void add(long times);

        long value();
    }

    private static final class Unsynchronized implements Counter {
        // Volatile so that the JIT keeps one read and one write per increment: a plain field's loop may become a
        // single "value += times". Another thread's write between the read and the write is lost.
        private volatile long value;

        @Override
        @SuppressWarnings("NonAtomicOperationOnVolatileField") // the race is the point
        public void add(long times) {
            for (long i = 0; i < times; i++) {
                long read = value;
                work();
                value = read + 1;
            }
        }

        @Override
        public long value() {
            return value;
        }
    }

    private static final class Atomic implements Counter {
        private final AtomicLong value = new AtomicLong();

        @Override
        public void add(long times) {
            for (long i = 0; i < times; i++) {
                work();
                value.incrementAndGet();
            }
        }

        @Override
        public long value() {
            return value.get();
        }
    }

    private static final class Locked implements Counter {
        private final ReentrantLock lock = new ReentrantLock();
        private long value; // guarded by lock

        @Override
        public void add(long times) {
            for (long i = 0; i < times; i++) {
                lock.lock();
                try {
                    long read = value;
                    work();
                    value = read + 1;
                } finally {
                    lock.unlock();
                }
            }
        }

        @Override
        public long value() {
            lock.lock();
            try {
                return value;
            } finally {
                lock.unlock();
            }
        }
    }

    private static final class Adder implements Counter {
        private final LongAdder value = new LongAdder();

        @Override
        public void add(long times) {
            for (long i = 0; i < times; i++) {
                work();
                value.increment();
            }
        }

        @Override
        public long value() {
            return value.sum();
        }
    }
}
