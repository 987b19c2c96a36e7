package dev.simul.net;

import dev.simul.loop.EventLoop;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.HashSet;
import java.util.Set;

/**
 * A TCP server on an event loop: accepts connections and runs a handler coroutine for each. Loop thread only.
 *
 * <p>Limits (mini-redis's MAX_CONNECTIONS): at most {@code maxConnections} are open at once; at the limit the
 * server stops accepting, and the kernel's backlog holds newcomers until a connection closes. Each readable event
 * accepts at most {@link #ACCEPTS_PER_EVENT} connections, so a flood cannot starve the established ones.
 */
public final class TcpServer implements AutoCloseable {

    /** Handles one connection, in its own coroutine; the connection closes when it returns. */
    @FunctionalInterface
    public interface Handler {
        /** Serves {@code connection}. */
        void handle(StreamProtocol connection) throws Exception;
    }

    /** Connections accepted per readable event of the listening socket. */
    static final int ACCEPTS_PER_EVENT = 64;
    private static final int BACKLOG = 1024;

    private final EventLoop loop;
    private final ServerSocketChannel server;
    private final int maxConnections;
    private final Handler handler;
    private final Set<StreamProtocol> open = new HashSet<>();
    private boolean accepting;
    private boolean closed;

    TcpServer(EventLoop loop, InetSocketAddress address, int maxConnections, Handler handler) throws IOException {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, got " + maxConnections);
        }
        this.loop = loop;
        this.maxConnections = maxConnections;
        this.handler = handler;
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
        return open.size();
    }

    private void startAccepting() {
        if (!accepting && !closed) {
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
        for (int i = 0; i < ACCEPTS_PER_EVENT && open.size() < maxConnections; i++) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                return; // e.g. out of file descriptors: try again at the next event
            }
            if (channel == null) {
                return;
            }
            serve(channel);
        }
        if (open.size() >= maxConnections) {
            stopAccepting();
        }
    }

    private void serve(SocketChannel channel) {
        StreamProtocol stream = new StreamProtocol(loop, StreamProtocol.DEFAULT_LIMIT);
        try {
            channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            new Transport(loop, channel, stream);
        } catch (IOException e) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to do for a connection that never started
            }
            return;
        }
        open.add(stream);
        loop.spawn(() -> {
            try {
                handler.handle(stream);
            } finally {
                stream.close();
                open.remove(stream);
                if (open.size() < maxConnections) {
                    startAccepting();
                }
            }
            return null;
        }, "connection " + stream.remoteAddress());
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
