package dev.simul.net;

import dev.simul.loop.EventLoop;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Supplier;

/**
 * A TCP server on an event loop: accepts connections and gives each a new {@link Protocol}. Loop thread only.
 * {@link Tcp#listen} builds one that runs a coroutine per connection; the HTTP server uses protocols directly.
 *
 * <p>Limits (mini-redis's MAX_CONNECTIONS): at most {@code maxConnections} are open at once; at the limit the
 * server stops accepting, and the kernel's backlog holds newcomers until a connection closes. Each readable event
 * accepts at most {@link #ACCEPTS_PER_EVENT} connections, so a flood cannot starve the established ones.
 *
 * <p>With a {@link Reclaimer}, a full server makes room instead: for a newcomer announced by a readable event it
 * asks the reclaimer to close one connection (the HTTP server closes the longest-idle one), then accepts. Only
 * when none can go does it stop accepting, until a connection closes or its owner calls {@link #reclaimable}.
 */
public final class TcpServer implements AutoCloseable {

    /** Handles one connection, in its own coroutine; the connection closes when it returns. */
    @FunctionalInterface
    public interface Handler {
        /** Serves {@code connection}. */
        void handle(StreamProtocol connection) throws Exception;
    }

    /** Makes room at the connection limit by closing a connection that can go. */
    @FunctionalInterface
    public interface Reclaimer {
        /**
         * Closes one open connection at once (its protocol's {@code connectionLost} has run when this returns),
         * to make room for a client waiting to connect; false if none can go now.
         */
        boolean closeOne();
    }

    /** Connections accepted per readable event of the listening socket. */
    static final int ACCEPTS_PER_EVENT = 64;
    private static final int BACKLOG = 4096;
    /** How long to stop accepting after accept() failed (Netty and Tokio back off too). */
    static final java.time.Duration ACCEPT_BACKOFF = java.time.Duration.ofMillis(100);

    private final EventLoop loop;
    private final ServerSocketChannel server;
    private final int maxConnections;
    private final Supplier<Protocol> protocols;
    private final Reclaimer reclaimer; // null: at the limit, newcomers wait in the backlog
    private int open;
    private boolean accepting;
    private boolean closed;
    private dev.simul.loop.Scheduled backoff; // set while accepting pauses after a failed accept()

    /** Listens on {@code address}; call on the loop's thread. */
    public TcpServer(EventLoop loop, InetSocketAddress address, int maxConnections, Supplier<Protocol> protocols)
            throws IOException {
        this(loop, address, maxConnections, protocols, null);
    }

    /** The same; at the limit, {@code reclaimer} (if not null) makes room for newcomers. */
    public TcpServer(EventLoop loop, InetSocketAddress address, int maxConnections, Supplier<Protocol> protocols,
                     Reclaimer reclaimer) throws IOException {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, got " + maxConnections);
        }
        this.loop = loop;
        this.maxConnections = maxConnections;
        this.protocols = protocols;
        this.reclaimer = reclaimer;
        server = ServerSocketChannel.open();
        try {
            server.bind(address, BACKLOG);
            server.configureBlocking(false);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        startAccepting();
    }

    /** The port the server listens on. */
    public int port() {
        return ((InetSocketAddress) server.socket().getLocalSocketAddress()).getPort();
    }

    /** Connections open now. */
    public int connections() {
        return open;
    }

    /**
     * A connection could now be reclaimed (it went idle, say): a full server that stopped accepting because none
     * could watches for newcomers again. Cheap when there is nothing to do.
     */
    public void reclaimable() {
        startAccepting();
    }

    private void startAccepting() {
        if (!accepting && !closed && backoff == null && (open < maxConnections || reclaimer != null)) {
            accepting = true;
            loop.addReader(server, this::accept);
        }
    }

    private void stopAccepting() {
        if (accepting) {
            accepting = false;
            loop.removeReader(server);
        }
    }

    private void accept() {
        for (int i = 0; i < ACCEPTS_PER_EVENT; i++) {
            if (open >= maxConnections) {
                if (reclaimer == null) {
                    break;
                }
                if (i > 0) {
                    return; // room is made only for the newcomer an event announced: more, if any, announce again
                }
                if (!reclaimer.closeOne()) {
                    stopAccepting(); // every connection is busy: wait until one closes or goes idle
                    return;
                }
            }
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                // Out of file descriptors, say: the socket stays readable, so retrying at once would spin.
                stopAccepting();
                backoff = loop.callLater(ACCEPT_BACKOFF, () -> {
                    backoff = null;
                    startAccepting();
                });
                return;
            }
            if (channel == null) {
                return;
            }
            serve(channel);
        }
        if (open >= maxConnections && reclaimer == null) {
            stopAccepting();
        }
    }

    private void serve(SocketChannel channel) {
        open++;
        try {
            channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            new Transport(loop, channel, new Counted(protocols.get()));
        } catch (IOException | RuntimeException e) {
            closed(channel);
        }
    }

    private void closed(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // it never started
        }
        connectionEnded();
    }

    private void connectionEnded() {
        open--;
        if (open < maxConnections) {
            startAccepting();
        }
    }

    /** Counts a connection out when it is lost. */
    private final class Counted implements Protocol {
        private final Protocol inner;

        Counted(Protocol inner) {
            this.inner = inner;
        }

        @Override
        public void connectionMade(Transport transport) {
            inner.connectionMade(transport);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            inner.dataReceived(data);
        }

        @Override
        public boolean eofReceived() {
            return inner.eofReceived();
        }

        @Override
        public void pauseWriting() {
            inner.pauseWriting();
        }

        @Override
        public void resumeWriting() {
            inner.resumeWriting();
        }

        @Override
        public void connectionLost(Throwable cause) {
            try {
                inner.connectionLost(cause);
            } finally {
                connectionEnded();
            }
        }
    }

    /** Stops accepting and closes the listening socket; open connections finish on their own. */
    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            stopAccepting();
            server.close();
        }
    }
}
