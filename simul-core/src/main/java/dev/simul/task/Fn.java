package dev.simul.task;

import java.io.Serializable;

/**
 * A function that {@link dev.simul.runner.Runner#map} applies to each input, one task per input.
 * The rules of {@link Task} apply: serializable, self-contained, waits through {@link Wait}, and its inputs and
 * results are serializable values.
 *
 * @param <I> the input type
 * @param <O> the result type
 */
@FunctionalInterface
public interface Fn<I, O> extends Serializable {

    /** Computes the result for one input. */
    O apply(I input) throws Exception;
}
