package dev.simul.process;

import java.io.Serial;
import java.time.Duration;

/** A task ran past the pool's task timeout: its worker was killed and replaced. */
public final class TaskTimeoutException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    TaskTimeoutException(int workerId, long pid, Duration timeout) {
        super("the task ran past its timeout of " + timeout.toMillis() + " ms; its worker " + workerId + " (pid "
                + pid + ") was killed and replaced");
    }
}
