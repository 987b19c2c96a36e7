package dev.simul.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simul.loop.Async;
import dev.simul.loop.Coroutine;
import dev.simul.loop.EventLoop;
import dev.simul.loop.VirtualClock;
import dev.simul.net.StreamProtocol;
import dev.simul.net.Tcp;
import java.io.EOFException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kept-alive connections held idle by one server loop (issue 4: "10,000 concurrent keep-alive connections held by
 * one loop thread, all answered", here at a size a test can afford; {@code IdleConnections} in simul-bench runs the
 * 10,000): every idle connection stays open and answers again, and the idle timeout closes only the connection
 * that went quiet. Server and raw HTTP/1.1 clients share one loop on loopback; nothing is asserted about speed.
 * Holding many runs on the system clock, with timeouts far above what it waits; the idle timeout runs on virtual
 * time, where a loaded machine cannot make a busy connection look idle.
 */
@Timeout(30)
class HttpServerIdleConnectionsTest {

    /** Connections held at once: 1,000 sockets in this JVM with the clients' ends, well within the file limit. */
    private static final int CONNECTIONS = 500;
    private static final Duration CONNECT = Duration.ofSeconds(5);

    /** A status code and body read off the wire. */
    record Reply(int status, String headers, String body) {
    }

    private static <T> T onLoop(Callable<T> main) throws Exception {
        try (EventLoop loop = new EventLoop()) {
            return loop.run(main);
        }
    }

    /** On virtual time: ready loopback I/O runs before the clock moves, so only waiting moves it. */
    private static <T> T onVirtualLoop(Callable<T> main) throws Exception {
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            return loop.run(main);
        }
    }

    /** Answers with the request target, so that each answer shows which request it belongs to. */
    private static final HttpServer.Handler TARGET = request -> HttpResponse.text(request.target());

    private static StreamProtocol connect(HttpServer server) throws Exception {
        return Tcp.connect("127.0.0.1", server.port(), CONNECT);
    }

    /** Sends a keep-alive GET of {@code target} and reads the whole answer; null if the connection ended first. */
    private static Reply get(StreamProtocol conn, String target) throws Exception {
        conn.write(("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return read(conn);
    }

    /** Reads one response; null if the connection ended first. */
    private static Reply read(StreamProtocol conn) throws Exception {
        String head;
        try {
            head = new String(conn.readUntil("\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 64 * 1024),
                    StandardCharsets.ISO_8859_1);
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

    /** What the many-connections test saw. */
    record Held(List<Reply> first, int openWhileIdle, int idleOnClientSide, List<Reply> second, int openAfter,
                int sameLocalAddress) {
    }

    @Test
    void holdsManyIdleKeptAliveConnectionsAndAnswersEachAgainOnTheSameConnection() throws Exception {
        // Timeouts far above anything this test waits: no connection may be closed by the server here.
        HttpServer.Options options = HttpServer.Options.loopback(0)
                .withTimeouts(Duration.ofSeconds(20), Duration.ofSeconds(20));
        Held held = onLoop(() -> {
            try (HttpServer server = HttpServer.start(options, TARGET)) {
                List<Coroutine<StreamProtocol>> connecting = new ArrayList<>(CONNECTIONS);
                for (int i = 0; i < CONNECTIONS; i++) {
                    connecting.add(Async.spawn(() -> connect(server)));
                }
                List<StreamProtocol> conns = Async.gather(connecting);
                List<SocketAddress> localAddresses = new ArrayList<>(CONNECTIONS);
                for (StreamProtocol conn : conns) {
                    localAddresses.add(conn.transport().localAddress());
                }

                List<Reply> first = everyConnection(conns, "first");

                // Every connection now sits idle at once, open on both sides, with nothing in flight.
                Async.sleep(Duration.ofMillis(100));
                int openWhileIdle = server.connections();
                int idleOnClientSide = 0;
                for (StreamProtocol conn : conns) {
                    if (conn.isIdle()) {
                        idleOnClientSide++;
                    }
                }

                List<Reply> second = everyConnection(conns, "second");
                int openAfter = server.connections();
                int sameLocalAddress = 0;
                for (int i = 0; i < CONNECTIONS; i++) {
                    if (localAddresses.get(i).equals(conns.get(i).transport().localAddress())) {
                        sameLocalAddress++;
                    }
                }
                for (StreamProtocol conn : conns) {
                    conn.close();
                }
                return new Held(first, openWhileIdle, idleOnClientSide, second, openAfter, sameLocalAddress);
            }
        });

        assertThat(held.first()).hasSize(CONNECTIONS).doesNotContainNull().allSatisfy(r ->
                assertThat(r.status()).isEqualTo(200));
        assertThat(held.openWhileIdle()).as("connections the server holds while all are idle").isEqualTo(CONNECTIONS);
        assertThat(held.idleOnClientSide()).as("client ends open and idle").isEqualTo(CONNECTIONS);
        assertThat(held.second()).as("second answers, each on its first request's connection")
                .hasSize(CONNECTIONS).doesNotContainNull();
        for (int i = 0; i < CONNECTIONS; i++) {
            assertThat(held.first().get(i).body()).isEqualTo("/first/" + i);
            assertThat(held.second().get(i).status()).isEqualTo(200);
            assertThat(held.second().get(i).body()).isEqualTo("/second/" + i);
            assertThat(held.second().get(i).headers()).doesNotContainIgnoringCase("Connection: close");
        }
        assertThat(held.openAfter()).as("connections open after the second round").isEqualTo(CONNECTIONS);
        assertThat(held.sameLocalAddress()).as("client sockets unchanged (nothing reconnected)")
                .isEqualTo(CONNECTIONS);
    }

    /** One GET on every connection at once, each in its own coroutine; the answers in connection order. */
    private static List<Reply> everyConnection(List<StreamProtocol> conns, String round) {
        List<Coroutine<Reply>> exchanges = new ArrayList<>(conns.size());
        for (int i = 0; i < conns.size(); i++) {
            StreamProtocol conn = conns.get(i);
            String target = "/" + round + "/" + i;
            exchanges.add(Async.spawn(() -> get(conn, target)));
        }
        return Async.gather(exchanges);
    }

    /** What the idle-timeout test saw. */
    record IdleClose(Reply beforeIdle, Reply afterIdle, long idleNanos, int openAfterClose, List<Reply> busyAfter) {
    }

    @Test
    void theIdleTimeoutClosesTheQuietConnectionWhileBusyOnesStayOpen() throws Exception {
        // The busy connections ask every 50 ms, a twentieth of the idle timeout: only the quiet one reaches it. On
        // the system clock, a pause of the whole process near the timeout would let a busy one reach it too.
        Duration idleTimeout = Duration.ofSeconds(1);
        Duration busyGap = Duration.ofMillis(50);
        int busyCount = 10;
        HttpServer.Options options = HttpServer.Options.loopback(0).withTimeouts(idleTimeout, idleTimeout);
        IdleClose outcome = onVirtualLoop(() -> {
            EventLoop loop = Async.loop();
            try (HttpServer server = HttpServer.start(options, TARGET)) {
                StreamProtocol quiet = connect(server);
                List<StreamProtocol> busy = new ArrayList<>();
                for (int i = 0; i < busyCount; i++) {
                    busy.add(connect(server));
                }
                boolean[] quietClosed = {false};
                List<Coroutine<Reply>> busyLoops = new ArrayList<>();
                for (int i = 0; i < busyCount; i++) {
                    StreamProtocol conn = busy.get(i);
                    String target = "/busy/" + i;
                    busyLoops.add(Async.spawn(() -> {
                        while (!quietClosed[0]) {
                            Reply r = get(conn, target);
                            if (r == null || r.status() != 200) {
                                return r; // closed or refused too early: the assertions show it
                            }
                            Async.sleep(busyGap);
                        }
                        return get(conn, target + "/after"); // still open once the quiet one is gone
                    }));
                }

                long sent = loop.time(); // before the request: the server's idle wait starts after its answer
                Reply beforeIdle = get(quiet, "/quiet");
                Reply afterIdle = read(quiet); // nothing more is sent: null once the server closes it
                long idleNanos = loop.time() - sent;
                quietClosed[0] = true;
                int openAfterClose = server.connections();
                List<Reply> busyAfter = Async.gather(busyLoops);
                for (StreamProtocol conn : busy) {
                    conn.close();
                }
                quiet.close();
                return new IdleClose(beforeIdle, afterIdle, idleNanos, openAfterClose, busyAfter);
            }
        });

        assertThat(outcome.beforeIdle().status()).isEqualTo(200);
        assertThat(outcome.afterIdle()).as("the quiet connection ends without an answer").isNull();
        assertThat(Duration.ofNanos(outcome.idleNanos())).as("not closed before its idle timeout")
                .isGreaterThanOrEqualTo(idleTimeout);
        assertThat(outcome.openAfterClose()).as("connections the server still holds").isEqualTo(busyCount);
        assertThat(outcome.busyAfter()).hasSize(busyCount).doesNotContainNull();
        for (int i = 0; i < busyCount; i++) {
            assertThat(outcome.busyAfter().get(i).status()).isEqualTo(200);
            assertThat(outcome.busyAfter().get(i).body()).isEqualTo("/busy/" + i + "/after");
        }
    }
}
