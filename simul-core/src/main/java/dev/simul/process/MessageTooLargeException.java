package dev.simul.process;

import java.io.IOException;
import java.util.Locale;

/**
 * A value too large to cross between a {@link ProcessPool} and its workers: its frame would pass the pool's
 * maximum message size ({@link ProcessPool.Options#withMaxMessageSize}). The task it belongs to fails with this;
 * the worker carries on.
 */
public final class MessageTooLargeException extends IOException {

    private static final long serialVersionUID = 1L;

    private final long size;
    private final long limit;

    /**
     * @param what  what did not fit ("the task's result")
     * @param size  its encoded size in bytes, or -1 if not known
     * @param limit the maximum message size
     */
    public MessageTooLargeException(String what, long size, long limit) {
        super(what + (size >= 0 ? " is " + bytes(size) : " is too large") + ", over the pool's maximum message size of "
                + bytes(limit) + " (Options.withMaxMessageSize)");
        this.size = size;
        this.limit = limit;
    }

    /** The same, when encoding it ran out of memory ({@code cause}) before its size was known. */
    MessageTooLargeException(String what, long size, long limit, OutOfMemoryError cause) {
        super(what + " could not be encoded: the worker ran out of memory (" + cause.getMessage()
                + "); the pool's maximum message size is " + bytes(limit) + " (Options.withMaxMessageSize)");
        this.size = size;
        this.limit = limit;
    }

    /** The encoded size in bytes of what did not fit, or -1 if it is not known. */
    public long size() {
        return size;
    }

    /** The pool's maximum message size in bytes. */
    public long limit() {
        return limit;
    }

    /** "600 MiB" above a mebibyte, else bytes; the exact count too, so that nobody has to guess a rounding. */
    static String bytes(long n) {
        if (n < 1024 * 1024) {
            return n + " bytes";
        }
        return String.format(Locale.ROOT, "%d MiB (%,d bytes)", n / (1024 * 1024), n);
    }
}
