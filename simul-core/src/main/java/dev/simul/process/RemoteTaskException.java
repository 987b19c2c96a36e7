package dev.simul.process;

import java.io.Serial;

/**
 * A task failed in a worker with an exception that could not come back as itself (not serializable, or its class
 * is not allow-listed): this one carries its class name, message and the worker's stack trace as text.
 */
public final class RemoteTaskException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String remoteClass;
    private final String remoteMessage;
    private final String remoteStackTrace;

    RemoteTaskException(String remoteClass, String remoteMessage, String remoteStackTrace, String why) {
        super(remoteClass + (remoteMessage.isEmpty() ? "" : ": " + remoteMessage) + " (in a worker; " + why + ")");
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

    /** Its stack trace in the worker, as {@link Throwable#printStackTrace()} wrote it. */
    public String remoteStackTrace() {
        return remoteStackTrace;
    }
}
