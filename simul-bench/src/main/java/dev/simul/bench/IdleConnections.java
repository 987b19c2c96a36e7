package dev.simul.bench;

import dev.simul.loop.Async;
import dev.simul.loop.Coroutine;
import dev.simul.loop.EventLoop;
import dev.simul.net.StreamProtocol;
import dev.simul.net.Tcp;
import dev.simul.task.Wait;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * N keep-alive connections held idle at once by a running {@code simul serve}, all answered again afterwards (issue
 * 4: "10,000 concurrent keep-alive connections held by one loop thread, all answered"). The client is one loop
 * thread too, and speaks HTTP/1.1 by hand on {@link Tcp} streams, so that each connection is exactly one socket
 * and nothing reconnects behind its back.
 *
 * <p>Phases, each on all N connections at once, in one coroutine per connection:
 * <ol>
 *   <li>open: N connections, {@code batch} at a time (each batch connected before the next starts), so that the
 *       server's accept queue (at most {@code net.core.somaxconn}, 4096 here) does not overflow;</li>
 *   <li>first round: one GET of an image on every connection, each response read in full (Content-Length);</li>
 *   <li>idle: nothing is sent for {@code idle seconds} (keep it below the server's 60 s idle timeout);</li>
 *   <li>second round: one more GET on every same connection; each answer must be 200, keep the connection open,
 *       and carry the same bytes as the first answer for that image. A connection the server closed while idle
 *       counts as failed: it is never reopened.</li>
 * </ol>
 * The time of each phase is from its start until its last connection is done.
 *
 * <p>With the server's pid, its resident memory (VmRSS, /proc/PID/status), CPU time (utime + stime,
 * /proc/PID/stat), open file descriptors and live heap ({@code jcmd PID GC.class_histogram}, which runs a full GC
 * in the server; G1's filler arrays left out) are sampled before opening, at the start and end of the idle phase,
 * and after. The CPU sample at the end of the idle phase is taken before the heap sample, so that the full GC is
 * not counted as idle CPU. The listen-queue counters (TcpExtListenOverflows, TcpExtListenDrops from
 * /proc/net/netstat, as {@code nstat} shows them) are read before and after opening; they count the whole network
 * namespace, other processes included.
 *
 * <p>Run the server in another process so that each side holds N sockets within its file limit:
 * <pre>{@code
 * taskset -c 0 ./simul serve --port 18093 --images 100 --latency-ms 0 --max-connections-per-address 10000 &
 * taskset -c 1 java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED \
 *     -cp simul-bench/target/benchmarks.jar dev.simul.bench.IdleConnections 18093 10000 10 $SERVER_PID
 * }</pre>
 */
public final class IdleConnections {

    /** Requests ask for images 0 to 99 in turn: the server must serve at least this many ({@code --images 100}). */
    static final int IMAGES = 100;
    /** Connections opened at once: a quarter of the 4096 accept queue, so a slow accept loop has room. */
    static final int DEFAULT_BATCH = 1000;
    /** Generous: a SYN dropped by a full queue is retried by the kernel after 1 s, 3 s, 7 s... */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    /** Per exchange: an answer that does not come counts as failed instead of hanging the run. */
    static final Duration EXCHANGE_TIMEOUT = Duration.ofSeconds(30);
    private static final byte[] END_OF_HEAD = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final int MAX_HEAD = 16 * 1024;

    private IdleConnections() {
    }

    /** Arguments: port, connections, idle seconds, [server pid], [batch]. */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int n = Integer.parseInt(args[1].replace("_", ""));
        int idleSeconds = Integer.parseInt(args[2]);
        long pid = args.length > 3 ? Long.parseLong(args[3]) : -1;
        int batch = args.length > 4 ? Integer.parseInt(args[4].replace("_", "")) : DEFAULT_BATCH;
        Server server = pid > 0 ? new Server(pid) : null;
        try (EventLoop loop = new EventLoop()) {
            loop.run(() -> {
                run(port, n, idleSeconds, batch, server);
                return null;
            });
        }
    }

    private static void run(int port, int n, int idleSeconds, int batch, Server server) throws Exception {
        System.out.printf(Locale.ROOT, "%,d connections to 127.0.0.1:%d, %d at a time, idle %d s%s%n", n, port, batch,
                idleSeconds, server != null ? ", server pid " + server.pid : "");
        Sample before = server != null ? server.sample(true) : null;
        long[] listenBefore = listenCounters();

        long t0 = System.nanoTime();
        Failures failures = new Failures();
        List<Conn> conns = open(port, n, batch, failures);
        long opened = System.nanoTime() - t0;
        long[] listenAfter = listenCounters();

        byte[][] reference = new byte[IMAGES][];
        long t1 = System.nanoTime();
        List<Conn> answered1 = round(conns, port, reference, failures, "first");
        long firstRound = System.nanoTime() - t1;

        Sample idleStart = server != null ? server.sample(false) : null;
        Async.sleep(Duration.ofSeconds(idleSeconds));
        Sample idleEnd = server != null ? server.sample(false) : null;
        Sample idleHeap = server != null ? server.sample(true) : null; // after the CPU sample: its GC is not idle CPU
        int closedWhileIdle = 0;
        for (Conn c : answered1) {
            if (!c.stream.isIdle()) {
                closedWhileIdle++;
            }
        }

        long t2 = System.nanoTime();
        List<Conn> answered2 = round(answered1, port, reference, failures, "second");
        long secondRound = System.nanoTime() - t2;
        Sample after = server != null ? server.sample(false) : null;
        int stillOpen = 0;
        for (Conn c : answered2) {
            if (c.stream.isIdle()) {
                stillOpen++;
            }
        }
        for (Conn c : conns) {
            c.stream.close();
        }

        System.out.printf(Locale.ROOT, "open:         %.3f s for %,d connections (%,d failed)%n", opened / 1e9,
                conns.size(), n - conns.size());
        System.out.printf(Locale.ROOT, "first round:  %.3f s, %,d answered 200 in full%n", firstRound / 1e9,
                answered1.size());
        System.out.printf(Locale.ROOT, "idle:         %d s; %,d connections closed (or sent something) meanwhile%n",
                idleSeconds, closedWhileIdle);
        System.out.printf(Locale.ROOT, "second round: %.3f s, %,d answered 200 in full on the same connection;"
                + " %,d still open after it%n", secondRound / 1e9, answered2.size(), stillOpen);
        System.out.printf(Locale.ROOT, "answered:     %,d of %,d (both rounds on the same connection)%n",
                answered2.size(), n);
        System.out.printf(Locale.ROOT, "failed:       %,d%s%n", n - answered2.size(), failures.describe());
        if (listenBefore != null && listenAfter != null) {
            System.out.printf(Locale.ROOT, "listen queue while opening (whole netns): ListenOverflows +%d,"
                    + " ListenDrops +%d%n", listenAfter[0] - listenBefore[0], listenAfter[1] - listenBefore[1]);
        }
        if (server != null) {
            System.out.println("server samples:");
            System.out.println("  before:     " + before);
            System.out.println("  idle start: " + idleStart);
            System.out.println("  idle end:   " + idleEnd);
            System.out.println("  idle heap:  " + idleHeap);
            System.out.println("  after:      " + after);
            int held = answered1.size();
            if (held > 0) {
                System.out.printf(Locale.ROOT, "server memory per idle connection: RSS %.0f B, live heap %.0f B%n",
                        (idleEnd.rssKb - before.rssKb) * 1024.0 / held,
                        (idleHeap.liveHeap - before.liveHeap) / (double) held);
            }
            long idleCpuMs = idleEnd.cpuMs - idleStart.cpuMs;
            double idleWallMs = (idleEnd.at - idleStart.at) / 1e6;
            System.out.printf(Locale.ROOT, "server CPU while idle: %d ms in %.0f ms (%.2f%% of a core)%n", idleCpuMs,
                    idleWallMs, 100.0 * idleCpuMs / idleWallMs);
        }
    }

    /** One client connection and the image it asks for. */
    private record Conn(StreamProtocol stream, int image) {
    }

    /** Opens {@code n} connections, {@code batch} at a time; those that fail are counted and left out. */
    private static List<Conn> open(int port, int n, int batch, Failures failures) {
        List<Conn> conns = new ArrayList<>(n);
        for (int from = 0; from < n; from += batch) {
            List<Coroutine<StreamProtocol>> connecting = new ArrayList<>(batch);
            for (int i = from; i < Math.min(n, from + batch); i++) {
                connecting.add(Async.spawn(() -> Tcp.connect("127.0.0.1", port, CONNECT_TIMEOUT)));
            }
            Async.gatherSettled(connecting);
            for (int i = 0; i < connecting.size(); i++) {
                Coroutine<StreamProtocol> c = connecting.get(i);
                if (c.state() == Future.State.SUCCESS) {
                    conns.add(new Conn(c.resultNow(), (from + i) % IMAGES));
                } else {
                    failures.add("connect", c);
                }
            }
        }
        return conns;
    }

    /** One request on every connection at once; returns those answered in full with 200 and kept open. */
    private static List<Conn> round(List<Conn> conns, int port, byte[][] reference, Failures failures, String name) {
        List<Coroutine<Conn>> exchanges = new ArrayList<>(conns.size());
        for (Conn c : conns) {
            exchanges.add(Async.spawn(() -> Async.timeout(EXCHANGE_TIMEOUT, () -> {
                exchange(c, port, reference);
                return c;
            })));
        }
        Async.gatherSettled(exchanges);
        List<Conn> answered = new ArrayList<>(conns.size());
        for (Coroutine<Conn> e : exchanges) {
            if (e.state() == Future.State.SUCCESS) {
                answered.add(e.resultNow());
            } else {
                failures.add(name + " round", e);
            }
        }
        return answered;
    }

    /**
     * Sends {@code GET /images/N.png} and reads the answer in full; fails unless it is a 200 that keeps the
     * connection open with the same bytes as every other answer for that image.
     */
    private static void exchange(Conn c, int port, byte[][] reference) throws IOException {
        c.stream.write(("GET /images/" + c.image + ".png HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        String head;
        try {
            head = new String(c.stream.readUntil(END_OF_HEAD, MAX_HEAD), StandardCharsets.ISO_8859_1);
        } catch (EOFException e) {
            throw new IOException("closed by the server before an answer");
        }
        if (!head.startsWith("HTTP/1.1 ")) {
            throw new IOException("not an HTTP/1.1 answer");
        }
        int status = Integer.parseInt(head.substring(9, 12));
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
            throw new IOException("no Content-Length");
        }
        byte[] body = c.stream.readExactly(length);
        if (status != 200) {
            throw new IOException("HTTP " + status);
        }
        if (close) {
            throw new IOException("Connection: close");
        }
        byte[] ref = reference[c.image];
        if (ref == null) {
            reference[c.image] = body;
        } else if (!Arrays.equals(ref, body)) {
            throw new IOException("body differs from the first answer for the same image");
        }
    }

    /** Failures counted by phase and reason. */
    private static final class Failures {
        private final Map<String, Integer> counts = new TreeMap<>();

        void add(String phase, Future<?> failed) {
            String reason = failed.state() == Future.State.FAILED ? describe(failed.exceptionNow()) : "cancelled";
            counts.merge(phase + ": " + reason, 1, Integer::sum);
        }

        private static String describe(Throwable t) {
            return t.getClass().getSimpleName() + (t.getMessage() != null ? " (" + t.getMessage() + ")" : "");
        }

        String describe() {
            StringBuilder out = new StringBuilder();
            counts.forEach((reason, count) -> out.append(String.format(Locale.ROOT, "%n  %,d %s", count, reason)));
            return out.toString();
        }
    }

    /** TcpExtListenOverflows and TcpExtListenDrops of this network namespace, or null if unreadable. */
    private static long[] listenCounters() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/net/netstat"));
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (lines.get(i).startsWith("TcpExt:") && lines.get(i + 1).startsWith("TcpExt:")) {
                    List<String> names = List.of(lines.get(i).split("\\s+"));
                    String[] values = lines.get(i + 1).split("\\s+");
                    return new long[] {Long.parseLong(values[names.indexOf("ListenOverflows")]),
                            Long.parseLong(values[names.indexOf("ListenDrops")])};
                }
            }
        } catch (IOException | RuntimeException e) {
            System.out.println("(cannot read /proc/net/netstat: " + e + ")");
        }
        return null;
    }

    /** One look at the server process. */
    private record Sample(long at, long rssKb, long cpuMs, long fds, long liveHeap) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "RSS %,d KiB, CPU %,d ms, %,d fds%s", rssKb, cpuMs, fds,
                    liveHeap >= 0 ? String.format(Locale.ROOT, ", live heap %,d B", liveHeap) : "");
        }
    }

    /** The server process, seen through /proc and jcmd. */
    private static final class Server {
        private final long pid;
        private final long ticksPerSecond;

        Server(long pid) throws Exception {
            this.pid = pid;
            this.ticksPerSecond = clockTicks();
        }

        /** RSS, CPU and open files; with {@code heap}, also the live heap (a full GC in the server). */
        Sample sample(boolean heap) throws Exception {
            long at = System.nanoTime();
            long rss = -1;
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // fields after "(comm)": state is field 3, utime 14, stime 15
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long cpuMs = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000 / ticksPerSecond;
            long fds;
            try (Stream<Path> open = Files.list(Path.of("/proc/" + pid + "/fd"))) {
                fds = open.count();
            }
            return new Sample(at, rss, cpuMs, fds, heap ? liveHeap() : -1);
        }

        /**
         * Bytes of live objects in {@code jcmd PID GC.class_histogram}, without G1's filler arrays
         * ({@code jdk.internal.vm.FillerElement}, {@code FillerObject}): those pad unused space, they are not data,
         * and they made the total swing by megabytes from one look to the next. Run off the loop thread, since it
         * waits.
         */
        private long liveHeap() throws Exception {
            String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            String out = command(jcmd, Long.toString(pid), "GC.class_histogram");
            long bytes = 0;
            boolean total = false;
            for (String line : out.split("\n")) {
                String[] f = line.trim().split("\\s+"); // "num: instances bytes class (module)", then "Total ..."
                if (f.length >= 4 && f[0].endsWith(":") && !f[3].contains("jdk.internal.vm.Filler")) {
                    bytes += Long.parseLong(f[2]);
                } else if (f[0].equals("Total")) {
                    total = true;
                }
            }
            if (!total) {
                throw new IOException("unexpected jcmd output: " + out);
            }
            return bytes;
        }

        private static long clockTicks() {
            try {
                return Long.parseLong(command("getconf", "CLK_TCK").strip());
            } catch (Exception e) {
                return 100; // Linux's USER_HZ nearly everywhere
            }
        }

        private static String command(String... argv) throws Exception {
            return Wait.blocking(() -> {
                Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (p.waitFor() != 0) {
                    throw new IOException(String.join(" ", argv) + " failed: " + out);
                }
                return out;
            });
        }
    }
}
