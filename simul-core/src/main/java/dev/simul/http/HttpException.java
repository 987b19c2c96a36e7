package dev.simul.http;

/** A request the server refuses with {@link #status()}: malformed (400), too large (413, 414, 431), too slow (408). */
public final class HttpException extends Exception {

    private final int status;

    /** Refuses with {@code status} and a reason for the log. */
    public HttpException(int status, String reason) {
        super(reason);
        this.status = status;
    }

    /** The status code to answer with. */
    public int status() {
        return status;
    }
}
