package dev.simul.net;

import dev.simul.loop.EventLoop;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * One TCP connection on an {@link EventLoop}, driving a {@link Protocol} (asyncio's selector transport). Loop
 * thread only.
 *
 * <p>Reading: while reading is not paused, the channel is watched; each readable event reads once into a
 * buffer reused for the whole connection and hands it to {@link Protocol#dataReceived}.
 *
 * <p>Writing: {@link #write} tries the socket at once when nothing is queued (the common case costs one system
 * call and no copy); what the socket does not take is copied into a queue that the loop flushes when the socket
 * is writable. Past {@link #highWater} queued bytes the protocol is told to pause; below {@link #lowWater}, to
 * resume. Invariant: the channel is watched for writing exactly when the queue is not empty.
 */
public final class Transport {

    /** Read buffer size: large enough that a busy connection needs few reads. */
    static final int READ_BUFFER = 64 * 1024;
    /**
     * One read buffer per loop thread, shared by all its connections: a protocol must copy what it keeps during
     * dataReceived, so the buffer is free again when the call returns, and 10,000 connections do not hold 10,000
     * direct buffers.
     */
    private static final ThreadLocal<ByteBuffer> READ_BUFFERS =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(READ_BUFFER));
    /** Default write-queue marks, asyncio's. */
    static final int DEFAULT_HIGH_WATER = 64 * 1024;
    static final int DEFAULT_LOW_WATER = 16 * 1024;

    private final EventLoop loop;
    private final SocketChannel channel;
    private final Protocol protocol;
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private long queued;
    private int highWater = DEFAULT_HIGH_WATER;
    private int lowWater = DEFAULT_LOW_WATER;
    private boolean readingPaused;
    private boolean writingPaused;
    private boolean closing;
    private boolean outputShutdownRequested;
    private boolean lost;
    private dev.simul.loop.Scheduled lingerTimer;

    Transport(EventLoop loop, SocketChannel channel, Protocol protocol) throws IOException {
        this.loop = loop;
        this.channel = channel;
        this.protocol = protocol;
        channel.configureBlocking(false);
        protocol.connectionMade(this);
        if (!lost && !readingPaused) {
            loop.addReader(channel, this::onReadable);
        }
    }

    /** The loop this connection runs on. */
    public EventLoop loop() {
        return loop;
    }

    /** The peer's address, or null if unknown. */
    public SocketAddress remoteAddress() {
        try {
            return channel.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }

    /** This side's address, or null if unknown. */
    public SocketAddress localAddress() {
        try {
            return channel.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }

    private void onReadable() {
        int n;
        ByteBuffer readBuffer = READ_BUFFERS.get();
        try {
            readBuffer.clear();
            n = channel.read(readBuffer);
        } catch (IOException e) {
            lose(e);
            return;
        }
        if (n > 0) {
            readBuffer.flip();
            protocol.dataReceived(readBuffer);
        } else if (n < 0) {
            loop.removeReader(channel);
            boolean keepOpen;
            try {
                keepOpen = protocol.eofReceived();
            } catch (RuntimeException e) {
                lose(e);
                return;
            }
            if (!keepOpen) {
                close();
            }
        }
    }

    /** Stops reading: data waits in the kernel (and the peer, past its window, stops sending). */
    public void pauseReading() {
        if (!readingPaused && !lost) {
            readingPaused = true;
            loop.removeReader(channel);
        }
    }

    /** Reads again after {@link #pauseReading}. */
    public void resumeReading() {
        if (readingPaused && !lost) {
            readingPaused = false;
            loop.addReader(channel, this::onReadable);
        }
    }

    /** Whether reading is paused. */
    public boolean isReadingPaused() {
        return readingPaused;
    }

    /** Sends {@code data} (all its remaining bytes), now or as soon as the socket takes it. */
    public void write(ByteBuffer data) {
        if (closing || lost) {
            throw new IllegalStateException("the connection is closing");
        }
        if (!data.hasRemaining()) {
            return;
        }
        if (queue.isEmpty()) {
            try {
                channel.write(data);
            } catch (IOException e) {
                lose(e);
                return;
            }
            if (!data.hasRemaining()) {
                return;
            }
            loop.addWriter(channel, this::onWritable);
        }
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data).flip();
        queue.add(copy);
        queued += copy.remaining();
        if (!writingPaused && queued > highWater) {
            writingPaused = true;
            protocol.pauseWriting();
        }
    }

    /** Sends {@code data}. */
    public void write(byte[] data) {
        write(ByteBuffer.wrap(data));
    }

    private void onWritable() {
        try {
            while (!queue.isEmpty()) {
                ByteBuffer head = queue.peek();
                int n = channel.write(head);
                queued -= n;
                if (head.hasRemaining()) {
                    break; // the socket is full again
                }
                queue.poll();
            }
        } catch (IOException e) {
            lose(e);
            return;
        }
        if (writingPaused && queued <= lowWater) {
            writingPaused = false;
            protocol.resumeWriting();
        }
        if (queue.isEmpty()) {
            loop.removeWriter(channel);
            if (outputShutdownRequested) {
                shutdownOutputNow();
            }
            if (closing) {
                finishClose(null);
            }
        }
    }

    /** Bytes written but not yet taken by the socket. */
    public long bufferedBytes() {
        return queued;
    }

    /** Sets the write-queue marks at which the protocol is told to pause and to resume writing. */
    public void setWriteBufferLimits(int high, int low) {
        if (low < 0 || high < low) {
            throw new IllegalArgumentException("need 0 <= low <= high, got low " + low + ", high " + high);
        }
        highWater = high;
        lowWater = low;
    }

    /** Half-closes: sends FIN once the queued bytes are out; reading goes on. */
    public void shutdownOutput() {
        if (lost || outputShutdownRequested) {
            return;
        }
        outputShutdownRequested = true;
        if (queue.isEmpty()) {
            shutdownOutputNow();
        }
    }

    private void shutdownOutputNow() {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            lose(e);
        }
    }

    /** Closes once the queued bytes are out; stops reading at once. */
    public void close() {
        if (closing || lost) {
            return;
        }
        closing = true;
        loop.removeReader(channel);
        if (queue.isEmpty()) {
            finishClose(null);
        }
    }

    /**
     * Closes once the queued bytes are out, or aborts if they are not out within {@code linger}: a peer that stops
     * reading cannot hold the connection open.
     */
    public void close(java.time.Duration linger) {
        close();
        if (!lost) {
            lingerTimer = loop.callLater(linger, this::abort);
        }
    }

    /** Closes at once, dropping what is queued. */
    public void abort() {
        lose(null);
    }

    /** Whether close or abort was called, or the connection was lost. */
    public boolean isClosing() {
        return closing || lost;
    }

    private void lose(Throwable cause) {
        finishClose(cause);
    }

    private void finishClose(Throwable cause) {
        if (lost) {
            return;
        }
        lost = true;
        if (lingerTimer != null) {
            lingerTimer.cancel();
        }
        loop.removeReader(channel);
        loop.removeWriter(channel);
        queue.clear();
        queued = 0;
        try {
            channel.close();
        } catch (IOException e) {
            cause = cause != null ? cause : e;
        }
        protocol.connectionLost(cause);
    }
}
