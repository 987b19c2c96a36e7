package dev.simul.process;

import java.io.Serial;

/**
 * A task failed in another JVM (a worker process, a cluster member) with an exception that could not come back as
 * itself (not serializable, or its class is not allow-listed): this one carries its class name, message and the
 * remote stack trace as text.
 */
public final class RemoteTaskException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String remoteClass;
    private final String remoteMessage;
    private final String remoteStackTrace;

    RemoteTaskException(String remoteClass, String remoteMessage, String remoteStackTrace, String why) {
        this(remoteClass, remoteMessage, remoteStackTrace, "in a worker", why);
    }

    /**
     * @param where where the task ran ({@code "on member 127.0.0.1:5701"})
     * @param why   why the exception itself did not come back
     */
    public RemoteTaskException(String remoteClass, String remoteMessage, String remoteStackTrace, String where,
                               String why) {
        super(remoteClass + (remoteMessage.isEmpty() ? "" : ": " + remoteMessage) + " (" + where + "; " + why + ")");
        this.remoteClass = remoteClass;
        this.remoteMessage = remoteMessage;
        this.remoteStackTrace = remoteStackTrace;
    }

    /** The class name of the exception the task threw. */
    public String remoteClass() {
        return remoteClass;
    }

    /** Its message, or an empty string. */
    public String remoteMessage() {
        return remoteMessage;
    }

    /** Its stack trace where it ran, as {@link Throwable#printStackTrace()} wrote it. */
    public String remoteStackTrace() {
        return remoteStackTrace;
    }
}
