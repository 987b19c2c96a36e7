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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Connection exhaustion (issue 12): a full server makes room by closing its longest-idle connection, and one
 * address holds at most its share. On virtual time, with an idle timeout of a minute: before these defences a
 * newcomer at the limit was answered only once an idle connection timed out, a minute of virtual time later, so
 * "answered before the idle timeout" tells them apart without measuring wall time.
 */
@Timeout(30)
class HttpServerConnectionLimitsTest {

    private static final Duration IDLE = Duration.ofSeconds(60);

    /** A status code and body read off the wire. */
    record Reply(int status, String body) {
    }

    private static <T> T onVirtualLoop(Callable<T> main) throws Exception {
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            return loop.run(main);
        }
    }

    private static StreamProtocol connect(HttpServer server) throws Exception {
        return Tcp.connect("127.0.0.1", server.port(), Duration.ofSeconds(5));
    }

    /** Sends a keep-alive GET of {@code target} and reads the answer; null if the connection ended first. */
    private static Reply get(StreamProtocol conn, String target) throws Exception {
        try {
            conn.write(("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        } catch (java.io.IOException closed) {
            return null;
        }
        return read(conn);
    }

    /** Reads one response; null if the connection ended first. */
    private static Reply read(StreamProtocol conn) throws Exception {
        String head;
        try {
            head = new String(conn.readUntil("\r\n\r\n".getBytes(), 64 * 1024), StandardCharsets.ISO_8859_1);
        } catch (EOFException | java.net.SocketException e) {
            return null;
        }
        int length = 0;
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return new Reply(Integer.parseInt(head.substring(9, 12)),
                new String(conn.readExactly(length), StandardCharsets.UTF_8));
    }

    private static final HttpServer.Handler TARGET = request -> HttpResponse.text(request.target());

    /** What the full-server test saw. */
    record Full(List<Reply> held, Reply newcomer, long newcomerNanos, Reply evicted, List<Reply> others,
                int openAfter) {
    }

    @Test
    void aNewClientAtTheLimitClosesTheLongestIdleConnectionAndIsAnswered() throws Exception {
        HttpServer.Options options = HttpServer.Options.loopback(0).withTimeouts(Duration.ofSeconds(10), IDLE)
                .withMaxConnections(4).withMaxConnectionsPerAddress(4);
        Full full = onVirtualLoop(() -> {
            EventLoop loop = Async.loop();
            try (HttpServer server = HttpServer.start(options, TARGET)) {
                List<StreamProtocol> conns = new ArrayList<>();
                List<Reply> held = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    conns.add(connect(server));
                    held.add(get(conns.get(i), "/held/" + i));
                }
                // Access order, not opening order: connection 0 asks again, so connection 1 is now the longest idle.
                held.add(get(conns.get(0), "/held/0/again"));
                long start = loop.time();
                StreamProtocol newcomer = connect(server);
                Reply answer = get(newcomer, "/newcomer");
                long took = loop.time() - start;
                Reply evicted = read(conns.get(1)); // null: closed by the server without an answer
                List<Reply> others = new ArrayList<>();
                for (int i : new int[] {0, 2, 3}) {
                    others.add(get(conns.get(i), "/after/" + i));
                }
                others.add(get(newcomer, "/after/newcomer"));
                int openAfter = server.connections();
                for (StreamProtocol conn : conns) {
                    conn.close();
                }
                newcomer.close();
                return new Full(held, answer, took, evicted, others, openAfter);
            }
        });
        assertThat(full.held()).extracting(Reply::status).containsOnly(200);
        assertThat(full.newcomer()).as("the fifth client is answered").isNotNull();
        assertThat(full.newcomer().body()).isEqualTo("/newcomer");
        assertThat(Duration.ofNanos(full.newcomerNanos())).as("without waiting for an idle timeout").isLessThan(IDLE);
        assertThat(full.evicted()).as("the longest-idle connection is closed").isNull();
        assertThat(full.others()).extracting(Reply::body)
                .containsExactly("/after/0", "/after/2", "/after/3", "/after/newcomer");
        assertThat(full.openAfter()).isEqualTo(4);
    }

    @Test
    void aFullServerWithNoIdleConnectionLetsTheNewcomerWaitUntilOneGoesIdle() throws Exception {
        AsyncEvent release = new AsyncEvent();
        HttpServer.Options options = HttpServer.Options.loopback(0).withTimeouts(Duration.ofSeconds(10), IDLE)
                .withMaxConnections(2).withMaxConnectionsPerAddress(2);
        List<Reply> replies = onVirtualLoop(() -> {
            EventLoop loop = Async.loop();
            int[] entered = {0};
            AsyncEvent bothBusy = new AsyncEvent();
            try (HttpServer server = HttpServer.start(options, request -> {
                if (request.path().equals("/busy")) {
                    if (++entered[0] == 2) {
                        bothBusy.set();
                    }
                    release.await();
                }
                return HttpResponse.text(request.target());
            })) {
                StreamProtocol a = connect(server);
                StreamProtocol b = connect(server);
                Coroutine<Reply> busyA = Async.spawn(() -> get(a, "/busy"));
                Coroutine<Reply> busyB = Async.spawn(() -> get(b, "/busy"));
                bothBusy.await();
                long start = loop.time();
                StreamProtocol newcomer = connect(server); // waits in the backlog: nobody can go
                Coroutine<Reply> waiting = Async.spawn(() -> get(newcomer, "/newcomer"));
                Async.sleep(Duration.ofSeconds(1));
                boolean answeredWhileBusy = waiting.isDone();
                release.set(); // both answer and go idle: the longer idle one makes room
                Reply answer = Async.await(waiting);
                long took = loop.time() - start;
                List<Reply> out = new ArrayList<>(List.of(Async.await(busyA), Async.await(busyB)));
                out.add(answeredWhileBusy ? null : answer);
                out.add(took < IDLE.toNanos() ? new Reply(0, "before the idle timeout") : null);
                a.close();
                b.close();
                newcomer.close();
                return out;
            }
        });
        assertThat(replies).doesNotContainNull();
        assertThat(replies).extracting(Reply::body).containsExactly("/busy", "/busy", "/newcomer",
                "before the idle timeout");
    }

    /** What the per-address test saw. */
    record PerAddress(Reply overLimit, boolean overLimitClosed, List<Reply> busy, Reply afterIdle, Reply evicted,
                      Reply kept) {
    }

    @Test
    void oneAddressHoldsAtMostItsShareAndMakesRoomFromItsOwnIdleConnections() throws Exception {
        // Every client here is 127.0.0.1: the server allows 10 connections, one address 2.
        AsyncEvent release = new AsyncEvent();
        HttpServer.Options options = HttpServer.Options.loopback(0).withTimeouts(Duration.ofSeconds(10), IDLE)
                .withMaxConnections(10).withMaxConnectionsPerAddress(2);
        PerAddress seen = onVirtualLoop(() -> {
            int[] entered = {0};
            AsyncEvent bothBusy = new AsyncEvent();
            try (HttpServer server = HttpServer.start(options, request -> {
                if (request.path().equals("/busy")) {
                    if (++entered[0] == 2) {
                        bothBusy.set();
                    }
                    release.await();
                }
                return HttpResponse.text(request.target());
            })) {
                StreamProtocol a = connect(server);
                StreamProtocol b = connect(server);
                Coroutine<Reply> busyA = Async.spawn(() -> get(a, "/busy"));
                Coroutine<Reply> busyB = Async.spawn(() -> get(b, "/busy"));
                bothBusy.await();
                StreamProtocol third = connect(server); // the address's two are busy: refused
                Reply overLimit = get(third, "/third");
                boolean overLimitClosed = read(third) == null;
                third.close();
                release.set();
                List<Reply> busy = List.of(Async.await(busyA), Async.await(busyB));
                get(b, "/b/again"); // a is now the longer idle of the two
                StreamProtocol fourth = connect(server);
                Reply afterIdle = get(fourth, "/fourth");
                Reply evicted = read(a);
                Reply kept = get(b, "/b/kept");
                a.close();
                b.close();
                fourth.close();
                return new PerAddress(overLimit, overLimitClosed, busy, afterIdle, evicted, kept);
            }
        });
        assertThat(seen.overLimit()).as("a third busy connection from one address").isNotNull();
        assertThat(seen.overLimit().status()).isEqualTo(503);
        assertThat(seen.overLimitClosed()).isTrue();
        assertThat(seen.busy()).extracting(Reply::body).containsExactly("/busy", "/busy");
        assertThat(seen.afterIdle()).as("a newcomer when the address's connections are idle").isNotNull();
        assertThat(seen.afterIdle().body()).isEqualTo("/fourth");
        assertThat(seen.evicted()).as("the address's longest-idle connection closed").isNull();
        assertThat(seen.kept()).isNotNull();
        assertThat(seen.kept().body()).isEqualTo("/b/kept");
    }
}
