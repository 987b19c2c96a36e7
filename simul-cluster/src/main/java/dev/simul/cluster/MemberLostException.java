package dev.simul.cluster;

import java.io.Serial;

/**
 * The member running a task left the cluster (its JVM died, its machine or network went away, it was shut down)
 * before the task's answer came back, on every attempt the task was allowed. Only that task fails this way: the
 * others go on on the members that remain.
 *
 * <p>A task whose member left may have run there, in part or to its end: a task retried after this
 * ({@link ClusterRunner.Options#withRetries}) runs at least once, maybe more. Retry only idempotent tasks.
 */
public final class MemberLostException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String member;

    MemberLostException(String member, String message) {
        super(message);
        this.member = member;
    }

    /** The address of the member that left ({@code 127.0.0.1:5702}), or an empty string if there was none. */
    public String member() {
        return member;
    }
}
