package dev.simul.http;

import dev.simul.loop.Async;
import dev.simul.loop.EventLoop;
import dev.simul.loop.LoopFuture;
import dev.simul.loop.Scheduled;
import dev.simul.net.Protocol;
import dev.simul.net.TcpServer;
import dev.simul.net.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * An HTTP/1.1 server on one event loop: keep-alive, pipelining, Content-Length and chunked request bodies,
 * limits on every part of a request, and timeouts against slow clients. Binds 127.0.0.1 unless told otherwise.
 *
 * <p>Each connection has one coroutine that answers its requests in order; the {@link Handler} runs in it and may
 * wait ({@code Async.sleep}, {@code Async.await}) without holding up other connections.
 *
 * <p>Misbehaving clients: malformed input gets 400 (505 for another HTTP version), an over-long request line
 * 414, too many or too large header fields 431, a body over the limit 413; a request whose head does not arrive
 * within the header timeout gets 408 (slowloris); a connection idle past the idle timeout is closed. Each of
 * these closes that connection only: the loop and the other connections go on.
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
     * @param host           the address to bind
     * @param port           the port, 0 for any free one
     * @param maxConnections connections open at once; beyond, new ones wait in the backlog
     * @param limits         per-request limits
     * @param headerTimeout  from a request's first byte to the end of its head
     * @param idleTimeout    between requests on a kept-alive connection
     * @param maxPipelined   parsed requests waiting for their turn on one connection before reading pauses
     */
    public record Options(String host, int port, int maxConnections, HttpLimits limits,
                          Duration headerTimeout, Duration idleTimeout, int maxPipelined) {

        /** Loopback, the given port, 10,000 connections, default limits, 10 s header and 60 s idle timeouts. */
        public static Options loopback(int port) {
            return new Options("127.0.0.1", port, 10_000, HttpLimits.DEFAULT, Duration.ofSeconds(10),
                    Duration.ofSeconds(60), 16);
        }

        /** These options with other timeouts. */
        public Options withTimeouts(Duration header, Duration idle) {
            return new Options(host, port, maxConnections, limits, header, idle, maxPipelined);
        }

        /** These options with other limits. */
        public Options withLimits(HttpLimits newLimits) {
            return new Options(host, port, maxConnections, newLimits, headerTimeout, idleTimeout, maxPipelined);
        }

        /** These options bound to another address. */
        public Options withHost(String newHost) {
            return new Options(newHost, port, maxConnections, limits, headerTimeout, idleTimeout, maxPipelined);
        }
    }

    private static final System.Logger LOG = System.getLogger(HttpServer.class.getName());

    private final EventLoop loop;
    private final Handler handler;
    private final Options options;
    private final TcpServer tcp;

    private HttpServer(EventLoop loop, Handler handler, Options options) throws IOException {
        this.loop = loop;
        this.handler = handler;
        this.options = options;
        tcp = new TcpServer(loop, new InetSocketAddress(options.host(), options.port()), options.maxConnections(),
                Connection::new);
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
     * One connection: the transport's callbacks parse requests into {@code pending}; the coroutine answers them in
     * order. Invariant: at most one of the header and idle timers is armed, and only while no request is being
     * answered.
     */
    private final class Connection implements Protocol {

        private final RequestParser parser = new RequestParser(options.limits());
        private final ArrayDeque<Object> pending = new ArrayDeque<>(); // HttpRequest, or HttpException to answer
        private Transport transport;
        private LoopFuture<Void> wakeUp;
        private LoopFuture<Void> drained;
        private Scheduled timer;
        private boolean refusing;
        private boolean lost;
        private boolean writingPaused;

        @Override
        public void connectionMade(Transport t) {
            transport = t;
            armIdle();
            loop.spawn(this::serve, "http " + t.remoteAddress());
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            if (refusing) {
                return; // an error answer is on its way; what follows is ignored
            }
            boolean wasIdle = !parser.inRequest();
            parser.feed(data);
            if (wasIdle && parser.inRequest()) {
                armHeaderTimeout();
            }
            try {
                for (HttpRequest r; (r = parser.next()) != null; ) {
                    pending.add(r);
                    if (!parser.inRequest()) {
                        disarm();
                    }
                }
            } catch (HttpException e) {
                refusing = true;
                pending.add(e);
            }
            if (pending.size() >= options.maxPipelined()) {
                transport.pauseReading();
            }
            wake();
        }

        @Override
        public boolean eofReceived() {
            pending.add(EOF);
            wake();
            return true; // answer what was asked, then close
        }

        @Override
        public void pauseWriting() {
            writingPaused = true;
        }

        @Override
        public void resumeWriting() {
            writingPaused = false;
            if (drained != null) {
                drained.complete(null);
            }
        }

        @Override
        public void connectionLost(Throwable cause) {
            lost = true;
            disarm();
            wake();
            if (drained != null) {
                drained.complete(null);
            }
        }

        private void wake() {
            if (wakeUp != null) {
                wakeUp.complete(null);
            }
        }

        /** The connection's coroutine: answers requests in order until the connection ends. */
        private Void serve() {
            while (!lost) {
                while (pending.isEmpty() && !lost) {
                    wakeUp = loop.newFuture();
                    Async.await(wakeUp);
                    wakeUp = null;
                }
                if (lost) {
                    break;
                }
                Object next = pending.poll();
                if (transport.isReadingPaused() && pending.size() < options.maxPipelined()) {
                    transport.resumeReading();
                }
                if (next == EOF) {
                    transport.close();
                    break;
                }
                if (next instanceof HttpException refused) {
                    transport.write(HttpResponse.status(refused.status()).encode(true, false));
                    transport.close();
                    break;
                }
                HttpRequest request = (HttpRequest) next;
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
                if (lost) {
                    break;
                }
                boolean close = !request.keepAlive();
                transport.write(response.encode(close, request.method().equals("HEAD")));
                if (close) {
                    transport.close();
                    break;
                }
                while (writingPaused && !lost) {
                    drained = loop.newFuture();
                    Async.await(drained); // backpressure: answer the next request once this one is on its way
                    drained = null;
                }
                if (pending.isEmpty() && !parser.inRequest()) {
                    armIdle();
                }
            }
            return null;
        }

        private void armIdle() {
            disarm();
            timer = loop.callLater(options.idleTimeout(), transport::close);
        }

        private void armHeaderTimeout() {
            disarm();
            timer = loop.callLater(options.headerTimeout(), () -> {
                refusing = true;
                pending.add(new HttpException(408, "request head not received within "
                        + options.headerTimeout()));
                wake();
            });
        }

        private void disarm() {
            if (timer != null) {
                timer.cancel();
                timer = null;
            }
        }
    }

    /** Marks the end of the client's stream in a connection's queue. */
    private static final Object EOF = new Object();
}
