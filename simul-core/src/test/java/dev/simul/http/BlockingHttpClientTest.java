package dev.simul.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.simul.loop.Async;
import dev.simul.loop.EventLoop;
import dev.simul.loop.sync.AsyncEvent;
import dev.simul.net.Tcp;
import dev.simul.net.TcpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The blocking client from plain and virtual threads, against servers on a loop thread of their own. */
@Timeout(30)
class BlockingHttpClientTest {

    private final EventLoop loop = new EventLoop();
    private final Thread loopThread = Thread.ofPlatform().name("test-server-loop").start(() -> {
        try {
            loop.run(() -> Async.await(loop.newFuture())); // until the test stops it
        } catch (Exception ignored) {
            // stopped
        }
    });

    @AfterEach
    void stopServers() throws Exception {
        loop.stop();
        loopThread.join();
        loop.close();
    }

    /** Starts something on the server loop and returns its port. */
    private int serve(Function<EventLoop, AutoCloseable> start) throws Exception {
        CompletableFuture<Integer> port = new CompletableFuture<>();
        loop.callSoonThreadsafe(() -> loop.spawn(() -> {
            try (AutoCloseable server = start.apply(loop)) {
                port.complete(server instanceof HttpServer h ? h.port() : ((TcpServer) server).port());
                Async.await(loop.newFuture()); // open until the loop stops
            } catch (Throwable t) {
                port.completeExceptionally(t);
            }
            return null;
        }));
        return port.get(10, TimeUnit.SECONDS);
    }

    private int http(HttpServer.Handler handler) throws Exception {
        return serve(l -> {
            try {
                return HttpServer.start(HttpServer.Options.loopback(0), handler);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private int raw(TcpServer.Handler handler) throws Exception {
        return serve(l -> {
            try {
                return Tcp.listen("127.0.0.1", 0, 10, handler);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static String text(ClientResponse r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static final HttpServer.Handler SERVER = HttpClientTest.SERVER;

    @Test
    void getsAndPostsAndReusesItsConnection() throws Exception {
        String base = "http://127.0.0.1:" + http(SERVER);
        try (BlockingHttpClient client = new BlockingHttpClient(HttpClient.Options.DEFAULT)) {
            for (int i = 0; i < 5; i++) {
                assertThat(text(client.get(base + "/echo"))).isEqualTo("GET ");
            }
            assertThat(text(client.post(base + "/echo", "text/plain", "payload".getBytes())))
                    .isEqualTo("POST payload");
            assertThat(client.get(base + "/missing").status()).isEqualTo(404);
            assertThat(client.connectionsOpened()).isEqualTo(1);
        }
    }

    @Test
    void followsRedirectsButNotForeverAndKeepsCredentialsWithTheirOrigin() throws Exception {
        String base = "http://127.0.0.1:" + http(SERVER);
        String auth = "http://127.0.0.1:" + http(request -> HttpResponse.text("auth=" + request.headers()
                .get("Authorization"))) + "/";
        int elsewhere = http(request -> HttpResponse.status(302).header("Location", auth));
        try (BlockingHttpClient client = new BlockingHttpClient(HttpClient.Options.DEFAULT)) {
            assertThat(text(client.post(base + "/redirect", "text/plain", "x".getBytes())))
                    .as("a 302 after POST becomes a GET").isEqualTo("GET ");
            assertThatThrownBy(() -> client.get(base + "/loop")).isInstanceOf(IOException.class)
                    .hasMessageContaining("more than 5 redirects");
            Headers secret = new Headers().add("Authorization", "Bearer secret");
            assertThat(text(client.send("GET", auth, secret, null))).isEqualTo("auth=Bearer secret");
            assertThat(text(client.send("GET", "http://127.0.0.1:" + elsewhere + "/", secret, null)))
                    .as("not handed to another origin").isEqualTo("auth=null");
        }
    }

    @Test
    void virtualThreadsShareThePoolWithinItsLimit() throws Exception {
        AtomicInteger now = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        // Set once three requests are in at once: the limit is reached, not just allowed.
        AsyncEvent three = new AsyncEvent();
        String url = "http://127.0.0.1:" + http(request -> {
            if (most.accumulateAndGet(now.incrementAndGet(), Math::max) == 3) {
                three.set();
            }
            three.await();
            Async.sleep(Duration.ofMillis(1));
            now.decrementAndGet();
            return HttpResponse.text("ok");
        }) + "/";
        HttpClient.Options limitOf3 = HttpClient.Options.DEFAULT.withMaxConnectionsPerHost(3);
        try (BlockingHttpClient client = new BlockingHttpClient(limitOf3);
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ClientResponse>> all = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                all.add(threads.submit(() -> client.get(url)));
            }
            for (Future<ClientResponse> f : all) {
                assertThat(f.get().status()).isEqualTo(200);
            }
            assertThat(client.connectionsOpened()).isEqualTo(3);
        }
        assertThat(most.get()).isEqualTo(3);
    }

    @Test
    void timesOutOnASlowServerAndOnAFullPool() throws Exception {
        String slow = "http://127.0.0.1:" + http(SERVER) + "/slow";
        try (BlockingHttpClient impatient = new BlockingHttpClient(HttpClient.Options.DEFAULT.withTimeouts(
                Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofSeconds(10)))) {
            assertThatThrownBy(() -> impatient.get(slow)).isInstanceOf(TimeoutException.class)
                    .hasMessageContaining("nothing read for");
        }
        try (BlockingHttpClient hasty = new BlockingHttpClient(HttpClient.Options.DEFAULT.withMaxConnectionsPerHost(1)
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(200)));
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<ClientResponse> first = threads.submit(() -> hasty.get(slow));
            Future<ClientResponse> second = threads.submit(() -> hasty.get(slow));
            for (Future<ClientResponse> f : List.of(first, second)) {
                assertThatThrownBy(f::get).hasCauseInstanceOf(TimeoutException.class)
                        .hasMessageContaining("total timeout");
            }
        }
    }

    @Test
    void readsChunkedAndCloseDelimitedBodiesAndEnforcesTheBodyLimit() throws Exception {
        String rawBase = "http://127.0.0.1:" + raw(HttpClientTest.FRAMINGS);
        String big = "http://127.0.0.1:" + http(SERVER) + "/big";
        try (BlockingHttpClient client = new BlockingHttpClient(HttpClient.Options.DEFAULT.withMaxBody(1000))) {
            assertThat(text(client.get(rawBase + "/chunked"))).isEqualTo("abcde");
            assertThat(text(client.get(rawBase + "/close"))).isEqualTo("until the end");
            assertThat(client.connectionsOpened()).as("the ended connection was not pooled").isEqualTo(2);
            assertThatThrownBy(() -> client.get(big)).isInstanceOf(IOException.class).hasMessageContaining("body");
        }
    }

    /**
     * Answers one request per connection with keep-alive, then closes it (as a server's idle timeout does) and
     * counts {@code closed} down. The close sends the FIN before it returns, and loopback delivers it within the
     * send, so once {@code closed} is down the client's pooled connection has the server's end waiting in it.
     */
    private int oneRequestPerConnection(AtomicInteger connections, CountDownLatch closed) throws Exception {
        return raw(conn -> {
            connections.incrementAndGet();
            conn.readUntil("\r\n\r\n".getBytes(), 10_000);
            conn.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes());
            conn.drain();
            conn.close();
            closed.countDown();
        });
    }

    @Test
    void aPooledConnectionTheServerClosedIsReplacedForAGet() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        CountDownLatch closed = new CountDownLatch(1);
        String url = "http://127.0.0.1:" + oneRequestPerConnection(connections, closed) + "/";
        try (BlockingHttpClient client = new BlockingHttpClient(HttpClient.Options.DEFAULT)) {
            assertThat(text(client.get(url))).isEqualTo("ok");
            assertThat(closed.await(10, TimeUnit.SECONDS)).as("the server closed the connection").isTrue();
            assertThat(text(client.get(url))).isEqualTo("ok");
            assertThat(connections.get()).isEqualTo(2);
        }
    }

    @Test
    void aPostAfterTheServerClosedThePooledConnectionGoesThrough() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        CountDownLatch closed = new CountDownLatch(1);
        String url = "http://127.0.0.1:" + oneRequestPerConnection(connections, closed) + "/";
        try (BlockingHttpClient client = new BlockingHttpClient(HttpClient.Options.DEFAULT)) {
            assertThat(client.get(url).status()).isEqualTo(200);
            // Not before: a POST sent while the server is still closing fails, and is rightly not sent again.
            assertThat(closed.await(10, TimeUnit.SECONDS)).as("the server closed the connection").isTrue();
            ClientResponse posted = client.post(url, "text/plain", "x".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(posted.body(), StandardCharsets.UTF_8)).isEqualTo("ok");
            assertThat(connections.get()).as("the POST went down a new connection").isEqualTo(2);
        }
    }

    @Test
    void aServerThatNeverReadsCannotHoldARequestPastTheTotalTimeout() throws Exception {
        // The executor is closed last, after the listener: it waits for every thread, the accept's included.
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
             ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Future<Socket> accepted = threads.submit(() -> server.accept()); // and never read
            BlockingHttpClient client = new BlockingHttpClient(HttpClient.Options.DEFAULT
                    .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofSeconds(1)));
            String url = "http://127.0.0.1:" + server.getLocalPort() + "/upload";
            Future<ClientResponse> post = threads.submit(() -> client.post(url, "application/octet-stream",
                    new byte[64 << 20]));
            try {
                post.get(10, TimeUnit.SECONDS);
                fail("a server that reads nothing answered");
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(TimeoutException.class); // what the Javadoc says
            } catch (TimeoutException stillWriting) {
                fail("still blocked in write 10 s after a total timeout of 1 s");
            } finally {
                // A loaded machine can spend the whole total timeout before the client connects, and then no
                // connection ever comes: closing the listener ends the accept either way.
                server.close();
                try {
                    accepted.get().close(); // frees the writer
                } catch (ExecutionException neverConnected) {
                    // the client gave up before it connected: a timeout all the same
                }
                client.close();
            }
        }
    }

    @Test
    void anInterruptedVirtualThreadsRequestIsNotSentAgain() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        AtomicInteger requests = new AtomicInteger();
        String url = "http://127.0.0.1:" + raw(conn -> {
            connections.incrementAndGet();
            while (true) {
                conn.readUntil("\r\n\r\n".getBytes(), 10_000);
                if (requests.incrementAndGet() > 1) {
                    Async.sleep(Duration.ofSeconds(5)); // a slow answer
                }
                conn.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes());
                conn.drain();
            }
        }) + "/";
        try (BlockingHttpClient client = new BlockingHttpClient(HttpClient.Options.DEFAULT)) {
            client.get(url); // pools the connection
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread v = Thread.ofVirtual().start(() -> {
                try {
                    client.get(url);
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            while (requests.get() < 2) {
                Thread.sleep(5); // until the server holds the second request: the client is reading
            }
            v.interrupt();
            v.join();
            assertThat(failure.get()).as("it failed").isNotNull();
            // The interrupt closed the pooled connection, so sending again would have opened another before the
            // call returned: the count is the proof, with no wait for a second request that might still be coming.
            assertThat(client.connectionsOpened()).as("connections opened").isEqualTo(1);
            assertThat(requests.get()).as("requests the server received").isEqualTo(2);
        }
    }

    @Test
    void refusesUrlsItCannotServe() {
        try (BlockingHttpClient client = new BlockingHttpClient(HttpClient.Options.DEFAULT)) {
            assertThatThrownBy(() -> client.get("ftp://example.com/")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("http://");
            assertThatThrownBy(() -> client.get("not a url")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aTlsHandshakeTrickledSlowerThanTheConnectTimeoutFailsAtIt() throws Exception {
        // A byte every 100 ms never trips a per-read timeout of 1 s; the connect timeout bounds the whole handshake.
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread trickler = Thread.ofPlatform().daemon().start(() -> {
                try (Socket s = listener.accept()) {
                    s.getOutputStream().write(new byte[] {0x16, 0x03, 0x03, 0x40, 0x00}); // a 16 KiB record's head
                    for (int i = 0; i < 16_384; i++) {
                        Thread.sleep(100);
                        s.getOutputStream().write(0);
                    }
                } catch (IOException | InterruptedException e) {
                    // the client gave up and closed
                }
            });
            HttpClient.Options options = HttpClient.Options.DEFAULT.withTimeouts(Duration.ofSeconds(1),
                    Duration.ofSeconds(1), Duration.ofMinutes(5));
            try (BlockingHttpClient client = new BlockingHttpClient(options)) {
                assertThatThrownBy(() -> client.get("https://127.0.0.1:" + listener.getLocalPort() + "/"))
                        .isInstanceOf(TimeoutException.class).hasMessageContaining("connecting");
            }
            trickler.interrupt();
        }
    }
}
