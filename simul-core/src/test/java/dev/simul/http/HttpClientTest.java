package dev.simul.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simul.loop.Async;
import dev.simul.loop.Coroutine;
import dev.simul.loop.EventLoop;
import dev.simul.loop.VirtualClock;
import dev.simul.net.Tcp;
import dev.simul.net.TcpServer;
import dev.simul.testing.FullBacklog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client against the loop's own server (and raw TCP servers for what ours never sends), on one loop. */
@Timeout(30)
class HttpClientTest {

    private static <T> T onLoop(Callable<T> main) throws Exception {
        try (EventLoop loop = new EventLoop()) {
            return loop.run(main);
        }
    }

    /**
     * On virtual time: the loop runs ready I/O before it moves the clock, and loopback delivers a write before the
     * write returns, so a timeout's time is exact and takes no wall time.
     */
    private static <T> T onVirtualLoop(Callable<T> main) throws Exception {
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            return loop.run(main);
        }
    }

    /** Asserts that {@code call} fails with {@code expected}; returns how long that took on the loop's clock. */
    private static Duration failsAfter(Callable<?> call, Class<? extends Throwable> expected) {
        long start = Async.loop().time();
        assertThatThrownBy(call::call).isInstanceOf(expected);
        return Duration.ofNanos(Async.loop().time() - start);
    }

    private static String text(ClientResponse r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** A server of a few paths, for the blocking client's tests too. */
    static final HttpServer.Handler SERVER = request -> switch (request.path()) {
        case "/echo" -> HttpResponse.text(request.method() + " " + new String(request.body(), StandardCharsets.UTF_8));
        case "/redirect" -> HttpResponse.status(302).header("Location", "/echo?from=redirect");
        case "/loop" -> HttpResponse.status(302).header("Location", "/loop");
        case "/slow" -> {
            Async.sleep(Duration.ofSeconds(5));
            yield HttpResponse.text("late");
        }
        case "/big" -> HttpResponse.of(200, "application/octet-stream", new byte[10_000]);
        default -> HttpResponse.status(404);
    };

    @Test
    void getsAndPostsAndReusesItsConnections() throws Exception {
        List<String> got = onLoop(() -> {
            try (HttpServer server = HttpServer.start(HttpServer.Options.loopback(0), SERVER);
                 HttpClient client = new HttpClient(HttpClient.Options.DEFAULT)) {
                String base = "http://127.0.0.1:" + server.port();
                List<String> out = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    out.add(text(client.get(base + "/echo")));
                }
                out.add(text(client.post(base + "/echo", "text/plain", "payload".getBytes())));
                out.add(client.get(base + "/missing").status() + "");
                out.add("opened " + client.connectionsOpened());
                return out;
            }
        });
        assertThat(got).containsExactly("GET ", "GET ", "GET ", "GET ", "GET ", "POST payload", "404", "opened 1");
    }

    @Test
    void followsRedirectsButNotForever() throws Exception {
        onLoop(() -> {
            try (HttpServer server = HttpServer.start(HttpServer.Options.loopback(0), SERVER);
                 HttpClient client = new HttpClient(HttpClient.Options.DEFAULT)) {
                String base = "http://127.0.0.1:" + server.port();
                ClientResponse redirected = client.post(base + "/redirect", "text/plain", "x".getBytes());
                assertThat(text(redirected)).isEqualTo("GET "); // a 302 after POST becomes a GET
                assertThatThrownBy(() -> client.get(base + "/loop")).isInstanceOf(IOException.class)
                        .hasMessageContaining("more than 5 redirects");
            }
            return null;
        });
    }

    @Test
    void limitsConnectionsPerHostAndTimesOut() throws Exception {
        int[] most = {0};
        int[] now = {0};
        // Virtual time: no handler's 20 ms sleep ends while a request already sent is unread, however loaded the
        // machine, so three handlers really are in at once.
        onVirtualLoop(() -> {
            try (HttpServer server = HttpServer.start(HttpServer.Options.loopback(0), request -> {
                most[0] = Math.max(most[0], ++now[0]);
                Async.sleep(Duration.ofMillis(20));
                now[0]--;
                return HttpResponse.text("ok");
            }); HttpClient client = new HttpClient(HttpClient.Options.DEFAULT.withMaxConnectionsPerHost(3))) {
                String url = "http://127.0.0.1:" + server.port() + "/";
                List<Coroutine<ClientResponse>> all = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    all.add(Async.spawn(() -> client.get(url)));
                }
                assertThat(Async.gather(all)).hasSize(12).allMatch(r -> r.status() == 200);
                assertThat(client.connectionsOpened()).isEqualTo(3);
            }
            try (HttpServer server = HttpServer.start(HttpServer.Options.loopback(0), SERVER);
                 HttpClient impatient = new HttpClient(HttpClient.Options.DEFAULT.withTimeouts(Duration.ofSeconds(5),
                         Duration.ofMillis(100), Duration.ofSeconds(10)))) {
                assertThatThrownBy(() -> impatient.get("http://127.0.0.1:" + server.port() + "/slow"))
                        .isInstanceOf(TimeoutException.class);
            }
            return null;
        });
        assertThat(most[0]).isEqualTo(3);
    }

    /** Answers GET /chunked with a chunked body, anything else with a body that runs until the connection ends. */
    static final TcpServer.Handler FRAMINGS = conn -> {
        String head = new String(conn.readUntil("\r\n\r\n".getBytes(), 10_000), StandardCharsets.UTF_8);
        if (head.startsWith("GET /chunked")) {
            conn.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
                    .getBytes());
        } else {
            conn.write("HTTP/1.0 200 OK\r\n\r\nuntil the end".getBytes());
        }
        conn.drain();
        Async.sleep(Duration.ofMillis(20));
    };

    @Test
    void readsChunkedAndCloseDelimitedBodiesAndEnforcesTheBodyLimit() throws Exception {
        onLoop(() -> {
            try (TcpServer raw = Tcp.listen("127.0.0.1", 0, 10, FRAMINGS);
                 HttpServer server = HttpServer.start(HttpServer.Options.loopback(0), SERVER);
                 HttpClient client = new HttpClient(HttpClient.Options.DEFAULT.withMaxBody(1000))) {
                String rawBase = "http://127.0.0.1:" + raw.port();
                assertThat(text(client.get(rawBase + "/chunked"))).isEqualTo("abcde");
                assertThat(text(client.get(rawBase + "/close"))).isEqualTo("until the end");
                assertThatThrownBy(() -> client.get("http://127.0.0.1:" + server.port() + "/big"))
                        .isInstanceOf(IOException.class).hasMessageContaining("body");
            }
            return null;
        });
    }

    @Test
    void aConnectionThatEndedIsNotReusedAndCredentialsStayWithTheirOrigin() throws Exception {
        onLoop(() -> {
            try (TcpServer raw = Tcp.listen("127.0.0.1", 0, 10, conn -> {
                conn.readUntil("\r\n\r\n".getBytes(), 10_000);
                conn.write("HTTP/1.1 200 OK\r\n\r\nbody until close".getBytes()); // no framing: ends with close
            }); HttpServer other = HttpServer.start(HttpServer.Options.loopback(0), request ->
                    HttpResponse.text("auth=" + request.headers().get("Authorization")));
                 HttpServer redirecting = HttpServer.start(HttpServer.Options.loopback(0), request ->
                         HttpResponse.status(302).header("Location", "http://127.0.0.1:" + other.port() + "/")
                 ); HttpClient client = new HttpClient(HttpClient.Options.DEFAULT)) {
                String url = "http://127.0.0.1:" + raw.port() + "/";
                assertThat(text(client.get(url))).isEqualTo("body until close");
                assertThat(text(client.post(url, "text/plain", "x".getBytes()))).isEqualTo("body until close");
                assertThat(client.connectionsOpened()).as("the ended connection was not pooled").isEqualTo(2);
                ClientResponse moved = client.send("GET", "http://127.0.0.1:" + redirecting.port() + "/",
                        new Headers().add("Authorization", "Bearer secret"), null);
                assertThat(text(moved)).isEqualTo("auth=null");
            }
            return null;
        });
    }

    @Test
    void aConnectThatIsNotAnsweredFailsAtTheConnectTimeoutAndKeepsNoPlaceInThePool() throws Exception {
        Duration connect = Duration.ofSeconds(1);
        try (FullBacklog full = new FullBacklog()) {
            onVirtualLoop(() -> {
                try (HttpClient client = new HttpClient(HttpClient.Options.DEFAULT.withMaxConnectionsPerHost(1)
                        .withTimeouts(connect, Duration.ofSeconds(30), Duration.ofSeconds(60)))) {
                    String url = "http://127.0.0.1:" + full.port() + "/";
                    // A second request with a limit of 1 waits for the first's place in the pool if it was kept,
                    // and then fails at the total timeout instead.
                    for (int i = 0; i < 2; i++) {
                        assertThat(failsAfter(() -> client.get(url), TimeoutException.class))
                                .as("request %d failed at the connect timeout", i).isEqualTo(connect);
                    }
                    assertThat(client.connectionsOpened()).isZero();
                }
                return null;
            });
        }
    }

    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    /** Answers GET /trickle a byte every 100 ms, anything else at once, as many requests as come on a connection. */
    private static final TcpServer.Handler TRICKLE = conn -> {
        try {
            while (true) {
                String head = new String(conn.readUntil("\r\n\r\n".getBytes(), 10_000), StandardCharsets.UTF_8);
                byte[] answer = OK.getBytes(StandardCharsets.ISO_8859_1);
                if (head.startsWith("GET /trickle")) {
                    for (byte b : answer) {
                        conn.write(new byte[] {b});
                        conn.drain();
                        Async.sleep(Duration.ofMillis(100));
                    }
                } else {
                    conn.write(answer);
                    conn.drain();
                }
            }
        } catch (IOException clientWentAway) {
            // the client closed the connection
        }
    };

    @Test
    void anAnswerSlowerThanTheTotalTimeoutFailsAtItAndItsConnectionIsNotPooled() throws Exception {
        // Every byte comes well within the read timeout; the whole answer (3.8 s) does not come within the total.
        Duration total = Duration.ofMillis(950); // between two bytes: none is left unread when it expires
        onVirtualLoop(() -> {
            try (TcpServer server = Tcp.listen("127.0.0.1", 0, 10, TRICKLE);
                 HttpClient client = new HttpClient(HttpClient.Options.DEFAULT.withMaxConnectionsPerHost(1)
                         .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(30), total))) {
                String base = "http://127.0.0.1:" + server.port();
                assertThat(failsAfter(() -> client.get(base + "/trickle"), TimeoutException.class)).isEqualTo(total);
                // Had the half-read connection gone back to the pool, this would get the rest of the trickle on it.
                assertThat(text(client.get(base + "/fast"))).isEqualTo("ok");
                assertThat(client.connectionsOpened()).as("a new connection for the next request").isEqualTo(2);
            }
            return null;
        });
    }

    /**
     * Answers the first request on each connection with keep-alive, then takes the next one and closes without
     * answering: what a client sees when the server's idle timeout closes the pooled connection just as the request
     * goes out (the client cannot see the close coming). With {@code dropAll} set, it answers no request at all.
     */
    private static TcpServer.Handler answersOnePerConnection(AtomicInteger requests, AtomicBoolean dropAll) {
        return conn -> {
            for (int n = 0; ; n++) {
                String head;
                try {
                    head = new String(conn.readUntil("\r\n\r\n".getBytes(), 10_000), StandardCharsets.UTF_8);
                } catch (IOException clientWentAway) {
                    return;
                }
                requests.incrementAndGet();
                for (String line : head.split("\r\n")) {
                    if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                        conn.readExactly(Integer.parseInt(line.substring(15).trim())); // all read: a clean close
                    }
                }
                if (n > 0 || dropAll.get()) {
                    return;
                }
                conn.write(OK.getBytes(StandardCharsets.ISO_8859_1));
                conn.drain();
            }
        };
    }

    @Test
    void aGetOnAPooledConnectionTheServerClosedIsRetriedOnceOnANewOne() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        AtomicBoolean dropAll = new AtomicBoolean();
        onLoop(() -> {
            try (TcpServer server = Tcp.listen("127.0.0.1", 0, 10, answersOnePerConnection(requests, dropAll));
                 HttpClient client = new HttpClient(HttpClient.Options.DEFAULT)) {
                String url = "http://127.0.0.1:" + server.port() + "/";
                assertThat(text(client.get(url))).isEqualTo("ok"); // pools the connection
                assertThat(text(client.get(url))).as("the caller sees a normal response").isEqualTo("ok");
                assertThat(client.connectionsOpened()).isEqualTo(2);
                assertThat(requests.get()).isEqualTo(3);
                dropAll.set(true); // the pooled connection drops the next request, and so does the new one
                assertThatThrownBy(() -> client.get(url)).isInstanceOf(IOException.class)
                        .hasMessageContaining("without answering");
                assertThat(client.connectionsOpened()).as("retried once, not again").isEqualTo(3);
                assertThat(requests.get()).isEqualTo(5);
            }
            return null;
        });
    }

    @Test
    void aPostOnAPooledConnectionTheServerClosedIsNotSentAgain() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        onLoop(() -> {
            try (TcpServer server = Tcp.listen("127.0.0.1", 0, 10,
                    answersOnePerConnection(requests, new AtomicBoolean()));
                 HttpClient client = new HttpClient(HttpClient.Options.DEFAULT)) {
                String url = "http://127.0.0.1:" + server.port() + "/";
                assertThat(text(client.get(url))).isEqualTo("ok"); // pools the connection
                // The server may have acted on a POST it took before it closed: the client cannot tell.
                assertThatThrownBy(() -> client.post(url, "text/plain", "x".getBytes(StandardCharsets.UTF_8)))
                        .isInstanceOf(IOException.class).hasMessageContaining("without answering");
                assertThat(client.connectionsOpened()).isEqualTo(1);
                assertThat(requests.get()).as("the POST went once").isEqualTo(2);
            }
            return null;
        });
    }

    @Test
    void aPooledConnectionTheServerClosedWhileIdleIsReplacedBeforeAGetOrAPost() throws Exception {
        // The server closes after each answer; by the next request the client has seen it, and sends on a new one.
        AtomicInteger connections = new AtomicInteger();
        onVirtualLoop(() -> {
            try (TcpServer server = Tcp.listen("127.0.0.1", 0, 10, conn -> {
                connections.incrementAndGet();
                conn.readUntil("\r\n\r\n".getBytes(), 10_000);
                conn.write(OK.getBytes(StandardCharsets.ISO_8859_1));
                conn.drain(); // then the handler returns and the server closes it: the client's pooled one is stale
            }); HttpClient client = new HttpClient(HttpClient.Options.DEFAULT)) {
                String url = "http://127.0.0.1:" + server.port() + "/";
                assertThat(text(client.get(url))).isEqualTo("ok");
                Async.sleep(Duration.ofSeconds(1)); // idle: the server's close reaches the pooled connection
                assertThat(text(client.get(url))).isEqualTo("ok");
                Async.sleep(Duration.ofSeconds(1));
                assertThat(text(client.post(url, "text/plain", "x".getBytes(StandardCharsets.UTF_8))))
                        .isEqualTo("ok");
                assertThat(client.connectionsOpened()).isEqualTo(3);
            }
            return null;
        });
        assertThat(connections.get()).isEqualTo(3);
    }

    @Test
    void refusesUrlsItCannotServe() {
        HttpClient client = new HttpClient(HttpClient.Options.DEFAULT);
        assertThatThrownBy(() -> onLoop(() -> client.get("ftp://example.com/")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http://");
        assertThatThrownBy(() -> onLoop(() -> client.get("not a url"))).isInstanceOf(IllegalArgumentException.class);
    }
}
