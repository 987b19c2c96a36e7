package dev.simul.http;

import dev.simul.loop.Async;
import dev.simul.loop.EventLoop;
import dev.simul.net.StreamProtocol;
import dev.simul.net.TcpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * An HTTP/1.1 server on one event loop: keep-alive, pipelining, Content-Length and chunked request bodies,
 * limits on every part of a request, and timeouts against slow clients. Binds 127.0.0.1 unless told otherwise.
 *
 * <p>Each connection has one coroutine that reads its requests and answers them in order (pipelining); the
 * {@link Handler} runs in it and may wait ({@code Async.sleep}, {@code Async.await}) without holding up other
 * connections. Reading pauses while a connection has more unread bytes than a request head may hold. A request
 * with {@code Expect: 100-continue} gets {@code 100 Continue} once its head is accepted, before its body is read;
 * an HTTP/1.0 request with {@code Connection: keep-alive} is answered with it and its connection kept open.
 *
 * <p>Misbehaving clients: malformed input gets 400 (505 for another HTTP version), an over-long request line
 * 414, too many or too large header fields 431, a body over the limit 413; a request whose head does not arrive
 * within the header timeout (slowloris), whose whole does not arrive within the request timeout (slow POST), or
 * that stalls for the idle timeout gets 408; a connection idle past the idle timeout between requests is closed.
 * Each of these closes that connection only, the answer first: the loop and the other connections go on.
 */
public final class HttpServer implements AutoCloseable {

    /** Answers one request; runs in the connection's coroutine. */
    @FunctionalInterface
    public interface Handler {
        /** The response to {@code request}; an exception becomes a 500. */
        HttpResponse handle(HttpRequest request) throws Exception;
    }

    /**
     * Server settings.
     *
     * <p>Memory: a connection holds what its request may hold: about {@code limits.maxHeadBytes()} and one 64 KiB
     * read while a head arrives, up to about three times {@code limits.maxBody()} while a body does (its buffer
     * grows by doubling, then the body is copied out of it). The worst case is {@code maxConnections} times that:
     * with {@link #loopback}'s 10,000 connections and {@link HttpLimits#DEFAULT}'s 10 MiB bodies, about 300 GiB,
     * far more than any heap. A server that takes bodies should lower one or the other to fit its memory; one that
     * takes none should set {@code maxBody} to 0.
     *
     * @param host           the address to bind
     * @param port           the port, 0 for any free one
     * @param maxConnections connections open at once; at the limit a new client closes the connection that has
     *                       waited longest for its next request (kept alive, or never used), or, if every
     *                       connection is busy, waits in the backlog until one closes or goes idle
     * @param limits         per-request limits
     * @param headerTimeout  from a request's first byte to the end of its head (up to two empty lines before a
     *                       request line are dropped, and a third refused, so they cannot hold a connection)
     * @param idleTimeout    between requests on a kept-alive connection, and for each read within a request
     * @param requestTimeout from a request's first byte to the end of its body: a body trickled in slower than the
     *                       idle timeout still ends (slow POST)
     * @param maxConnectionsPerAddress connections one remote IP address holds at once: a new one beyond closes
     *                       that address's longest-idle connection, or, if all of them are busy, is answered 503
     *                       and closed. Clients behind one proxy or NAT share an address: raise it for them
     */
    public record Options(String host, int port, int maxConnections, HttpLimits limits,
                          Duration headerTimeout, Duration idleTimeout, Duration requestTimeout,
                          int maxConnectionsPerAddress) {

        /** The default request timeout: at that, a 10 MiB body needs about 175 KB/s. */
        public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

        /**
         * The default connections per remote address: a tenth of {@link #loopback}'s 10,000, so that one address
         * busy with slow requests leaves nine tenths to the others; browsers open about 6 per server.
         */
        public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 1_000;

        public Options {
            if (maxConnectionsPerAddress < 1) {
                throw new IllegalArgumentException("maxConnectionsPerAddress must be at least 1, got "
                        + maxConnectionsPerAddress);
            }
        }

        /** These settings with the default connections per address. */
        public Options(String host, int port, int maxConnections, HttpLimits limits, Duration headerTimeout,
                       Duration idleTimeout, Duration requestTimeout) {
            this(host, port, maxConnections, limits, headerTimeout, idleTimeout, requestTimeout,
                    DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);
        }

        /** These settings with the default request timeout and connections per address. */
        public Options(String host, int port, int maxConnections, HttpLimits limits, Duration headerTimeout,
                       Duration idleTimeout) {
            this(host, port, maxConnections, limits, headerTimeout, idleTimeout, DEFAULT_REQUEST_TIMEOUT);
        }

        /**
         * Loopback, the given port, 10,000 connections (1,000 per address), default limits, 10 s header, 60 s idle
         * and 60 s request timeouts.
         */
        public static Options loopback(int port) {
            return new Options("127.0.0.1", port, 10_000, HttpLimits.DEFAULT, Duration.ofSeconds(10),
                    Duration.ofSeconds(60));
        }

        /** These options with other header and idle timeouts. */
        public Options withTimeouts(Duration header, Duration idle) {
            return new Options(host, port, maxConnections, limits, header, idle, requestTimeout,
                    maxConnectionsPerAddress);
        }

        /** These options with another request timeout. */
        public Options withRequestTimeout(Duration request) {
            return new Options(host, port, maxConnections, limits, headerTimeout, idleTimeout, request,
                    maxConnectionsPerAddress);
        }

        /** These options with other limits. */
        public Options withLimits(HttpLimits newLimits) {
            return new Options(host, port, maxConnections, newLimits, headerTimeout, idleTimeout, requestTimeout,
                    maxConnectionsPerAddress);
        }

        /** These options bound to another address. */
        public Options withHost(String newHost) {
            return new Options(newHost, port, maxConnections, limits, headerTimeout, idleTimeout, requestTimeout,
                    maxConnectionsPerAddress);
        }

        /** These options with another limit of connections open at once. */
        public Options withMaxConnections(int n) {
            return new Options(host, port, n, limits, headerTimeout, idleTimeout, requestTimeout,
                    maxConnectionsPerAddress);
        }

        /** These options with another limit of connections per remote address. */
        public Options withMaxConnectionsPerAddress(int n) {
            return new Options(host, port, maxConnections, limits, headerTimeout, idleTimeout, requestTimeout, n);
        }
    }

    private static final System.Logger LOG = System.getLogger(HttpServer.class.getName());
    private static final int READ_CHUNK = 64 * 1024;
    /** The most a refused client's further input is waited for (see {@link #refuse}), nginx's lingering_time. */
    static final Duration LINGER_TIME = Duration.ofSeconds(2);
    /** The most of a refused client's further input that is read and dropped (see {@link #refuse}). */
    static final int LINGER_BYTES = 64 * 1024;

    private static final java.nio.ByteBuffer CONTINUE = ByteBuffer.wrap(
            "HTTP/1.1 100 Continue\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)).asReadOnlyBuffer();

    private final EventLoop loop;
    private final Handler handler;
    private final Options options;
    private final Connections connections;
    private final TcpServer tcp;

    private HttpServer(EventLoop loop, Handler handler, Options options) throws IOException {
        this.loop = loop;
        this.handler = handler;
        this.options = options;
        connections = new Connections(options.maxConnectionsPerAddress());
        tcp = new TcpServer(loop, new InetSocketAddress(options.host(), options.port()), options.maxConnections(),
                () -> new StreamProtocol(loop, options.limits().maxHeadBytes(), stream -> loop.spawn(() -> {
                    Connections.Connection admitted = connections.admit(stream, remoteIp(stream));
                    try {
                        if (admitted == null) {
                            refuse(stream, 503); // its address holds its share, all busy
                        } else {
                            serve(stream, admitted);
                        }
                    } finally {
                        if (admitted != null) {
                            connections.release(admitted);
                        }
                        stream.transport().close(options.idleTimeout()); // aborted if the client won't read
                    }
                    return null;
                }, "http " + stream.remoteAddress())), connections::closeLongestIdle);
    }

    private static java.net.InetAddress remoteIp(StreamProtocol stream) {
        return stream.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
    }

    /** Starts a server on the current loop (call it on the loop's thread, for instance in a coroutine). */
    public static HttpServer start(Options options, Handler handler) throws IOException {
        EventLoop loop = EventLoop.current();
        if (loop == null) {
            throw new IllegalStateException("HttpServer.start must be called on an event loop's thread");
        }
        return new HttpServer(loop, handler, options);
    }

    /** The port it listens on. */
    public int port() {
        return tcp.port();
    }

    /** Connections open now. */
    public int connections() {
        return tcp.connections();
    }

    /** Stops accepting connections; open ones finish their requests. */
    @Override
    public void close() throws IOException {
        tcp.close();
    }

    /**
     * Answers the requests of one connection in order, in the connection's coroutine, until it ends. Reads wait at
     * most the idle timeout, and within a request no longer than its header and request timeouts allow.
     */
    private void serve(StreamProtocol connection, Connections.Connection admitted) throws IOException {
        RequestParser parser = new RequestParser(options.limits());
        long requestStart = 0; // the loop's time at the current request's first byte, once parser.inRequest()
        while (true) {
            HttpRequest request;
            try {
                request = parser.next();
            } catch (HttpException refused) {
                refuse(connection, refused.status());
                return;
            }
            if (request == null) {
                if (parser.awaitsContinue()) {
                    // The head is accepted and the client waits before it sends the body (RFC 9110 10.1.1); a
                    // head refused above got its final status instead.
                    parser.continueSent();
                    try {
                        connection.write(CONTINUE.duplicate());
                    } catch (IOException e) {
                        return; // the client is gone
                    }
                }
                boolean inRequest = parser.inRequest();
                Duration wait = options.idleTimeout();
                if (inRequest) {
                    long elapsed = loop.time() - requestStart;
                    Duration left = options.requestTimeout().minusNanos(elapsed);
                    wait = min(left, parser.inHead() ? options.headerTimeout().minusNanos(elapsed) : wait);
                }
                byte[] bytes;
                if (!inRequest) {
                    // Waiting for a request's first byte: this connection may be closed to make room.
                    connections.idle(admitted);
                    tcp.reclaimable();
                }
                try {
                    bytes = Async.timeout(wait, () -> connection.read(READ_CHUNK));
                } catch (TimeoutException e) {
                    if (inRequest) {
                        refuse(connection, 408);
                    }
                    return; // idle too long between requests: close quietly
                } catch (IOException e) {
                    return; // the connection failed
                } catch (RuntimeException e) {
                    throw e; // a cancellation (the server or the loop is closing) stays one
                } catch (Exception e) {
                    throw new IOException(e);
                } finally {
                    connections.busy(admitted);
                }
                if (bytes.length == 0) {
                    return; // the client closed its side, or the server closed it to make room
                }
                if (!inRequest) {
                    requestStart = loop.time();
                }
                parser.feed(ByteBuffer.wrap(bytes));
                continue;
            }
            HttpResponse response;
            try {
                response = handler.handle(request);
            } catch (java.util.concurrent.CancellationException e) {
                throw e;
            } catch (Exception e) {
                LOG.log(System.Logger.Level.ERROR, "handler failed on " + request.method() + " "
                        + request.target(), e);
                response = HttpResponse.status(500);
            }
            boolean close = !request.keepAlive();
            try {
                connection.write(response.encode(close, request.method().equals("HEAD"),
                        request.version().equals("HTTP/1.0")));
            } catch (IOException e) {
                return; // the client is gone: nobody to answer, nothing to log
            }
            if (close) {
                return;
            }
            try {
                // Backpressure: read the next request once this answer is on its way; a client that stops
                // reading for longer than the idle timeout loses its connection.
                Async.timeout(options.idleTimeout(), () -> {
                    connection.drain();
                    return null;
                });
            } catch (TimeoutException e) {
                connection.transport().abort();
                return;
            } catch (IOException e) {
                return;
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e);
            }
            if (parser.inRequest()) {
                // Part of a pipelined request came with this one: its clocks start as its turn comes, not while
                // the one before was handled and answered.
                requestStart = loop.time();
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * Answers {@code status} and ends the connection with a lingering close (nginx's lingering_close): a client
     * refused in the middle of a request may still be sending, and closing a socket with input arriving makes the
     * kernel send RST, which fails the client's writes before it reads the answer, and may destroy the answer
     * itself. So the answer goes out with a FIN after it, and what the client still sends is read and dropped until
     * it closes, {@link #LINGER_BYTES} have come or {@link #LINGER_TIME} has passed; then the connection closes.
     */
    private void refuse(StreamProtocol connection, int status) {
        try {
            connection.write(HttpResponse.status(status).encode(true, false));
        } catch (IOException e) {
            return; // already closed: nobody to answer
        }
        connection.shutdownOutput();
        long deadline = loop.time() + LINGER_TIME.toNanos();
        long dropped = 0;
        try {
            while (dropped < LINGER_BYTES) {
                byte[] bytes = Async.timeout(Duration.ofNanos(deadline - loop.time()),
                        () -> connection.read(READ_CHUNK));
                if (bytes.length == 0) {
                    return; // the client closed too
                }
                dropped += bytes.length;
            }
        } catch (TimeoutException | IOException e) {
            // lingered long enough, or the connection failed: close it
        } catch (RuntimeException e) {
            throw e; // a cancellation stays one
        } catch (Exception e) {
            throw new IllegalStateException(e); // a read throws nothing else
        }
    }
}
