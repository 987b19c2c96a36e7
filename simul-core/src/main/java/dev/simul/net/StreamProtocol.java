package dev.simul.net;

import dev.simul.loop.Async;
import dev.simul.loop.EventLoop;
import dev.simul.loop.LoopFuture;
import dev.simul.loop.Scheduled;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * A connection seen from coroutines: {@link #read}, {@link #readExactly} and {@link #readUntil} wait for bytes;
 * {@link #write} queues bytes and {@link #drain} waits while too many are queued (asyncio's StreamReader and
 * StreamWriter, in one object). Loop thread only.
 *
 * <p>Backpressure both ways: when more than {@link #limit} bytes wait unread, the transport stops reading (the
 * peer is slowed by TCP itself) until the reader catches up; when the transport's write queue passes its high-water
 * mark, {@link #drain} waits until it is back under the low-water mark.
 *
 * <p>Timeouts, off by default: {@link #setReadTimeout} bounds each wait of a read for bytes, and
 * {@link #setWriteTimeout} each {@link #drain}. Either fails the call with a {@link SocketTimeoutException} and
 * leaves the stream as it was (as {@code java.net.Socket}'s read timeout does); to bound a whole exchange instead,
 * wrap it in {@link Async#timeout}.
 */
public final class StreamProtocol implements Protocol, ByteStream {

    /** Default bound of unread bytes, asyncio's. */
    public static final int DEFAULT_LIMIT = 64 * 1024;

    private static final byte[] NO_BYTES = new byte[0];
    /** The deadline of a wait without a timeout. */
    private static final long NEVER = Long.MAX_VALUE;

    private final EventLoop loop;
    private final int limit;
    private final Consumer<StreamProtocol> onConnected;
    private Transport transport;
    /**
     * Unread bytes are {@code buffer[start, end)}. An empty stream holds no array (a kept-alive connection costs
     * no buffer while idle); bytes arriving to an empty stream get an array of exactly their size, which a read
     * taking them all then hands over without copying.
     */
    private byte[] buffer = NO_BYTES;
    private int start;
    private int end;
    private boolean eof;
    private Throwable error;
    private boolean closed;
    private boolean writingPaused;
    private LoopFuture<Void> dataWaiter;
    private LoopFuture<Void> drainWaiter;
    private Duration readTimeout; // null: no bound
    private Duration writeTimeout; // null: no bound

    /** A stream on {@code loop} that keeps at most about {@code limit} unread bytes. */
    public StreamProtocol(EventLoop loop, int limit) {
        this(loop, limit, stream -> { });
    }

    /** The same, calling {@code onConnected} once the connection is up (a server starts its handler there). */
    public StreamProtocol(EventLoop loop, int limit, Consumer<StreamProtocol> onConnected) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        this.loop = loop;
        this.limit = limit;
        this.onConnected = onConnected;
    }

    // ---- Protocol: called by the transport ----

    @Override
    public void connectionMade(Transport transport) {
        this.transport = transport;
        onConnected.accept(this);
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        int n = data.remaining();
        if (end + n > buffer.length) {
            compactOrGrow(n);
        }
        data.get(buffer, end, n);
        end += n;
        if (end - start >= limit) {
            transport.pauseReading();
        }
        wakeReader();
    }

    private void compactOrGrow(int more) {
        int unread = end - start;
        if (unread == 0) {
            buffer = new byte[more]; // exactly: a read of everything can then take this array as it is
            start = end = 0;
            return;
        }
        byte[] target = unread + more <= buffer.length ? buffer : new byte[Math.max(buffer.length * 2, unread + more)];
        System.arraycopy(buffer, start, target, 0, unread);
        buffer = target;
        start = 0;
        end = unread;
    }

    @Override
    public boolean eofReceived() {
        eof = true;
        wakeReader();
        return true; // the coroutine decides when to close; it may still write
    }

    @Override
    public void pauseWriting() {
        writingPaused = true;
    }

    @Override
    public void resumeWriting() {
        writingPaused = false;
        if (drainWaiter != null) {
            drainWaiter.complete(null);
        }
    }

    @Override
    public void connectionLost(Throwable cause) {
        closed = true;
        if (cause != null && error == null) {
            error = cause;
        }
        eof = true;
        wakeReader();
        if (drainWaiter != null) {
            drainWaiter.complete(null);
        }
    }

    private void wakeReader() {
        if (dataWaiter != null) {
            dataWaiter.complete(null);
        }
    }

    // ---- timeouts ----

    /**
     * Bounds each wait of a read for bytes: a read that gets no byte for {@code timeout} fails with a
     * {@link SocketTimeoutException}. Null (the default): reads wait as long as it takes.
     */
    public void setReadTimeout(Duration timeout) {
        readTimeout = checked(timeout);
    }

    /**
     * Bounds each {@link #drain}: one still waiting after {@code timeout}, the peer taking no more, fails with a
     * {@link SocketTimeoutException}; the queued bytes stay queued. Null (the default): no bound.
     */
    public void setWriteTimeout(Duration timeout) {
        writeTimeout = checked(timeout);
    }

    private static Duration checked(Duration timeout) {
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("a timeout must be positive, got " + timeout);
        }
        return timeout;
    }

    /** The deadline of a wait that starts now and lasts at most {@code timeout}; {@link #NEVER} for none. */
    private long deadline(Duration timeout) {
        if (timeout == null) {
            return NEVER;
        }
        // Saturated: a timeout of centuries is a legitimate "no timeout", not an overflow.
        long nanos = java.util.concurrent.TimeUnit.NANOSECONDS.convert(timeout);
        long now = loop.time();
        return nanos >= NEVER - now ? NEVER : now + nanos;
    }

    /**
     * Waits for {@code waiter}; at {@code deadline}, fails it and throws a {@code SocketTimeoutException} saying
     * "{@code what} for {@code timeout}" (the message is made only then: reads are a hot path).
     */
    private void await(LoopFuture<Void> waiter, long deadline, String what, Duration timeout)
            throws SocketTimeoutException {
        Scheduled timer = deadline == NEVER ? null
                : loop.callAt(deadline, () -> waiter.fail(new SocketTimeoutException(what + " for " + timeout)));
        try {
            Async.await(waiter);
        } catch (CompletionException e) {
            if (e.getCause() instanceof SocketTimeoutException expired) {
                throw expired;
            }
            throw e;
        } finally {
            if (timer != null) {
                timer.cancel();
            }
        }
    }

    // ---- reading, from a coroutine ----

    /** Waits until some bytes are unread or the stream ended; returns whether any are. */
    private boolean awaitData() throws IOException {
        while (start == end && !eof) {
            dataWaiter = loop.newFuture();
            try {
                await(dataWaiter, deadline(readTimeout), "no byte came", readTimeout);
            } finally {
                dataWaiter = null;
            }
        }
        if (start == end && error != null) {
            throw error instanceof IOException io ? io : new IOException("connection lost", error);
        }
        return start < end;
    }

    private byte[] take(int n) {
        byte[] out;
        if (start == 0 && n == buffer.length) {
            out = buffer; // all of it, and nothing else in the array: hand it over
        } else {
            out = Arrays.copyOfRange(buffer, start, start + n);
        }
        start += n;
        if (start == end) {
            buffer = NO_BYTES; // let go while idle
            start = end = 0;
        }
        if (transport.isReadingPaused() && end - start < limit) {
            transport.resumeReading();
        }
        return out;
    }

    /** Waits for bytes and returns up to {@code max} of them; an empty array at the end of the stream. */
    public byte[] read(int max) throws IOException {
        if (!awaitData()) {
            return new byte[0];
        }
        return take(Math.min(max, end - start));
    }

    /** Waits for exactly {@code n} bytes. @throws EOFException if the stream ends first */
    public byte[] readExactly(int n) throws IOException {
        while (end - start < n) {
            if (eof) {
                throw new EOFException("the stream ended after " + (end - start) + " of " + n + " bytes");
            }
            if (n > limit && transport.isReadingPaused()) {
                transport.resumeReading(); // the caller asked for more than the limit: let it come
            }
            int before = end - start;
            awaitMore(before);
        }
        return take(n);
    }

    /** Waits until more than {@code have} bytes are unread or the stream ends. */
    private void awaitMore(int have) throws IOException {
        while (end - start == have && !eof) {
            dataWaiter = loop.newFuture();
            try {
                await(dataWaiter, deadline(readTimeout), "no byte came", readTimeout);
            } finally {
                dataWaiter = null;
            }
        }
        if (end - start == have && error != null) {
            throw error instanceof IOException io ? io : new IOException("connection lost", error);
        }
    }

    /**
     * Waits for {@code delimiter} and returns the bytes up to and including it.
     *
     * @throws LimitExceededException if {@code max} bytes arrive without the delimiter
     * @throws EOFException           if the stream ends first
     */
    public byte[] readUntil(byte[] delimiter, int max) throws IOException {
        int searched = start;
        while (true) {
            int found = indexOf(delimiter, searched);
            if (found >= 0 && found + delimiter.length - start <= max) {
                return take(found + delimiter.length - start);
            }
            if (end - start >= max) {
                throw new LimitExceededException("no delimiter within " + max + " bytes");
            }
            if (eof) {
                throw new EOFException("the stream ended before the delimiter");
            }
            searched = Math.max(start, end - delimiter.length + 1);
            if (transport.isReadingPaused()) {
                transport.resumeReading(); // a delimiter beyond the limit is the max's business, not the limit's
            }
            awaitMore(end - start);
        }
    }

    private int indexOf(byte[] delimiter, int from) {
        outer:
        for (int i = from; i <= end - delimiter.length; i++) {
            for (int j = 0; j < delimiter.length; j++) {
                if (buffer[i + j] != delimiter[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public boolean isIdle() {
        return !eof && !closed && start == end && transport != null && !transport.isClosing();
    }

    /** Bytes received and not read yet: about {@code limit} at most while nobody reads (backpressure). */
    public int unread() {
        return end - start;
    }

    /** Whether the peer closed its side and every byte was read. */
    public boolean atEof() {
        return eof && start == end;
    }

    // ---- writing ----

    /** Queues {@code data} for sending; call {@link #drain} now and then to respect backpressure. */
    public void write(byte[] data) throws IOException {
        checkWritable();
        transport.write(data);
    }

    /** Queues {@code data} for sending. */
    public void write(ByteBuffer data) throws IOException {
        checkWritable();
        transport.write(data);
    }

    private void checkWritable() throws IOException {
        if (closed || transport.isClosing()) {
            throw error instanceof IOException io ? io : new IOException("the connection is closed", error);
        }
    }

    /** Waits while the write queue is above its high-water mark (at most the write timeout, if one is set). */
    public void drain() throws IOException {
        long deadline = deadline(writeTimeout);
        while (writingPaused && !closed) {
            drainWaiter = loop.newFuture();
            try {
                await(drainWaiter, deadline, "the peer took no more bytes", writeTimeout);
            } finally {
                drainWaiter = null;
            }
        }
        if (closed && error != null) {
            throw error instanceof IOException io ? io : new IOException("connection lost", error);
        }
    }

    /** Half-closes: the peer sees the end of the stream once the queued bytes are out; reading goes on. */
    public void shutdownOutput() {
        transport.shutdownOutput();
    }

    /** The peer's address. */
    public SocketAddress remoteAddress() {
        return transport.remoteAddress();
    }

    /** The transport under this stream. */
    public Transport transport() {
        return transport;
    }

    /** Closes once the queued bytes are out. */
    @Override
    public void close() {
        if (transport != null) {
            transport.close();
        }
    }
}
