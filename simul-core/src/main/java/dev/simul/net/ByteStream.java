package dev.simul.net;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A connection's bytes as a coroutine sees them: plain TCP ({@link StreamProtocol}) or TLS over it
 * ({@link TlsStream}). Loop thread only.
 */
public interface ByteStream extends AutoCloseable {

    /**
     * Waits for bytes and returns up to {@code max} of them, in an array the caller now owns; an empty array at the
     * end of the stream.
     */
    byte[] read(int max) throws IOException;

    /** Queues all the remaining bytes of {@code data} for sending. */
    void write(ByteBuffer data) throws IOException;

    /** Waits while too many written bytes are queued. */
    void drain() throws IOException;

    /** Whether the stream is open with nothing unread: fit to carry a new exchange. Never waits. */
    boolean isIdle();

    /** Closes once the queued bytes are out. */
    @Override
    void close();
}
