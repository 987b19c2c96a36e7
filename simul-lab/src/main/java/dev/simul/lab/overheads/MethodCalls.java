package dev.simul.lab.overheads;

/**
 * The baseline: a call of a method the JIT cannot inline, and the stack that one nested call holds.
 *
 * <p>The call goes through an abstract method with four implementations taken in turn, so its call site is
 * megamorphic: HotSpot inlines at most two receiver classes by profile (and a third only when one class makes
 * 90% of the calls), so each call is a real virtual call, as a Python function call is a real call.
 */
final class MethodCalls {

    /** The thread stack that the frame measurement fills: large, so that the guard pages' share is small. */
    static final long STACK_BYTES = 4L << 20;

    private MethodCalls() {
    }

    /** A step of the computation; four classes of it make the call site megamorphic. */
    abstract static class Step {
        abstract long apply(long x);
    }

    static final class Add extends Step {
        @Override
        long apply(long x) {
            return x + 0x9E37;
        }
    }

    static final class Xor extends Step {
        @Override
        long apply(long x) {
            return x ^ (x >>> 7);
        }
    }

    static final class Mul extends Step {
        @Override
        long apply(long x) {
            return x * 31;
        }
    }

    static final class Rotate extends Step {
        @Override
        long apply(long x) {
            return Long.rotateLeft(x, 5);
        }
    }

    private static final Step[] STEPS = {new Add(), new Xor(), new Mul(), new Rotate()};

    /** {@code ops} calls, each feeding the next, so that none can be skipped; returns the last result. */
    static long calls(long ops) {
        Step[] steps = STEPS;
        long acc = ops;
        for (long i = 0; i < ops; i++) {
            acc = steps[(int) i & 3].apply(acc);
        }
        return acc;
    }

    private static int deepest;

    private static void dive(int depth) {
        deepest = depth;
        dive(depth + 1);
    }

    /** What {@link #frames()} measured: the deepest recursion, and the stack per nested call. */
    record Frames(int depth, long bytesPerCall) {
    }

    /**
     * Bytes of stack per nested call of a small method: {@link #STACK_BYTES} over the depth a recursion reaches
     * before its {@link StackOverflowError}, the best of three threads (the later ones run compiled code, whose
     * frames are smaller than the interpreter's).
     */
    static Frames frames() throws InterruptedException {
        int best = 0;
        for (int i = 0; i < 3; i++) {
            int[] reached = new int[1];
            Thread t = Thread.ofPlatform().name("simul-overheads-dive").stackSize(STACK_BYTES).start(() -> {
                try {
                    dive(1);
                } catch (StackOverflowError expected) {
                    reached[0] = deepest;
                }
            });
            t.join();
            best = Math.max(best, reached[0]);
        }
        if (best == 0) {
            throw new IllegalStateException("the recursion never overflowed its stack");
        }
        return new Frames(best, Math.max(1, STACK_BYTES / best));
    }
}
