package dev.simul.bench;

import dev.simul.loop.Async;
import dev.simul.loop.Coroutine;
import dev.simul.loop.EventLoop;
import dev.simul.net.StreamProtocol;
import dev.simul.net.Tcp;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Future;

/**
 * A new client of a full server (issue 12, connection exhaustion): a running {@code simul serve} holds as many
 * kept-alive idle connections as its limit allows (10,000 by default), and a new client asks for
 * {@code /index.json}. Before the server made room by closing its longest-idle connection, the newcomer waited in
 * the backlog for an idle timeout (60 s); the goal is an answer in under 1 s.
 *
 * <p>Phases: open {@code n} connections, {@code batch} at a time, each answered once (so each is kept alive and
 * idle, as an attacker holding them would leave them); then {@code tries} times, one after the other: connect a
 * new client, send one GET and read the whole answer, timed from before the connect to the answer's last byte.
 * Each newcomer stays open, so the server stays full for the next try. Last, it counts how many of the first
 * {@code n} the server closed (one per try is expected: the longest idle).
 *
 * <p>All connections come from 127.0.0.1, so the server must allow one address them all:
 * <pre>{@code
 * ulimit -n 20000   # each side holds 10,000 sockets
 * ./build -q -pl simul-bench -am package -DskipTests
 * taskset -c 0 ./simul serve --port 18094 --latency-ms 0 --max-connections-per-address 10000 &
 * . scripts/jdk25.sh
 * taskset -c 1 "$JAVA_HOME/bin/java" --add-exports java.base/jdk.internal.vm=ALL-UNNAMED \
 *     -cp simul-bench/target/benchmarks.jar dev.simul.bench.FullServer 18094 10000 7
 * }</pre>
 */
public final class FullServer {

    static final int DEFAULT_BATCH = 1000;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    /** A newcomer not answered in this long counts as failed (the old behaviour: up to the 60 s idle timeout). */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(90);
    private static final byte[] END_OF_HEAD = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private FullServer() {
    }

    /** Arguments: port, connections to hold, tries, [batch]. */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int n = Integer.parseInt(args[1].replace("_", ""));
        int tries = Integer.parseInt(args[2]);
        int batch = args.length > 3 ? Integer.parseInt(args[3].replace("_", "")) : DEFAULT_BATCH;
        try (EventLoop loop = new EventLoop()) {
            loop.run(() -> {
                run(port, n, tries, batch);
                return null;
            });
        }
    }

    private static void run(int port, int n, int tries, int batch) throws Exception {
        System.out.printf(Locale.ROOT, "%,d idle connections to 127.0.0.1:%d, then %d new clients one by one%n", n,
                port, tries);
        long t0 = System.nanoTime();
        List<StreamProtocol> held = new ArrayList<>(n);
        int failed = 0;
        for (int from = 0; from < n; from += batch) {
            List<Coroutine<StreamProtocol>> opening = new ArrayList<>();
            for (int i = from; i < Math.min(n, from + batch); i++) {
                opening.add(Async.spawn(() -> {
                    StreamProtocol s = Tcp.connect("127.0.0.1", port, CONNECT_TIMEOUT);
                    Async.timeout(ANSWER_TIMEOUT, () -> get(s, port));
                    return s;
                }));
            }
            Async.gatherSettled(opening);
            for (Coroutine<StreamProtocol> c : opening) {
                if (c.state() == Future.State.SUCCESS) {
                    held.add(c.resultNow());
                } else {
                    failed++;
                }
            }
        }
        System.out.printf(Locale.ROOT, "held:     %,d idle kept-alive connections (%,d failed to open) in %.1f s%n",
                held.size(), failed, (System.nanoTime() - t0) / 1e9);

        List<Double> millis = new ArrayList<>();
        List<StreamProtocol> newcomers = new ArrayList<>();
        for (int t = 0; t < tries; t++) {
            long start = System.nanoTime();
            try {
                StreamProtocol s = Async.timeout(ANSWER_TIMEOUT, () -> {
                    StreamProtocol conn = Tcp.connect("127.0.0.1", port, ANSWER_TIMEOUT);
                    get(conn, port);
                    return conn;
                });
                double ms = (System.nanoTime() - start) / 1e6;
                millis.add(ms);
                newcomers.add(s);
                System.out.printf(Locale.ROOT, "try %d:    new request answered in %.1f ms%n", t + 1, ms);
            } catch (Exception e) {
                System.out.printf(Locale.ROOT, "try %d:    failed after %.1f ms: %s%n", t + 1,
                        (System.nanoTime() - start) / 1e6, e);
            }
        }
        Async.sleep(Duration.ofMillis(200)); // let the closes of the evicted connections arrive
        int closed = 0;
        for (StreamProtocol s : held) {
            if (!s.isIdle()) {
                closed++;
            }
        }
        List<Double> sorted = new ArrayList<>(millis);
        sorted.sort(null);
        System.out.printf(Locale.ROOT, "answered: %d of %d new clients; median %.1f ms, max %.1f ms%n", millis.size(),
                tries, sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2),
                sorted.isEmpty() ? Double.NaN : sorted.getLast());
        System.out.printf(Locale.ROOT, "closed by the server to make room: %d of the %,d held%n", closed, held.size());
        for (StreamProtocol s : held) {
            s.close();
        }
        for (StreamProtocol s : newcomers) {
            s.close();
        }
    }

    /** GET /index.json, its answer read in full; fails unless 200. */
    private static Void get(StreamProtocol s, int port) throws IOException {
        s.write(("GET /index.json HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        String head;
        try {
            head = new String(s.readUntil(END_OF_HEAD, 16 * 1024), StandardCharsets.ISO_8859_1);
        } catch (EOFException e) {
            throw new IOException("closed before an answer");
        }
        int length = -1;
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        s.readExactly(length);
        if (!head.startsWith("HTTP/1.1 200")) {
            throw new IOException(head.lines().findFirst().orElse(""));
        }
        return null;
    }
}
