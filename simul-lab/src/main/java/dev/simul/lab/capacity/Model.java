package dev.simul.lab.capacity;

import java.util.List;

/**
 * One way to hold many sleeping units at once: platform threads, virtual threads, coroutines on one event loop,
 * worker processes. A model starts N units that each go to sleep, measures them, and wakes and ends them all
 * before it returns, whatever happened: the next step, and the next model, start from a clean machine.
 */
interface Model {

    /** Its name in the report: "virtual threads". */
    String name();

    /** Which memory a unit of this model lives in, and so its cost per unit: {@code "resident"} (VmRSS, see {@link Meter}) or {@code "heap"}. */
    String memory();

    /**
     * The unit counts to try, fewest first.
     *
     * @param factor     the share of the full steps to run (1 at the lab's default scale and above)
     * @param processors the processors of the machine
     */
    List<Integer> steps(double factor, int processors);

    /**
     * Why the steps end where they do, when that is a cap of the experiment's rather than the end of its range
     * (null then): the sentence the report gives when every step held.
     *
     * @param last the last step, held
     * @param held what that step measured
     */
    String capReason(int last, Held held);

    /**
     * Starts {@code n} sleeping units, measures them with {@code meter}, then wakes and ends them. A unit the system
     * refuses, or a budget {@code meter} reports as spent, ends the step early: the result says why, and the units
     * started are ended all the same.
     */
    Held hold(int n, Meter meter) throws Exception;
}
