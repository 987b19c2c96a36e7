package dev.simul.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * "1,000 slowloris connections cost the others nothing", against a running {@code simul serve}: a normal client's
 * latency without and with 1,000 connections that send a request head slowly and never finish it.
 *
 * <p>Phases, after a warm-up of {@link #WARM_UP} unpaced requests of each kind whose figures are dropped:
 * <ol>
 *   <li>baseline: the normal client makes {@code requests} GETs of {@code /index.json} on fresh connections
 *       (timed from before the connect to the answer's last byte) and as many on one kept-alive connection (timed
 *       from the write to the last byte), alternately, one every {@link #PACE_MS} ms, each answered before the
 *       next starts;</li>
 *   <li>attack: {@code attackers} connections each send {@code GET / HTTP/1.1\r\nHost: x\r\n}, then one byte
 *       of a header name every 1 to 5 s (never a line end, so the head never ends). A connection the server ends
 *       (408 after its 10 s header timeout, 503, a close or a reset) is counted and opened again at once (after
 *       a 503, {@link #REFUSED_BACKOFF_MS} later), so that {@code attackers} keep attacking; once they are all
 *       open and have sent their first bytes, the normal client measures again, exactly as in the baseline;</li>
 *   <li>the two side by side, the attackers' state, and every failed normal request with its reason.</li>
 * </ol>
 * Plain {@code java.net} sockets: one virtual thread per attacker, whose read with a timeout (1 to 5 s) is both
 * its pause between bytes and how it sees the server's answer or close. The normal client runs on the main
 * thread; a failed request on the kept-alive connection opens a new one (untimed) for the next.
 *
 * <p>All connections come from one address unless {@code client-address} gives the normal client another local
 * address (any 127.x.y.z works on Linux): the server's per-address cap (1,000 by default) counts the attackers
 * and a normal client on the same address together. Run it (the bench holds {@code attackers} sockets, more than
 * a default {@code ulimit -n} of 1024; so does the server):
 * <pre>{@code
 * ulimit -n 4096
 * ./build -q -pl simul-lab,simul-bench -am package -DskipTests
 * taskset -c 0 ./simul serve --port 18095 --latency-ms 0 --max-connections-per-address 10000 &
 * # wait for its "serving ..." line (./simul builds first if a source is newer than its jar)
 * . scripts/jdk25.sh
 * taskset -c 1 "$JAVA_HOME/bin/java" -cp simul-bench/target/benchmarks.jar dev.simul.bench.Slowloris 18095
 * # arguments: port, [attackers, default 1000], [requests of each kind per phase, default 300],
 * #            [the normal client's local address, default 127.0.0.1]
 * }</pre>
 */
public final class Slowloris {

    /** One normal request every this many ms: 2 x 300 requests cover 30 s, three header timeouts of the attackers. */
    static final long PACE_MS = 50;
    /** Requests of each kind made, unpaced and unrecorded, before the baseline. */
    static final int WARM_UP = 500;
    /** A normal request not answered in this long fails (the server's header timeout is 10 s). */
    static final int NORMAL_TIMEOUT_MS = 10_000;
    /** An attacker refused with 503 waits this long before it connects again, so as not to spin the bench's core. */
    static final long REFUSED_BACKOFF_MS = 100;
    /** The most the attack phase waits for all attackers to be open and to have sent their first bytes. */
    static final long RAMP_LIMIT_MS = 30_000;
    private static final byte[] ATTACK_HEAD = "GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private Slowloris() {
    }

    /** Arguments: port, [attackers], [requests of each kind per phase], [the normal client's local address]. */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int attackers = args.length > 1 ? Integer.parseInt(args[1].replace("_", "")) : 1000;
        int requests = args.length > 2 ? Integer.parseInt(args[2].replace("_", "")) : 300;
        String clientAddress = args.length > 3 ? args[3] : null;
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
        InetSocketAddress local = clientAddress == null ? null : new InetSocketAddress(clientAddress, 0);
        System.out.printf(Locale.ROOT, "server 127.0.0.1:%d, %,d attackers, normal client from %s: %d requests on"
                + " fresh connections and %d on one kept-alive connection per phase, one every %d ms%n", port,
                attackers, clientAddress == null ? "127.0.0.1" : clientAddress, requests, requests, PACE_MS);

        NormalClient normal = new NormalClient(server, local);
        normal.warmUp(WARM_UP); // the JIT of both sides, so that the baseline is not the server's first minute
        Phase baseline = normal.measure(requests);
        System.out.println("baseline done");

        Attack attack = new Attack(server, attackers);
        attack.start();
        long rampStart = System.nanoTime();
        while ((attack.sending.get() < attackers) && System.nanoTime() - rampStart < RAMP_LIMIT_MS * 1_000_000) {
            Thread.sleep(10);
        }
        System.out.printf(Locale.ROOT, "attack: %,d of %,d open and sending after %.1f s%n", attack.sending.get(),
                attackers, (System.nanoTime() - rampStart) / 1e9);
        attack.resetCounts(); // what happened while ramping up is not in the window
        Sampler sampler = new Sampler(attack);
        Thread sampling = Thread.ofPlatform().daemon().start(sampler);
        long windowStart = System.nanoTime();
        Phase underAttack = normal.measure(requests);
        double window = (System.nanoTime() - windowStart) / 1e9;
        sampling.interrupt();
        sampling.join();
        AttackState state = attack.snapshot();
        attack.stop();

        System.out.println();
        System.out.printf(Locale.ROOT, "%-28s %-36s %-36s%n", "latency (ms)", "baseline", "under attack");
        System.out.printf(Locale.ROOT, "%-28s %-36s %-36s%n", "", Phase.HEADER, Phase.HEADER);
        System.out.printf(Locale.ROOT, "%-28s %-36s %-36s%n", "fresh connection", baseline.fresh.row(),
                underAttack.fresh.row());
        System.out.printf(Locale.ROOT, "%-28s %-36s %-36s%n", "kept-alive connection", baseline.kept.row(),
                underAttack.kept.row());
        System.out.println();
        System.out.printf(Locale.ROOT, "attack window: %.1f s%n", window);
        System.out.printf(Locale.ROOT, "attackers open and sending: min %,d, max %,d during the window, %,d at its"
                + " end%n", sampler.min, sampler.max, state.sending);
        System.out.printf(Locale.ROOT, "attackers' connections opened in the window: %,d (%,d failed to connect)%n",
                state.opened, state.connectFailures);
        System.out.printf(Locale.ROOT, "ended by the server in the window: %,d%s%n", state.ended(), state.describe());
        System.out.printf(Locale.ROOT, "lifetime of a connection answered 408: median %.1f s, min %.1f s, max %.1f s"
                + "%n", state.lifetime(0.5), state.lifetime(0.0), state.lifetime(1.0));
        int failed = baseline.failures() + underAttack.failures();
        System.out.printf(Locale.ROOT, "normal requests failed: %d (baseline %d, under attack %d)%s%s%n", failed,
                baseline.failures(), underAttack.failures(), baseline.describe("baseline"),
                underAttack.describe("under attack"));
    }

    /** The normal client: one request at a time, paced. */
    private static final class NormalClient {
        private final InetSocketAddress server;
        private final InetSocketAddress local;

        NormalClient(InetSocketAddress server, InetSocketAddress local) {
            this.server = server;
            this.local = local;
        }

        /** {@code requests} of each kind, one after the other without pauses, their figures dropped. */
        void warmUp(int requests) {
            measure(requests, 0);
        }

        /** {@code requests} on fresh connections and as many on a kept-alive one, alternately, paced. */
        Phase measure(int requests) {
            return measure(requests, PACE_MS);
        }

        private Phase measure(int requests, long paceMs) {
            Phase phase = new Phase();
            Socket kept = null;
            long start = System.nanoTime();
            for (int i = 0; i < 2 * requests; i++) {
                long due = start + i * paceMs * 1_000_000;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    sleepNanos(wait);
                }
                if (i % 2 == 0) {
                    long t0 = System.nanoTime();
                    try (Socket s = connect()) {
                        get(s);
                        phase.fresh.ok((System.nanoTime() - t0) / 1e6);
                    } catch (IOException e) {
                        phase.fresh.failed(e);
                    }
                } else {
                    try {
                        if (kept == null) {
                            kept = connect(); // untimed: this series times requests on an open connection
                        }
                        long t0 = System.nanoTime();
                        get(kept);
                        phase.kept.ok((System.nanoTime() - t0) / 1e6);
                    } catch (IOException e) {
                        phase.kept.failed(e);
                        closeQuietly(kept);
                        kept = null;
                    }
                }
            }
            closeQuietly(kept);
            return phase;
        }

        private Socket connect() throws IOException {
            Socket s = new Socket();
            try {
                s.setTcpNoDelay(true);
                if (local != null) {
                    s.bind(local); // binds a port before the connect: only when asked, it uses ports up faster
                }
                s.connect(server, NORMAL_TIMEOUT_MS);
                s.setSoTimeout(NORMAL_TIMEOUT_MS);
                return s;
            } catch (IOException e) {
                s.close();
                throw e;
            }
        }

        /** GET /index.json, its answer read in full; fails unless 200 and kept open. */
        private void get(Socket s) throws IOException {
            OutputStream out = s.getOutputStream();
            out.write(("GET /index.json HTTP/1.1\r\nHost: 127.0.0.1:" + server.getPort() + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = new BufferedInputStream(s.getInputStream()); // holds no more than this one answer
            String head = readHead(in);
            if (head == null) {
                throw new IOException("closed before an answer");
            }
            int length = -1;
            boolean close = false;
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String field = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                if (field.equals("content-length")) {
                    length = Integer.parseInt(value);
                } else if (field.equals("connection") && value.equalsIgnoreCase("close")) {
                    close = true;
                }
            }
            if (length < 0) {
                throw new IOException("no Content-Length: " + head.lines().findFirst().orElse(""));
            }
            if (in.readNBytes(length).length != length) {
                throw new IOException("closed in the middle of the body");
            }
            if (!head.startsWith("HTTP/1.1 200")) {
                throw new IOException(head.lines().findFirst().orElse(""));
            }
            if (close) {
                throw new IOException("Connection: close");
            }
        }

        /** The head up to its empty line, or null if the connection ends first. */
        private static String readHead(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                head.append((char) b);
            }
            return head.toString();
        }
    }

    /** The attackers: one virtual thread each, reconnecting whenever the server ends its connection. */
    private static final class Attack {
        private final InetSocketAddress server;
        private final int attackers;
        private final List<Thread> threads = new ArrayList<>();
        private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
        private volatile boolean stopping;
        /** Attackers open that have sent at least the first bytes of their head. */
        final AtomicInteger sending = new AtomicInteger();
        private final LongAdder opened = new LongAdder();
        private final LongAdder connectFailures = new LongAdder();
        private final Map<String, LongAdder> endings = new ConcurrentHashMap<>();
        private final ConcurrentLinkedQueue<Double> lifetimes408 = new ConcurrentLinkedQueue<>();

        Attack(InetSocketAddress server, int attackers) {
            this.server = server;
            this.attackers = attackers;
        }

        void start() {
            for (int i = 0; i < attackers; i++) {
                threads.add(Thread.ofVirtual().name("attacker " + i).start(this::attack));
            }
        }

        void resetCounts() {
            opened.reset();
            connectFailures.reset();
            endings.clear();
            lifetimes408.clear();
        }

        AttackState snapshot() {
            Map<String, Long> ends = new TreeMap<>();
            endings.forEach((why, n) -> ends.put(why, n.sum()));
            List<Double> lifetimes = new ArrayList<>(lifetimes408);
            lifetimes.sort(null);
            return new AttackState(sending.get(), opened.sum(), connectFailures.sum(), ends, lifetimes);
        }

        void stop() throws InterruptedException {
            stopping = true;
            for (Socket s : sockets) {
                closeQuietly(s);
            }
            for (Thread t : threads) {
                t.interrupt();
                t.join();
            }
        }

        /** One attacker: connect, send the head slowly, and again once the server ends the connection. */
        private void attack() {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            byte[] answer = new byte[64];
            while (!stopping) {
                Socket s = new Socket();
                sockets.add(s);
                try {
                    s.connect(server, 30_000);
                } catch (IOException e) {
                    sockets.remove(s);
                    closeQuietly(s);
                    if (!stopping) {
                        connectFailures.increment();
                        pause(REFUSED_BACKOFF_MS);
                    }
                    continue;
                }
                opened.increment();
                long t0 = System.nanoTime();
                boolean counted = false;
                String ending;
                try {
                    OutputStream out = s.getOutputStream();
                    InputStream in = s.getInputStream();
                    out.write(ATTACK_HEAD);
                    sending.incrementAndGet();
                    counted = true;
                    while (true) {
                        s.setSoTimeout(random.nextInt(1000, 5001)); // the pause before the next byte
                        try {
                            int n = in.readNBytes(answer, 0, 12); // "HTTP/1.1 408", or fewer at the end
                            ending = n == 0 ? "closed without an answer" : n < 12 ? "closed in an answer"
                                    : new String(answer, 0, 12, StandardCharsets.ISO_8859_1).substring(9) + " answer";
                            break;
                        } catch (SocketTimeoutException e) {
                            out.write('x'); // a header name that never ends
                        }
                    }
                } catch (IOException e) {
                    ending = "reset or failed (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
                } finally {
                    if (counted) {
                        sending.decrementAndGet();
                    }
                    sockets.remove(s);
                    closeQuietly(s);
                }
                if (stopping) {
                    return;
                }
                endings.computeIfAbsent(ending, k -> new LongAdder()).increment();
                if (ending.startsWith("408")) {
                    lifetimes408.add((System.nanoTime() - t0) / 1e9);
                } else if (ending.startsWith("503")) {
                    pause(REFUSED_BACKOFF_MS);
                }
            }
        }

        private void pause(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping = true;
            }
        }
    }

    /** The attackers at the end of the window, and what the server did to them during it. */
    private record AttackState(int sending, long opened, long connectFailures, Map<String, Long> endings,
                               List<Double> lifetimes408) {
        long ended() {
            return endings.values().stream().mapToLong(Long::longValue).sum();
        }

        String describe() {
            StringBuilder out = new StringBuilder();
            endings.forEach((why, n) -> out.append(String.format(Locale.ROOT, "%n  %,d %s", n, why)));
            return out.toString();
        }

        double lifetime(double quantile) {
            return lifetimes408.isEmpty() ? Double.NaN
                    : lifetimes408.get((int) Math.min(lifetimes408.size() - 1, quantile * lifetimes408.size()));
        }
    }

    /** The fewest and most attackers open and sending during the window, looked at every 100 ms. */
    private static final class Sampler implements Runnable {
        private final Attack attack;
        volatile int min = Integer.MAX_VALUE;
        volatile int max;

        Sampler(Attack attack) {
            this.attack = attack;
        }

        @Override
        public void run() {
            while (!Thread.currentThread().isInterrupted()) {
                int n = attack.sending.get();
                min = Math.min(min, n);
                max = Math.max(max, n);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** The normal client's two series in one phase. */
    private static final class Phase {
        static final String HEADER = String.format(Locale.ROOT, "%4s %7s %7s %7s %5s", "n", "median", "p99", "max",
                "fail");
        final Series fresh = new Series();
        final Series kept = new Series();

        int failures() {
            return fresh.failures.values().stream().mapToInt(Integer::intValue).sum()
                    + kept.failures.values().stream().mapToInt(Integer::intValue).sum();
        }

        String describe(String name) {
            StringBuilder out = new StringBuilder();
            fresh.failures.forEach((why, n) -> out.append(String.format(Locale.ROOT, "%n  %s, fresh: %d x %s", name,
                    n, why)));
            kept.failures.forEach((why, n) -> out.append(String.format(Locale.ROOT, "%n  %s, kept-alive: %d x %s",
                    name, n, why)));
            return out.toString();
        }
    }

    /** Latencies of the requests answered, and the failures by reason. */
    private static final class Series {
        private final List<Double> millis = new ArrayList<>();
        private final Map<String, Integer> failures = new TreeMap<>();

        void ok(double ms) {
            millis.add(ms);
        }

        void failed(IOException e) {
            failures.merge(e.getClass().getSimpleName() + ": " + e.getMessage(), 1, Integer::sum);
        }

        /** n, median, p99 (nearest rank), max, failures. */
        String row() {
            List<Double> sorted = new ArrayList<>(millis);
            sorted.sort(null);
            int failed = failures.values().stream().mapToInt(Integer::intValue).sum();
            if (sorted.isEmpty()) {
                return String.format(Locale.ROOT, "%4d %7s %7s %7s %5d", 0, "-", "-", "-", failed);
            }
            return String.format(Locale.ROOT, "%4d %7.2f %7.2f %7.2f %5d", sorted.size(), rank(sorted, 0.5),
                    rank(sorted, 0.99), sorted.getLast(), failed);
        }

        private static double rank(List<Double> sorted, double q) {
            return sorted.get(Math.max(0, (int) Math.ceil(q * sorted.size()) - 1));
        }
    }

    private static void sleepNanos(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
