package dev.simul.loop;

import java.util.List;

/**
 * Every failure of a {@link TaskGroup}, reported together (Python's ExceptionGroup). The first failure is the
 * cause; all of them are in {@link #failures()} and, for stack traces, in {@link #getSuppressed()}.
 */
public final class TaskGroupException extends RuntimeException {

    private final transient List<Throwable> failures;

    TaskGroupException(List<Throwable> failures) {
        super(failures.size() + " failure" + (failures.size() == 1 ? "" : "s") + " in a task group: "
                + failures.getFirst(), failures.getFirst());
        this.failures = List.copyOf(failures);
        for (Throwable t : failures.subList(1, failures.size())) {
            addSuppressed(t);
        }
    }

    /** Every failure, in the order they happened. */
    public List<Throwable> failures() {
        return failures;
    }
}
