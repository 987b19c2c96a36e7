package dev.simul.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The blocking twin of {@link HttpClient}, for threads, virtual ones above all (a virtual thread blocked on a
 * socket holds no OS thread): the same options, parser, limits, redirect rules and per-host pooling, on plain
 * sockets. Any number of threads may share one.
 *
 * <p>Pooling: each host has at most {@code maxConnectionsPerHost} connections, in use or idle; a request waits
 * (first come, first served) for a permit, reuses the most recently used idle connection or opens one, and gives
 * it back if the response lets it stay open. A reused connection that the server closed meanwhile fails before any
 * byte of the response; an idempotent request is then retried once on a new connection. Timeouts: connect and
 * read (no byte for that long) on the socket, and the total one across waiting for a permit, redirects included.
 * Writes are bounded by the total timeout too. An interrupted virtual thread's request fails at once and is not
 * sent again; a platform thread's waits out its read timeout. Before a request that must not be sent twice (a
 * POST) goes down a pooled connection, the client waits 1 ms to see that the server has not closed it.
 */
public final class BlockingHttpClient implements AutoCloseable {

    /** Bytes read at once; a pooled connection keeps its buffer. */
    private static final int READ_CHUNK = 16 * 1024;
    /** Requests up to this size are written without a watchdog: an idle connection's socket buffer takes them. */
    private static final int UNWATCHED_WRITE = 64 * 1024;

    private final HttpClient.Options options;
    private final HttpLimits limits;
    private final ConcurrentHashMap<String, Host> hosts = new ConcurrentHashMap<>();
    private final AtomicInteger opened = new AtomicInteger();
    private volatile boolean closed;

    /** One host's pool; {@code idle} is guarded by itself. */
    private static final class Host {
        final Semaphore permits;
        final ArrayDeque<Connection> idle = new ArrayDeque<>();

        Host(int limit) {
            permits = new Semaphore(limit, true);
        }
    }

    /** A connection and the parser of its responses; {@code ended} once the server's end was read. */
    private static final class Connection {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        final ResponseParser parser;
        final byte[] buffer = new byte[READ_CHUNK];
        boolean ended;

        Connection(Socket socket, HttpLimits limits) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
            this.parser = new ResponseParser(limits);
        }

        /**
         * Whether the server has left this idle connection alone: waits 1 ms for a byte, which must not come (the
         * end, or bytes nobody asked for, mean it is unfit). OkHttp does the same before a non-idempotent request.
         */
        boolean healthy() {
            try {
                socket.setSoTimeout(1);
                in.read(); // -1: the server closed it; a byte: one nobody asked for
                return false;
            } catch (SocketTimeoutException quiet) {
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // gone either way
            }
        }
    }

    /** A client with {@code options} (those of the loop's client: limits, timeouts, redirects, TLS). */
    public BlockingHttpClient(HttpClient.Options options) {
        this.options = options;
        this.limits = ClientRules.limits(options.maxBody());
    }

    /** Connections opened so far (a pooled connection is opened once however often it is used). */
    public int connectionsOpened() {
        return opened.get();
    }

    /** GETs {@code url}. */
    public ClientResponse get(String url) throws IOException, InterruptedException, TimeoutException {
        return send("GET", url, new Headers(), null);
    }

    /** POSTs {@code body} to {@code url}. */
    public ClientResponse post(String url, String contentType, byte[] body)
            throws IOException, InterruptedException, TimeoutException {
        return send("POST", url, new Headers().add("Content-Type", contentType), body);
    }

    /**
     * Sends a request and returns its response, following redirects.
     *
     * @throws TimeoutException          past the total timeout, or the connect or read timeout
     * @throws IOException               for a refused connection, a malformed or truncated response, too many
     *                                   redirects, or a body over the limit
     * @throws InterruptedException      if the thread was interrupted while it waited for a connection
     * @throws IllegalArgumentException  for a URL that is not http://host[:port]/...
     */
    public ClientResponse send(String method, String url, Headers headers, byte[] body)
            throws IOException, InterruptedException, TimeoutException {
        ClientRules.Request request = new ClientRules.Request(method, ClientRules.parse(url), headers, body);
        long deadline = System.nanoTime() + options.totalTimeout().toNanos();
        for (int redirects = 0; ; redirects++) {
            ClientResponse response = exchange(request, deadline);
            request = ClientRules.redirect(request, response, redirects, options.maxRedirects());
            if (request == null) {
                return response;
            }
        }
    }

    private ClientResponse exchange(ClientRules.Request request, long deadline)
            throws IOException, InterruptedException, TimeoutException {
        Host host = hosts.computeIfAbsent(request.origin(), k -> new Host(options.maxConnectionsPerHost()));
        ByteBuffer bytes = ClientRules.encode(request);
        if (!host.permits.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            throw new TimeoutException("no connection to " + request.origin()
                    + " came free within the total timeout of " + options.totalTimeout());
        }
        try {
            Connection connection;
            synchronized (host.idle) {
                connection = host.idle.pollLast();
            }
            if (connection != null && !ClientRules.IDEMPOTENT.contains(request.method()) && !connection.healthy()) {
                connection.close(); // what cannot be sent twice goes only down a connection known to be open
                connection = null;
            }
            boolean reused = connection != null;
            if (connection == null) {
                connection = open(request, deadline);
            }
            for (boolean retried = false; ; retried = true) {
                try {
                    ClientResponse response = roundTrip(connection, request, bytes, deadline);
                    keepOrClose(host, connection, response, request);
                    return response;
                } catch (ClientRules.StaleConnection stale) {
                    connection.close();
                    if (!reused || retried || !ClientRules.IDEMPOTENT.contains(request.method())
                            || Thread.currentThread().isInterrupted()) { // interrupted: the JDK closed the socket
                        throw stale.getCause();
                    }
                    connection = open(request, deadline); // the server closed the idle one: once more
                } catch (IOException | TimeoutException | RuntimeException | Error e) {
                    connection.close();
                    throw e;
                }
            }
        } finally {
            host.permits.release();
        }
    }

    private Connection open(ClientRules.Request request, long deadline) throws IOException, TimeoutException {
        String name = request.uri().getHost();
        int port = request.port();
        Socket socket = new Socket();
        long start = System.nanoTime();
        try {
            socket.setTcpNoDelay(true);
            int connectMillis = millis(Math.min(options.connectTimeout().toNanos(), deadline - start));
            socket.connect(new InetSocketAddress(name, port), connectMillis);
            if (request.https()) {
                SSLContext context = options.tls() != null ? options.tls() : SSLContext.getDefault();
                SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, name, port, true);
                SSLParameters parameters = tls.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name this host
                tls.setSSLParameters(parameters);
                // The connect timeout covers the handshake too: what the TCP connect left of it, in all.
                long handshakeDeadline = Math.min(start + options.connectTimeout().toNanos(), deadline);
                tls.setSoTimeout(millis(handshakeDeadline - System.nanoTime()));
                try (Deadline bound = new Deadline(socket, handshakeDeadline)) {
                    try {
                        tls.startHandshake();
                    } catch (IOException e) {
                        if (bound.stop()) {
                            throw new SocketTimeoutException("the handshake outlasted the connect timeout");
                        }
                        throw e;
                    }
                    if (bound.stop()) {
                        throw new SocketTimeoutException("the handshake outlasted the connect timeout");
                    }
                }
                socket = tls;
            }
            Connection connection = new Connection(socket, limits);
            opened.incrementAndGet();
            return connection;
        } catch (SocketTimeoutException e) {
            socket.close();
            throw new TimeoutException("connecting to " + name + ":" + port + " took longer than "
                    + options.connectTimeout());
        } catch (java.security.NoSuchAlgorithmException e) {
            socket.close();
            throw new IOException("no default TLS context", e);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private void keepOrClose(Host host, Connection connection, ClientResponse response, ClientRules.Request sent) {
        if (ClientRules.keepable(sent, response, connection.ended, connection.parser.inMessage())) {
            synchronized (host.idle) { // closed is read under the lock that close() empties the pool under
                if (!closed && host.idle.size() < options.maxConnectionsPerHost()) {
                    host.idle.addLast(connection);
                    return;
                }
            }
        }
        connection.close();
    }

    private ClientResponse roundTrip(Connection connection, ClientRules.Request request, ByteBuffer bytes,
                                     long deadline) throws IOException, TimeoutException, ClientRules.StaleConnection {
        ResponseParser parser = connection.parser;
        parser.expect(request.method());
        boolean received = false;
        try {
            write(connection, bytes, deadline);
            while (true) {
                ClientResponse response = parser.next();
                if (response != null) {
                    return response;
                }
                int n = read(connection, deadline);
                if (n < 0) {
                    connection.ended = true;
                    return ClientRules.lastResponse(parser);
                }
                received = true;
                // Read-only: the parser copies it, since the buffer is read into again.
                parser.feed(ByteBuffer.wrap(connection.buffer, 0, n).asReadOnlyBuffer());
            }
        } catch (HttpException e) {
            throw new IOException("bad response: " + e.getMessage(), e);
        } catch (IOException e) {
            if (!received) {
                throw new ClientRules.StaleConnection(e);
            }
            throw e;
        }
    }

    /**
     * Sends the request. A socket has no write timeout, so past what the socket's buffer surely takes at once, a
     * {@link Deadline} closes the socket at the deadline: a server that never reads cannot hold the caller forever.
     */
    private void write(Connection connection, ByteBuffer bytes, long deadline) throws IOException, TimeoutException {
        if (bytes.remaining() <= UNWATCHED_WRITE) {
            connection.out.write(bytes.array(), bytes.arrayOffset(), bytes.remaining());
            return;
        }
        try (Deadline bound = new Deadline(connection.socket, deadline)) {
            try {
                connection.out.write(bytes.array(), bytes.arrayOffset(), bytes.remaining());
            } catch (IOException e) {
                if (bound.stop()) {
                    throw new TimeoutException("the server took no more of the request within the total timeout of "
                            + options.totalTimeout());
                }
                throw e;
            }
        }
    }

    /**
     * The bound of a blocking call that has no timeout of its own (a write, a TLS handshake): a virtual thread
     * closes the socket at the deadline unless {@link #stop()} came first. Once {@code stop()} has returned,
     * whether it fired is settled: it fires under the same lock, so a call that ended in time is not cut after.
     */
    private static final class Deadline implements AutoCloseable {
        private final Thread watchdog;
        private boolean done; // guarded by this
        private boolean fired; // guarded by this

        Deadline(Socket socket, long deadlineNanos) {
            watchdog = Thread.ofVirtual().name("simul-http-deadline").start(() -> {
                try {
                    TimeUnit.NANOSECONDS.sleep(deadlineNanos - System.nanoTime());
                } catch (InterruptedException inTime) {
                    return;
                }
                synchronized (this) {
                    if (done) {
                        return;
                    }
                    fired = true;
                    try {
                        socket.close();
                    } catch (IOException ignored) {
                        // closed either way
                    }
                }
            });
        }

        /** Stops the watch; returns whether the deadline came first (the socket is then closed). */
        synchronized boolean stop() {
            done = true;
            watchdog.interrupt();
            return fired;
        }

        @Override
        public void close() {
            stop();
        }
    }

    /** Reads what has come, waiting at most the read timeout and never past the deadline; -1 at the end. */
    private int read(Connection connection, long deadline) throws IOException, TimeoutException {
        long left = deadline - System.nanoTime();
        long wait = Math.min(options.readTimeout().toNanos(), left);
        if (wait <= 0) {
            throw new TimeoutException("no answer within the total timeout of " + options.totalTimeout());
        }
        connection.socket.setSoTimeout(millis(wait));
        try {
            return connection.in.read(connection.buffer);
        } catch (SocketTimeoutException e) {
            throw new TimeoutException(wait < options.readTimeout().toNanos()
                    ? "no answer within the total timeout of " + options.totalTimeout()
                    : "nothing read for " + options.readTimeout());
        }
    }

    /** Nanoseconds as a socket timeout: whole milliseconds, at least 1 (0 would mean no limit). */
    private static int millis(long nanos) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999)));
    }

    /** Closes the idle connections; those in use close when their exchange ends. */
    @Override
    public void close() {
        closed = true;
        for (Host host : hosts.values()) {
            synchronized (host.idle) {
                for (Connection c : host.idle) {
                    c.close();
                }
                host.idle.clear();
            }
        }
    }
}
