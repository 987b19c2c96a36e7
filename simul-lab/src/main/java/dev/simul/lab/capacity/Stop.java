package dev.simul.lab.capacity;

/**
 * Why a model went no further.
 *
 * @param kind one of {@link #STEPS}, {@link #CAP}, {@link #MEMORY}, {@link #TIME}, {@link #LIMIT}, {@link #ERROR}
 * @param why  a sentence, from the numbers
 */
record Stop(String kind, String why) {

    /** It held every step the experiment has. */
    static final String STEPS = "steps";
    /** It reached the experiment's own cap for it: its limits are far off, but near enough to harm the machine. */
    static final String CAP = "cap";
    /** The memory budget (or the heap) was reached, or the next step would pass it. */
    static final String MEMORY = "memory";
    /** The model's time budget was reached, or the next step would pass it. */
    static final String TIME = "time";
    /** The system refused another unit ("unable to create native thread"). */
    static final String LIMIT = "limit";
    /** A step failed otherwise. */
    static final String ERROR = "error";
}
