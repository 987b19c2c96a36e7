package dev.simul.loop;

import java.util.ArrayDeque;

/**
 * Callbacks ready to run, one FIFO per {@link Priority}. Loop thread only.
 *
 * <p>{@link #runPass} runs exactly the callbacks that were queued when it began, highest priority first; what they
 * schedule waits for the next pass (the rule against starvation documented in {@link Priority}).
 */
final class ReadyQueue {

    private static final Priority[] LEVELS = Priority.values();

    @SuppressWarnings("unchecked")
    private final ArrayDeque<Scheduled>[] queues = new ArrayDeque[LEVELS.length];
    private final int[] snapshot = new int[LEVELS.length];
    private int size;

    ReadyQueue() {
        for (int i = 0; i < queues.length; i++) {
            queues[i] = new ArrayDeque<>();
        }
    }

    void add(Scheduled callback) {
        queues[callback.priority.ordinal()].addLast(callback);
        size++;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    /** What runs each callback that was ready at the start of a pass. */
    interface Runner {
        void run(Scheduled callback);
    }

    /** Runs the callbacks ready now, highest priority first; cancelled ones are dropped unrun. */
    void runPass(Runner runner) {
        for (int i = 0; i < queues.length; i++) {
            snapshot[i] = queues[i].size();
        }
        for (int i = 0; i < queues.length; i++) {
            ArrayDeque<Scheduled> queue = queues[i];
            for (int n = snapshot[i]; n > 0; n--) {
                Scheduled callback = queue.pollFirst();
                size--;
                if (!callback.isCancelled()) {
                    runner.run(callback);
                }
            }
        }
    }
}
