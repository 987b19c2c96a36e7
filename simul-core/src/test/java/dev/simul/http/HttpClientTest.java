package dev.simul.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simul.loop.Async;
import dev.simul.loop.Coroutine;
import dev.simul.loop.EventLoop;
import dev.simul.net.Tcp;
import dev.simul.net.TcpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
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
        onLoop(() -> {
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
    void refusesUrlsItCannotServe() {
        HttpClient client = new HttpClient(HttpClient.Options.DEFAULT);
        assertThatThrownBy(() -> onLoop(() -> client.get("ftp://example.com/")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http://");
        assertThatThrownBy(() -> onLoop(() -> client.get("not a url"))).isInstanceOf(IllegalArgumentException.class);
    }
}
