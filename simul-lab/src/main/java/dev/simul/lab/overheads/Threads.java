package dev.simul.lab.overheads;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/** Platform or virtual threads, as a {@link Thread.Builder} makes them: started and joined, handing over, parked. */
final class Threads {

    private final Thread.Builder builder;

    Threads(Thread.Builder builder) {
        this.builder = builder;
    }

    /** Starts {@code ops} threads one after the other, each joined before the next; returns how many ran. */
    long createJoin(long ops) throws InterruptedException {
        AtomicLong ran = new AtomicLong();
        Runnable body = ran::incrementAndGet;
        for (long i = 0; i < ops; i++) {
            builder.start(body).join();
        }
        return ran.get();
    }

    /**
     * About {@code handoffs} hand-overs between two threads that take turns: each sets the turn to the other,
     * unparks it and parks until its turn comes back (LockSupport, which SynchronousQueue uses underneath).
     * Returns how many turns the second thread took.
     */
    long pingPong(long handoffs) throws InterruptedException {
        PingPong game = new PingPong(Math.max(1, handoffs / 2));
        Thread pong = builder.unstarted(game::pong);
        Thread ping = builder.unstarted(game::ping);
        game.ping = ping;
        game.pong = pong;
        pong.start(); // first: an unpark before a thread starts is lost
        ping.start();
        ping.join();
        pong.join();
        return game.turns;
    }

    /** Two threads and whose turn it is; {@code turns} is read after both are joined. */
    private static final class PingPong {
        final long rounds;
        volatile Thread ping;
        volatile Thread pong;
        volatile int turn; // 0: ping's, 1: pong's
        long turns;

        PingPong(long rounds) {
            this.rounds = rounds;
        }

        void ping() {
            for (long r = 0; r < rounds; r++) {
                turn = 1;
                LockSupport.unpark(pong);
                while (turn != 0) {
                    LockSupport.park(this);
                }
            }
        }

        void pong() {
            for (long r = 0; r < rounds; r++) {
                while (turn != 1) {
                    LockSupport.park(this);
                }
                turns++;
                turn = 0;
                LockSupport.unpark(ping);
            }
        }
    }

    /** What a hold measured: bytes per idle unit (null if it could not be read), and how. */
    record Held(Long bytesPerUnit, String how) {
    }

    /**
     * Starts {@code count} threads that park (with LockSupport, as the ping-pong did: its warm-up compiled the
     * parking path, whose frames a parked virtual thread keeps), waits until every one is parked, and measures what
     * they hold: for platform threads, the growth of this JVM's resident set (VmRSS) with no collection in between,
     * since their stacks and the JVM's structures for them are outside the heap; for virtual threads, the growth of
     * the heap in use after a full collection, where their stacks live while they are parked.
     */
    Held hold(int count, boolean virtual) throws InterruptedException {
        Thread[] threads = new Thread[count]; // allocated before the baseline: not counted
        AtomicBoolean released = new AtomicBoolean();
        Runnable idle = () -> {
            while (!released.get()) {
                LockSupport.park(released);
            }
        };
        long self = ProcessHandle.current().pid();
        long heapBefore = Memory.heapUsedAfterGc();
        long rssBefore = Memory.residentBytes(self).orElse(-1);
        try {
            for (int i = 0; i < count; i++) {
                threads[i] = builder.start(idle);
            }
            awaitParked(threads);
            if (virtual) {
                long grown = Memory.heapUsedAfterGc() - heapBefore;
                return new Held(Math.max(0, grown) / count, ("heap growth after a full GC with %,d virtual"
                        + " threads parked: each one's Thread, continuation and stack chunk").formatted(count));
            }
            long rssAfter = Memory.residentBytes(self).orElse(-1);
            if (rssBefore < 0 || rssAfter < 0) {
                return new Held(null, "not measured: no /proc/self/status on this system");
            }
            return new Held(Math.max(0, rssAfter - rssBefore) / count, ("growth of this JVM's VmRSS"
                    + " (/proc/self/status) with %,d threads parked, no GC between: the touched pages of their"
                    + " stacks, the JVM's per-thread structures and their heap objects; the kernel's own per-thread"
                    + " memory is not in RSS").formatted(count));
        } finally {
            released.set(true);
            for (Thread t : threads) {
                if (t != null) {
                    LockSupport.unpark(t);
                    t.join();
                }
            }
        }
    }

    /** Returns once every thread is parked (WAITING); fails if one ended instead. */
    private static void awaitParked(Thread[] threads) throws InterruptedException {
        for (Thread t : threads) {
            while (t.getState() != Thread.State.WAITING) {
                if (t.getState() == Thread.State.TERMINATED) {
                    throw new IllegalStateException(t + " ended before it was measured");
                }
                Thread.sleep(1);
            }
        }
    }
}
