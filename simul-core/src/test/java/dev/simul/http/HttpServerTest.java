package dev.simul.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simul.loop.Async;
import dev.simul.loop.Coroutine;
import dev.simul.loop.EventLoop;
import dev.simul.loop.VirtualClock;
import dev.simul.loop.sync.AsyncEvent;
import dev.simul.net.StreamProtocol;
import dev.simul.net.Tcp;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server on loopback, driven by raw TCP clients on the same loop. */
@Timeout(30)
class HttpServerTest {

    /** A status code and body read off the wire. */
    record Reply(int status, String headers, String body) {
    }

    private static <T> T onLoop(Callable<T> main) throws Exception {
        try (EventLoop loop = new EventLoop()) {
            return loop.run(main);
        }
    }

    /**
     * On virtual time: timeouts of seconds take no wall time. The loop runs ready I/O before it moves the clock, and
     * loopback delivers a write before the write returns, so bytes arrive at the time they were sent; were some ever
     * late, they would arrive by the next timer, which the time bounds below allow for.
     */
    private static <T> T onVirtualLoop(Callable<T> main) throws Exception {
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            return loop.run(main);
        }
    }

    /** A reply and when it came, in nanoseconds of the loop's clock after the client's first byte. */
    record Timed(Reply reply, long afterNanos, boolean closedAfter) {
    }

    private static StreamProtocol connect(HttpServer server) throws Exception {
        return Tcp.connect("127.0.0.1", server.port(), Duration.ofSeconds(5));
    }

    private static void send(StreamProtocol conn, String raw) throws Exception {
        conn.write(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Reads one response; null if the connection ended first. */
    private static Reply read(StreamProtocol conn) throws Exception {
        String head;
        try {
            head = new String(conn.readUntil("\r\n\r\n".getBytes(), 64 * 1024), StandardCharsets.ISO_8859_1);
        } catch (EOFException e) {
            return null;
        }
        int status = Integer.parseInt(head.substring(9, 12));
        int length = 0;
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return new Reply(status, head, new String(conn.readExactly(length), StandardCharsets.UTF_8));
    }

    private static final HttpServer.Handler ECHO = request -> switch (request.path()) {
        case "/fail" -> throw new IllegalStateException("handler failure (expected in this test)");
        default -> HttpResponse.text(request.method() + " " + request.target() + " "
                + new String(request.body(), StandardCharsets.UTF_8));
    };

    @Test
    void answersKeptAliveAndPipelinedRequestsInOrder() throws Exception {
        List<Reply> replies = onLoop(() -> {
            try (HttpServer server = HttpServer.start(HttpServer.Options.loopback(0), ECHO)) {
                StreamProtocol conn = connect(server);
                send(conn, "GET /one HTTP/1.1\r\nHost: x\r\n\r\n");
                Reply first = read(conn);
                send(conn, "GET /two HTTP/1.1\r\nHost: x\r\n\r\nPOST /three HTTP/1.1\r\nHost: x\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
                Reply second = read(conn);
                Reply third = read(conn);
                send(conn, "HEAD /four HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                String head = new String(conn.readUntil("\r\n\r\n".getBytes(), 1000), StandardCharsets.ISO_8859_1);
                boolean closed = conn.read(10).length == 0;
                conn.close();
                return List.of(first, second, third, new Reply(closed ? 1 : 0, head, ""));
            }
        });
        assertThat(replies.get(0).body()).isEqualTo("GET /one ");
        assertThat(replies.get(1).body()).isEqualTo("GET /two ");
        assertThat(replies.get(2).body()).isEqualTo("POST /three abc");
        assertThat(replies.get(3).headers()).contains("Content-Length: 11", "Connection: close");
        assertThat(replies.get(3).status()).as("closed after Connection: close").isEqualTo(1);
    }

    @Test
    void expect100ContinueIsAnsweredBeforeTheBodyIsSentOrRefusedAtTheHead() throws Exception {
        // On virtual time: were the 100 missing, the server would wait for the body until its idle timeout and
        // answer 408, at once in wall time.
        HttpLimits small = new HttpLimits(64, 512, 10, 100);
        List<String> seen = onVirtualLoop(() -> {
            try (HttpServer server = HttpServer.start(HttpServer.Options.loopback(0).withLimits(small), ECHO)) {
                java.util.ArrayList<String> out = new java.util.ArrayList<>();
                StreamProtocol conn = connect(server);
                send(conn, "POST /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
                out.add(new String(conn.readUntil("\r\n\r\n".getBytes(), 1000), StandardCharsets.ISO_8859_1));
                send(conn, "hello");
                Reply answer = read(conn);
                out.add(answer.status() + " " + answer.body());
                // the body sent at once with the head: no 100 needed, and none sent
                send(conn, "POST /again HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi");
                Reply again = read(conn);
                out.add(again.status() + " " + again.body());
                conn.close();
                StreamProtocol tooLarge = connect(server);
                send(tooLarge, "POST /big HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 101\r\n\r\n");
                Reply refused = read(tooLarge);
                out.add(refused.status() + (read(tooLarge) == null ? " closed" : " open"));
                tooLarge.close();
                return out;
            }
        });
        assertThat(seen).containsExactly("HTTP/1.1 100 Continue\r\n\r\n", "200 POST /up hello", "200 POST /again hi",
                "413 closed");
    }

    @Test
    void anHttp10RequestKeptAliveSaysSoInItsAnswer() throws Exception {
        List<Reply> replies = onLoop(() -> {
            try (HttpServer server = HttpServer.start(HttpServer.Options.loopback(0), ECHO)) {
                StreamProtocol conn = connect(server);
                send(conn, "GET /one HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
                Reply first = read(conn);
                send(conn, "GET /two HTTP/1.0\r\n\r\n");
                Reply second = read(conn);
                Reply after = read(conn);
                conn.close();
                return java.util.Arrays.asList(first, second, after);
            }
        });
        assertThat(replies.get(0).headers()).containsIgnoringCase("Connection: keep-alive");
        assertThat(replies.get(1).body()).as("on the same connection").isEqualTo("GET /two ");
        assertThat(replies.get(1).headers()).containsIgnoringCase("Connection: close");
        assertThat(replies.get(2)).as("closed after the HTTP/1.0 request without keep-alive").isNull();
    }

    @Test
    void aWaitingHandlerDoesNotHoldUpOtherConnections() throws Exception {
        AsyncEvent waiting = new AsyncEvent();
        AsyncEvent released = new AsyncEvent();
        List<Reply> replies = onLoop(() -> {
            try (HttpServer server = HttpServer.start(HttpServer.Options.loopback(0), request -> {
                if (request.path().equals("/wait")) {
                    waiting.set();
                    released.await(); // released only by the other connection's request
                    return HttpResponse.text("waited");
                }
                released.set();
                return HttpResponse.text("released");
            })) {
                Coroutine<Reply> waiter = Async.spawn(() -> {
                    StreamProtocol conn = connect(server);
                    send(conn, "GET /wait HTTP/1.1\r\nHost: x\r\n\r\n");
                    return read(conn);
                });
                waiting.await(); // the first handler holds its connection before the second request is sent
                StreamProtocol conn = connect(server);
                send(conn, "GET /release HTTP/1.1\r\nHost: x\r\n\r\n");
                Reply release = read(conn);
                return List.of(release, Async.await(waiter));
            }
        });
        assertThat(replies).extracting(Reply::body).containsExactly("released", "waited");
    }

    @Test
    void malformedOrOversizedRequestsGetTheirStatusAndLoseOnlyTheirConnection() throws Exception {
        HttpLimits small = new HttpLimits(64, 512, 10, 100);
        List<String> outcomes = onLoop(() -> {
            try (HttpServer server = HttpServer.start(HttpServer.Options.loopback(0).withLimits(small), ECHO)) {
                StreamProtocol healthy = connect(server);
                java.util.ArrayList<String> out = new java.util.ArrayList<>();
                for (String bad : List.of("NONSENSE\r\n\r\n",
                        "GET /" + "a".repeat(100) + " HTTP/1.1\r\nHost: x\r\n\r\n",
                        "GET / HTTP/1.1\r\nHost: x\r\n" + "A: b\r\n".repeat(11) + "\r\n",
                        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n", "GET / HTTP/3.0\r\n\r\n")) {
                    StreamProtocol conn = connect(server);
                    send(conn, bad);
                    int status = read(conn).status();
                    out.add(status + (conn.read(1).length == 0 ? " closed" : " open"));
                    conn.close();
                }
                StreamProtocol failing = connect(server);
                send(failing, "GET /fail HTTP/1.1\r\nHost: x\r\n\r\n");
                out.add(read(failing).status() + " (a handler's failure keeps the connection)");
                send(failing, "GET /after-failure HTTP/1.1\r\nHost: x\r\n\r\n");
                out.add(read(failing).status() + " after it");
                failing.close();
                send(healthy, "GET /still-here HTTP/1.1\r\nHost: x\r\n\r\n");
                out.add(read(healthy).status() + " on another connection");
                return out;
            }
        });
        assertThat(outcomes).containsExactly("400 closed", "414 closed", "431 closed", "413 closed", "505 closed",
                "500 (a handler's failure keeps the connection)", "200 after it", "200 on another connection");
    }

    @Test
    void aClientSendingEmptyLinesNowAndThenIsRefusedAtTheThird() throws Exception {
        // Each empty line alone used to leave the parser between requests, so the header clock restarted with
        // every read: a client sending CRLF now and then held its connection for ever. Now the third gets 400.
        Duration idle = Duration.ofSeconds(60);
        Duration gap = Duration.ofSeconds(50);
        Timed timed = onVirtualLoop(() -> {
            EventLoop loop = Async.loop();
            HttpServer.Options options = HttpServer.Options.loopback(0).withTimeouts(Duration.ofSeconds(10), idle);
            try (HttpServer server = HttpServer.start(options, ECHO)) {
                StreamProtocol conn = connect(server);
                long first = loop.time();
                for (int i = 0; i < 3; i++) {
                    send(conn, "\r\n");
                    if (i < 2) {
                        Async.sleep(gap); // within the idle timeout
                    }
                }
                Reply reply = read(conn);
                long after = loop.time() - first;
                boolean closed = read(conn) == null;
                conn.close();
                return new Timed(reply, after, closed);
            }
        });
        assertThat(timed.reply()).as("an answer before the connection ends").isNotNull();
        assertThat(timed.reply().status()).isEqualTo(400);
        assertThat(Duration.ofNanos(timed.afterNanos())).as("at the third empty line").isLessThan(gap.multipliedBy(3));
        assertThat(timed.closedAfter()).isTrue();
    }

    @Test
    void aCrlfLeftBehindABodyDoesNotStartTheNextRequestsClock() throws Exception {
        // Clients once ended a POST body with an extra CRLF. On a kept-alive connection it must not count as the
        // next request's first bytes, or the idle connection would get a 408 at the header timeout.
        Duration header = Duration.ofSeconds(10);
        Duration idle = Duration.ofSeconds(60);
        Timed timed = onVirtualLoop(() -> {
            EventLoop loop = Async.loop();
            HttpServer.Options options = HttpServer.Options.loopback(0).withTimeouts(header, idle);
            try (HttpServer server = HttpServer.start(options, ECHO)) {
                StreamProtocol conn = connect(server);
                send(conn, "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi\r\n");
                Reply answer = read(conn);
                long answered = loop.time();
                Reply next = read(conn); // null once the server closes the idle connection
                return new Timed(next == null ? answer : next, loop.time() - answered, next == null);
            }
        });
        assertThat(timed.reply().status()).as("the POST's own answer, then nothing").isEqualTo(200);
        assertThat(timed.closedAfter()).isTrue();
        assertThat(Duration.ofNanos(timed.afterNanos())).as("closed quietly at the idle timeout")
                .isGreaterThanOrEqualTo(idle);
    }

    @Test
    void aBodyTrickledWithinTheIdleTimeoutGets408AtTheRequestTimeout() throws Exception {
        // One byte every 15 s never trips the 20 s idle timeout, which only bounds each read; the request timeout
        // bounds the whole request, head and body.
        Duration request = Duration.ofSeconds(30);
        Duration gap = Duration.ofSeconds(15);
        Timed timed = onVirtualLoop(() -> {
            EventLoop loop = Async.loop();
            HttpServer.Options options = HttpServer.Options.loopback(0)
                    .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(20)).withRequestTimeout(request);
            try (HttpServer server = HttpServer.start(options, ECHO)) {
                StreamProtocol conn = connect(server);
                long first = loop.time();
                send(conn, "POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n");
                long[] answeredAt = {0};
                Coroutine<Reply> reply = Async.spawn(() -> {
                    Reply r = read(conn);
                    answeredAt[0] = loop.time();
                    return r;
                });
                for (int i = 0; i < 9 && !reply.isDone(); i++) { // 9 of the 10 bytes: the body never completes
                    Async.sleep(gap);
                    if (!reply.isDone()) {
                        send(conn, "x");
                    }
                }
                Reply got = Async.await(reply);
                long after = answeredAt[0] - first;
                boolean closed = read(conn) == null;
                conn.close();
                return new Timed(got, after, closed);
            }
        });
        assertThat(timed.reply()).as("an answer before the connection ends").isNotNull();
        assertThat(timed.reply().status()).isEqualTo(408);
        assertThat(Duration.ofNanos(timed.afterNanos())).as("the request timeout after the first byte")
                .isBetween(request, request.plus(gap));
        assertThat(timed.closedAfter()).isTrue();
    }

    @Test
    void aClientStillSendingATooLargeBodyReadsAllOfThe413() throws Exception {
        // A client that sends its whole body before it reads (most do) must not be reset while it sends: closing
        // with input still arriving makes the kernel answer RST, and the client's writes fail before it reads.
        HttpLimits small = new HttpLimits(64, 512, 10, 1024);
        byte[] chunk = new byte[1024];
        int chunks = 20;
        List<Object> outcome = onVirtualLoop(() -> {
            try (HttpServer server = HttpServer.start(HttpServer.Options.loopback(0).withLimits(small), ECHO)) {
                StreamProtocol conn = connect(server);
                send(conn, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n");
                int sent = 0;
                try {
                    for (; sent < chunks; sent++) {
                        Async.sleep(Duration.ofMillis(50));
                        conn.write(chunk);
                        conn.drain();
                    }
                } catch (IOException e) {
                    // counted: the sending stopped here
                }
                Reply reply = read(conn);
                boolean closed = read(conn) == null;
                conn.close();
                return java.util.Arrays.asList(sent, reply == null ? null : reply.status(),
                        reply == null ? null : reply.body(), closed);
            }
        });
        String whole413 = new String(HttpResponse.status(413).body(), StandardCharsets.UTF_8);
        assertThat(outcome).as("chunks sent, status, body, closed after").containsExactly(chunks, 413, whole413, true);
    }

    @Test
    void aRefusedClientThatGoesOnSendingIsLetGoAtTheLingerBounds() throws Exception {
        HttpLimits small = new HttpLimits(64, 512, 10, 1024);
        String tooLarge = "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n";
        List<Long> closedAfter = onVirtualLoop(() -> {
            EventLoop loop = Async.loop();
            try (HttpServer server = HttpServer.start(HttpServer.Options.loopback(0).withLimits(small), ECHO)) {
                java.util.ArrayList<Long> out = new java.util.ArrayList<>();
                StreamProtocol trickling = connect(server); // 100 bytes every 100 ms, for ever
                long start = loop.time();
                send(trickling, tooLarge);
                assertThat(read(trickling).status()).isEqualTo(413);
                try {
                    while (server.connections() > 0) {
                        Async.sleep(Duration.ofMillis(100));
                        trickling.write(new byte[100]);
                    }
                } catch (IOException e) {
                    // the server is gone
                }
                out.add(loop.time() - start);
                trickling.close();
                StreamProtocol flooding = connect(server); // twice the bytes the server drops, at once
                start = loop.time();
                send(flooding, tooLarge);
                flooding.write(new byte[2 * HttpServer.LINGER_BYTES]);
                assertThat(read(flooding).status()).isEqualTo(413);
                while (server.connections() > 0) {
                    Async.sleep(Duration.ofMillis(10));
                }
                out.add(loop.time() - start);
                flooding.close();
                return out;
            }
        });
        assertThat(Duration.ofNanos(closedAfter.get(0))).as("a trickle: closed at the linger time")
                .isBetween(HttpServer.LINGER_TIME, HttpServer.LINGER_TIME.plusMillis(100));
        assertThat(Duration.ofNanos(closedAfter.get(1))).as("a flood: closed once the linger's bytes are read")
                .isLessThan(HttpServer.LINGER_TIME);
    }

    @Test
    void aSlowHeadGets408AndAnIdleConnectionIsClosed() throws Exception {
        // On virtual time: a loaded machine cannot let a timer fire before the bytes that were already sent.
        List<Object> outcome = onVirtualLoop(() -> {
            HttpServer.Options quick = HttpServer.Options.loopback(0)
                    .withTimeouts(Duration.ofMillis(200), Duration.ofMillis(200));
            try (HttpServer server = HttpServer.start(quick, ECHO)) {
                StreamProtocol slowloris = connect(server);
                send(slowloris, "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: "); // and never finishes the head
                Reply timedOut = read(slowloris);
                StreamProtocol idle = connect(server);
                send(idle, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                Reply answered = read(idle);
                Reply afterIdle = read(idle); // nothing more is sent: the server closes the connection
                return java.util.Arrays.asList(timedOut.status(), answered.status(), afterIdle);
            }
        });
        assertThat(outcome).containsExactly(408, 200, null);
    }

    @Test
    void aClientThatStopsReadingLosesItsConnectionAfterTheIdleTimeout() throws Exception {
        Duration idle = Duration.ofMillis(300);
        long[] closedAfter = {-1};
        onVirtualLoop(() -> {
            EventLoop loop = Async.loop();
            HttpServer.Options quick = HttpServer.Options.loopback(0).withTimeouts(idle, idle);
            try (HttpServer server = HttpServer.start(quick, request ->
                    HttpResponse.of(200, "application/octet-stream", new byte[8 * 1024 * 1024]))) {
                StreamProtocol greedy = connect(server);
                long start = loop.time();
                send(greedy, "GET /big HTTP/1.1\r\nHost: x\r\n\r\nGET /big HTTP/1.1\r\nHost: x\r\n\r\n");
                // One byte: the answer has begun, so the server holds the connection (counting before it was
                // accepted would find none). Then no more reading; the clock moves once every buffer is full.
                greedy.readExactly(1);
                while (server.connections() > 0 && loop.time() - start < Duration.ofMinutes(1).toNanos()) {
                    Async.sleep(Duration.ofMillis(50));
                }
                if (server.connections() == 0) {
                    closedAfter[0] = loop.time() - start;
                }
                greedy.close();
            }
            return null;
        });
        assertThat(closedAfter[0]).as("closed, within a minute of virtual time").isNotNegative();
        assertThat(Duration.ofNanos(closedAfter[0])).as("not before the idle timeout").isGreaterThanOrEqualTo(idle);
    }

    @Test
    void responsesRefuseHeadersThatWouldSplitOrReframeThem() {
        HttpResponse r = HttpResponse.text("x");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> r.header("X-Evil", "a\r\nSet-Cookie: b"))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> r.header("Content-Length", "5"))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> r.header("Bad Name", "v"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bindsToLoopbackByDefault() throws Exception {
        String host = onLoop(() -> {
            try (HttpServer server = HttpServer.start(HttpServer.Options.loopback(0), ECHO)) {
                StreamProtocol conn = connect(server);
                String remote = ((InetSocketAddress) conn.remoteAddress()).getAddress().getHostAddress();
                conn.close();
                return remote;
            }
        });
        assertThat(host).isEqualTo("127.0.0.1");
        assertThat(HttpServer.Options.loopback(0).host()).isEqualTo("127.0.0.1");
    }
}
