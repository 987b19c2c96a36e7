package dev.simul.net;

import java.nio.ByteBuffer;

/**
 * What a connection's owner is told by its {@link Transport}, on the loop thread (asyncio's Protocol): the
 * low-level, callback face of a TCP connection. {@link StreamProtocol} turns it into readers and writers that
 * coroutines can wait on.
 *
 * <p>Order: {@code connectionMade} first; then any number of {@code dataReceived}, at most one
 * {@code eofReceived}, and the write flow-control calls; {@code connectionLost} last, exactly once.
 */
public interface Protocol {

    /** The connection is up; {@code transport} writes to it and closes it. */
    void connectionMade(Transport transport);

    /**
     * Bytes arrived. The buffer is only valid during the call (the transport reuses it): copy what is kept.
     */
    void dataReceived(ByteBuffer data);

    /**
     * The peer closed its side. Return true to keep writing on the half-open connection; false closes it.
     */
    default boolean eofReceived() {
        return false;
    }

    /** The transport's write buffer went above its high-water mark: stop writing until {@link #resumeWriting}. */
    default void pauseWriting() {
    }

    /** The write buffer drained below its low-water mark. */
    default void resumeWriting() {
    }

    /** The connection is closed: by either side (null) or by an error (the cause). */
    void connectionLost(Throwable cause);
}
