package dev.simul.http;

import dev.simul.loop.Async;
import dev.simul.loop.EventLoop;
import dev.simul.loop.sync.AsyncSemaphore;
import dev.simul.net.ByteStream;
import dev.simul.net.StreamProtocol;
import dev.simul.net.TlsStream;
import dev.simul.net.Tcp;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;

/**
 * An HTTP/1.1 client for coroutines of one event loop: keep-alive connections pooled per host (with a limit),
 * Content-Length, chunked and close-delimited bodies, bounded redirects, connect / read / total timeouts and a
 * maximum body size; https through the JDK's SSLEngine ({@link TlsStream}). Loop thread only; every call runs in a
 * coroutine.
 *
 * <p>Pooling: each host has at most {@code maxConnectionsPerHost} connections, in use or idle; a request takes a
 * permit, reuses the most recently used idle connection or opens one, and gives the connection back if the
 * response lets it stay open. A reused connection that the server closed meanwhile fails before any byte of the
 * response; an idempotent request is then retried once on a new connection.
 */
public final class HttpClient implements AutoCloseable {

    /**
     * Client settings.
     *
     * @param maxConnectionsPerHost connections to one host, in use and idle together
     * @param connectTimeout        to open a connection: the TCP connect and, for https, the TLS handshake
     * @param readTimeout           between two reads of a response
     * @param totalTimeout          for a whole request, redirects included
     * @param maxBody               bytes of a response body
     * @param maxRedirects          redirects followed before giving up
     * @param tls                   the TLS settings of https connections (trusted certificates, protocols); null
     *                              for the JVM's default
     */
    public record Options(int maxConnectionsPerHost, Duration connectTimeout, Duration readTimeout,
                          Duration totalTimeout, long maxBody, int maxRedirects, SSLContext tls) {

        /** 10 connections per host, 10 s to connect, 30 s between reads, 60 s in all, 100 MB, 5 redirects. */
        public static final Options DEFAULT = new Options(10, Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofSeconds(60), 100L * 1024 * 1024, 5, null);

        public Options {
            if (maxConnectionsPerHost < 1 || maxRedirects < 0 || maxBody < 0) {
                throw new IllegalArgumentException("unreasonable client options: " + this);
            }
        }

        /** These options with another per-host limit. */
        public Options withMaxConnectionsPerHost(int n) {
            return new Options(n, connectTimeout, readTimeout, totalTimeout, maxBody, maxRedirects, tls);
        }

        /** These options with other timeouts. */
        public Options withTimeouts(Duration connect, Duration read, Duration total) {
            return new Options(maxConnectionsPerHost, connect, read, total, maxBody, maxRedirects, tls);
        }

        /** These options with another body limit. */
        public Options withMaxBody(long bytes) {
            return new Options(maxConnectionsPerHost, connectTimeout, readTimeout, totalTimeout, bytes, maxRedirects,
                    tls);
        }

        /** These options with other TLS settings (a context that trusts a private certificate, say). */
        public Options withTls(SSLContext context) {
            return new Options(maxConnectionsPerHost, connectTimeout, readTimeout, totalTimeout, maxBody, maxRedirects,
                    context);
        }
    }

    private static final int READ_CHUNK = 64 * 1024;

    /** One host's pool. */
    private static final class Host {
        final AsyncSemaphore permits;
        final ArrayDeque<Connection> idle = new ArrayDeque<>();

        Host(int limit) {
            permits = new AsyncSemaphore(limit);
        }
    }

    /** A connection and the parser of its responses; {@code reusable} is false once its end was read. */
    private static final class Connection {
        final ByteStream stream;
        final ResponseParser parser;
        boolean reusable = true;

        Connection(ByteStream stream, ResponseParser parser) {
            this.stream = stream;
            this.parser = parser;
        }

        ByteStream stream() {
            return stream;
        }

        ResponseParser parser() {
            return parser;
        }
    }

    private final Options options;
    private final HttpLimits limits;
    private final Map<String, Host> hosts = new HashMap<>();
    private int opened;

    private static final Map<EventLoop, HttpClient> SHARED = new java.util.WeakHashMap<>();

    /**
     * The current loop's shared client, made with {@code options} on first use and closed with the loop: for
     * independent tasks that should share one pool of connections.
     */
    public static HttpClient shared(Options options) {
        EventLoop loop = Async.loop();
        synchronized (SHARED) {
            HttpClient client = SHARED.get(loop);
            if (client == null) {
                client = new HttpClient(options);
                SHARED.put(loop, client);
                loop.onClose(client::close);
            }
            return client;
        }
    }

    /** A client with {@code options}. */
    public HttpClient(Options options) {
        this.options = options;
        this.limits = ClientRules.limits(options.maxBody());
    }

    /** Connections opened so far (a pooled connection is opened once however often it is used). */
    public int connectionsOpened() {
        return opened;
    }

    /** GETs {@code url}. */
    public ClientResponse get(String url) throws Exception {
        return send("GET", url, new Headers(), null);
    }

    /** POSTs {@code body} to {@code url}. */
    public ClientResponse post(String url, String contentType, byte[] body) throws Exception {
        return send("POST", url, new Headers().add("Content-Type", contentType), body);
    }

    /**
     * Sends a request and returns its response, following redirects.
     *
     * @throws TimeoutException          past the total timeout, or the connect or read timeout
     * @throws IOException               for a refused connection, a malformed or truncated response, too many
     *                                   redirects, or a body over the limit
     * @throws IllegalArgumentException  for a URL that is not http://host[:port]/...
     */
    public ClientResponse send(String method, String url, Headers headers, byte[] body) throws Exception {
        ClientRules.Request first = new ClientRules.Request(method, ClientRules.parse(url), headers, body);
        return Async.timeout(options.totalTimeout(), () -> follow(first));
    }

    private ClientResponse follow(ClientRules.Request request) throws Exception {
        for (int redirects = 0; ; redirects++) {
            ClientResponse response = exchange(request);
            request = ClientRules.redirect(request, response, redirects, options.maxRedirects());
            if (request == null) {
                return response;
            }
        }
    }

    private ClientResponse exchange(ClientRules.Request request) throws Exception {
        Host host = hosts.computeIfAbsent(request.origin(), k -> new Host(options.maxConnectionsPerHost()));
        ByteBuffer bytes = ClientRules.encode(request);
        String method = request.method();
        URI uri = request.uri();
        int port = request.port();
        boolean https = request.https();
        host.permits.acquire();
        try {
            Connection connection = host.idle.pollLast();
            while (connection != null && !connection.stream().isIdle()) {
                connection.stream().close(); // the server closed it, or sent bytes nobody asked for
                connection = host.idle.pollLast();
            }
            boolean reused = connection != null;
            if (connection == null) {
                connection = open(uri.getHost(), port, https);
            }
            try {
                ClientResponse response = roundTrip(connection, method, bytes.duplicate());
                keepOrClose(host, connection, response, request);
                return response;
            } catch (ClientRules.StaleConnection stale) {
                connection.stream().close();
                if (!reused || !ClientRules.IDEMPOTENT.contains(method)) {
                    throw stale.getCause();
                }
                Connection fresh = open(uri.getHost(), port, https); // the server closed the idle one: once more
                try {
                    ClientResponse response = roundTrip(fresh, method, bytes.duplicate());
                    keepOrClose(host, fresh, response, request);
                    return response;
                } catch (ClientRules.StaleConnection again) {
                    fresh.stream().close();
                    throw again.getCause();
                } catch (Exception e) {
                    fresh.stream().close();
                    throw e;
                }
            } catch (Exception e) {
                connection.stream().close();
                throw e;
            }
        } finally {
            host.permits.release();
        }
    }

    private Connection open(String host, int port, boolean https) throws Exception {
        long start = Async.loop().time();
        StreamProtocol raw = Tcp.connect(host, port, options.connectTimeout());
        ByteStream stream = raw;
        if (https) {
            try {
                SSLContext context = options.tls() != null ? options.tls() : SSLContext.getDefault();
                // The connect timeout covers the handshake too: what the TCP connect left of it.
                Duration left = options.connectTimeout().minusNanos(Async.loop().time() - start);
                stream = Async.timeout(left, () -> TlsStream.client(raw, context, host, port));
            } catch (Exception e) {
                raw.close();
                throw e;
            }
        }
        opened++;
        return new Connection(stream, new ResponseParser(limits));
    }

    private void keepOrClose(Host host, Connection connection, ClientResponse response, ClientRules.Request sent) {
        if (ClientRules.keepable(sent, response, !connection.reusable, connection.parser().inMessage())
                && host.idle.size() < options.maxConnectionsPerHost()) {
            host.idle.addLast(connection);
        } else {
            connection.stream().close();
        }
    }

    private ClientResponse roundTrip(Connection connection, String method, ByteBuffer request) throws Exception {
        ByteStream stream = connection.stream();
        ResponseParser parser = connection.parser();
        parser.expect(method);
        boolean received = false;
        try {
            stream.write(request);
            while (true) {
                ClientResponse response = parser.next();
                if (response != null) {
                    return response;
                }
                byte[] bytes = Async.timeout(options.readTimeout(), () -> stream.read(READ_CHUNK));
                if (bytes.length == 0) {
                    connection.reusable = false;
                    return ClientRules.lastResponse(parser);
                }
                received = true;
                parser.feed(ByteBuffer.wrap(bytes));
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

    /** Closes the idle connections. */
    @Override
    public void close() {
        for (Host host : hosts.values()) {
            for (Connection c : host.idle) {
                c.stream().close();
            }
            host.idle.clear();
        }
    }
}
