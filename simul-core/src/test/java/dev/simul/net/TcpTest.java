package dev.simul.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simul.loop.Async;
import dev.simul.loop.Coroutine;
import dev.simul.loop.EventLoop;
import dev.simul.loop.VirtualClock;
import dev.simul.testing.FullBacklog;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TCP streams on one loop: server and clients on loopback, in the same loop. */
@Timeout(30)
class TcpTest {

    private static final Duration CONNECT = Duration.ofSeconds(5);

    private static <T> T onLoop(Callable<T> main) throws Exception {
        try (EventLoop loop = new EventLoop()) {
            return loop.run(main);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void anEchoServerAnswersManyClientsOnOneThread() throws Exception {
        List<String> answers = onLoop(() -> {
            try (TcpServer server = Tcp.listen("127.0.0.1", 0, 100, conn -> {
                while (true) {
                    byte[] line;
                    try {
                        line = conn.readUntil(bytes("\n"), 1024);
                    } catch (EOFException e) {
                        return;
                    }
                    conn.write(line);
                    conn.drain();
                }
            })) {
                List<Coroutine<String>> clients = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    int n = i;
                    clients.add(Async.spawn(() -> {
                        StreamProtocol conn = Tcp.connect("127.0.0.1", server.port(), CONNECT);
                        try {
                            conn.write(bytes("hello " + n + "\n"));
                            return text(conn.readUntil(bytes("\n"), 1024)).trim();
                        } finally {
                            conn.close();
                        }
                    }));
                }
                return Async.gather(clients);
            }
        });
        assertThat(answers).hasSize(20).contains("hello 0", "hello 19");
    }

    @Test
    void halfCloseLetsThePeerReadToTheEndAndStillAnswer() throws Exception {
        String answer = onLoop(() -> {
            try (TcpServer server = Tcp.listen("127.0.0.1", 0, 10, conn -> {
                StringBuilder all = new StringBuilder();
                while (!conn.atEof()) {
                    all.append(text(conn.read(100)));
                }
                conn.write(bytes("got " + all.length() + " bytes"));
            })) {
                StreamProtocol conn = Tcp.connect("127.0.0.1", server.port(), CONNECT);
                conn.write(bytes("x".repeat(10_000)));
                conn.shutdownOutput(); // the server sees the end of the stream, and can still write back
                StringBuilder reply = new StringBuilder();
                while (!conn.atEof()) {
                    reply.append(text(conn.read(100)));
                }
                conn.close();
                return reply.toString();
            }
        });
        assertThat(answer).isEqualTo("got 10000 bytes");
    }

    @Test
    void drainWaitsWhileThePeerDoesNotReadAndNothingIsLost() throws Exception {
        int total = 8 * 1024 * 1024;
        long[] result = onLoop(() -> {
            long[] paused = {0};
            try (TcpServer server = Tcp.listen("127.0.0.1", 0, 10, conn -> {
                Async.sleep(Duration.ofMillis(200)); // let the writer fill every buffer first
                long got = 0;
                while (!conn.atEof()) {
                    got += conn.read(64 * 1024).length;
                }
                conn.write(bytes(Long.toString(got)));
            })) {
                StreamProtocol conn = Tcp.connect("127.0.0.1", server.port(), CONNECT);
                byte[] chunk = new byte[64 * 1024];
                for (int sent = 0; sent < total; sent += chunk.length) {
                    conn.write(chunk);
                    if (conn.transport().bufferedBytes() > Transport.DEFAULT_HIGH_WATER) {
                        paused[0]++;
                    }
                    conn.drain(); // waits whenever the kernel buffers are full and the queue is past its mark
                    assertThat(conn.transport().bufferedBytes()).isLessThanOrEqualTo(2L * Transport.DEFAULT_HIGH_WATER);
                }
                conn.shutdownOutput();
                StringBuilder reply = new StringBuilder();
                while (!conn.atEof()) {
                    reply.append(text(conn.read(100)));
                }
                long received = Long.parseLong(reply.toString());
                conn.close();
                return new long[] {paused[0], received};
            }
        });
        assertThat(result[0]).as("the writer had to wait at least once").isPositive();
        assertThat(result[1]).isEqualTo(total);
    }

    @Test
    void readUntilRefusesALineLongerThanItsLimit() throws Exception {
        Throwable error = onLoop(() -> {
            try (TcpServer server = Tcp.listen("127.0.0.1", 0, 10, conn -> conn.write(bytes("y".repeat(5000))))) {
                StreamProtocol conn = Tcp.connect("127.0.0.1", server.port(), CONNECT);
                try {
                    conn.readUntil(bytes("\n"), 1000);
                    return null;
                } catch (LimitExceededException e) {
                    return e;
                } finally {
                    conn.close();
                }
            }
        });
        assertThat(error).isInstanceOf(LimitExceededException.class).hasMessageContaining("1000");
    }

    @Test
    void aRefusedConnectionIsAnIoException() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        assertThatThrownBy(() -> onLoop(() -> Tcp.connect("127.0.0.1", closedPort, CONNECT)))
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void theServerHoldsNoMoreThanItsLimitOfConnections() throws Exception {
        int[] most = {0};
        onLoop(() -> {
            TcpServer[] holder = new TcpServer[1];
            try (TcpServer server = Tcp.listen("127.0.0.1", 0, 3, conn -> {
                most[0] = Math.max(most[0], holder[0].connections());
                Async.sleep(Duration.ofMillis(20));
                conn.write(bytes("bye\n"));
            })) {
                holder[0] = server;
                List<Coroutine<String>> clients = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    clients.add(Async.spawn(() -> {
                        StreamProtocol conn = Tcp.connect("127.0.0.1", server.port(), CONNECT);
                        try {
                            return text(conn.readUntil(bytes("\n"), 100));
                        } finally {
                            conn.close();
                        }
                    }));
                }
                assertThat(Async.gather(clients)).hasSize(10).containsOnly("bye\n");
            }
            return null;
        });
        assertThat(most[0]).isEqualTo(3);
    }

    @Test
    void aReadTimeoutBoundsEachWaitForBytesAndLeavesTheStreamUsable() throws Exception {
        // The peer is a plain socket on a thread of its own, so that nothing it does races the loop's virtual clock.
        CountDownLatch sendB = new CountDownLatch(1);
        CountDownLatch sentB = new CountDownLatch(1);
        VirtualClock clock = new VirtualClock();
        List<String> seen = new ArrayList<>();
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             EventLoop loop = new EventLoop(clock)) {
            Thread peer = Thread.ofPlatform().start(() -> {
                try (java.net.Socket s = listener.accept()) {
                    s.getOutputStream().write(bytes("a"));
                    sendB.await();
                    s.getOutputStream().write(bytes("b"));
                    sentB.countDown();
                    s.getInputStream().read(); // until the client closes
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            loop.run(() -> {
                StreamProtocol conn = Tcp.connect("127.0.0.1", listener.getLocalPort(), CONNECT);
                try {
                    seen.add(text(conn.readExactly(1)));
                    conn.setReadTimeout(Duration.ofSeconds(4));
                    long start = clock.elapsed();
                    assertThatThrownBy(() -> conn.read(10)).isInstanceOf(SocketTimeoutException.class)
                            .hasMessageContaining("PT4S");
                    seen.add("timed out after " + (clock.elapsed() - start) / 1_000_000 + " ms");
                    sendB.countDown();
                    sentB.await(); // on the loop's thread, in a test: "b" is in the socket before the next read
                    conn.setReadTimeout(Duration.ofSeconds(Long.MAX_VALUE)); // centuries: no overflow
                    seen.add(text(conn.read(10))); // the same stream, still readable
                } finally {
                    conn.close();
                }
                return null;
            });
            peer.join();
        }
        assertThat(seen).containsExactly("a", "timed out after 4000 ms", "b");
    }

    @Test
    void aWriteTimeoutBoundsADrainThatThePeerNeverLetsEnd() throws Exception {
        VirtualClock clock = new VirtualClock();
        long[] timedOutAfter = {-1};
        try (EventLoop loop = new EventLoop(clock)) {
            loop.run(() -> {
                try (TcpServer server = Tcp.listen("127.0.0.1", 0, 10, conn -> Async.sleep(Duration.ofHours(1)))) {
                    StreamProtocol conn = Tcp.connect("127.0.0.1", server.port(), CONNECT);
                    try {
                        conn.setWriteTimeout(Duration.ofSeconds(5));
                        byte[] chunk = new byte[64 * 1024];
                        long start = clock.elapsed();
                        try {
                            for (int i = 0; i < 10_000; i++) { // 640 MB: more than any socket buffer takes
                                conn.write(chunk);
                                conn.drain();
                            }
                        } catch (SocketTimeoutException e) {
                            timedOutAfter[0] = clock.elapsed() - start;
                        }
                    } finally {
                        conn.transport().abort();
                    }
                }
                return null;
            });
        }
        // Virtual time may jump to a drain's deadline in a pass that also frees room, so the drain that gives up
        // is not always the first one that waited; it gives up long before the peer wakes after an hour.
        assertThat(timedOutAfter[0]).as("the drain gave up at its timeout")
                .isBetween(5_000_000_000L, 3_600_000_000_000L - 1);
    }

    @Test
    void aConnectThatIsNotAnsweredTimesOut() throws Exception {
        try (FullBacklog full = new FullBacklog()) {
            assertThatThrownBy(() -> onLoop(() -> Tcp.connect("127.0.0.1", full.port(), Duration.ofMillis(200))))
                    .isInstanceOf(java.util.concurrent.TimeoutException.class);
        }
    }

    @Test
    void aReaderThatDoesNotReadHoldsAtMostAboutItsLimit() throws Exception {
        int[] unreadWhenPaused = {-1};
        onLoop(() -> {
            try (TcpServer server = Tcp.listen("127.0.0.1", 0, 10, conn -> {
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 64; i++) { // 4 MB, far past the reader's 64 KiB limit
                    conn.write(chunk);
                    conn.drain();
                }
            })) {
                StreamProtocol conn = Tcp.connect("127.0.0.1", server.port(), CONNECT);
                try {
                    conn.readExactly(1); // something has come
                    while (!conn.transport().isReadingPaused()) {
                        Async.sleep(Duration.ofMillis(1));
                    }
                    Async.sleep(Duration.ofMillis(100)); // the writer keeps going meanwhile
                    unreadWhenPaused[0] = conn.unread();
                    long got = 1;
                    while (!conn.atEof()) {
                        got += conn.read(64 * 1024).length;
                    }
                    assertThat(got).as("nothing lost while paused").isEqualTo(64L * 64 * 1024);
                } finally {
                    conn.close();
                }
            }
            return null;
        });
        // It stops reading from the socket once the limit is reached: at most the limit plus one read's worth.
        assertThat(unreadWhenPaused[0]).isBetween(StreamProtocol.DEFAULT_LIMIT,
                StreamProtocol.DEFAULT_LIMIT + Transport.READ_BUFFER);
    }
}
