package dev.simul.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimulTest {

    record Result(int status, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Simul.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int status = cli.execute(args);
        return new Result(status, out.toString(), err.toString());
    }

    @Test
    void badInputIsOneLineOnStderrAndExitCode2() {
        String[][] cases = {
                {"lab", "--modes", "fibers"},
                {"lab", "--workloads", "cpu,gpu"},
                {"lab", "--workers", "0"},
                {"lab", "--repeat", "0"},
                {"lab", "--scale", "-1"},
                {"lab", "--repeat", "many"},
                {"lab", "--warmup", "-1"},
                {"lab", "--json", "/no/such/folder/out.json"},
                {"lab", "--json", "/proc/out.json"},
                {"lab", "--json", "same.out", "--csv", "same.out"},
                {"demo", "countdown", "--mode", "fibers"},
                {"demo"},
                {"demo", "simul", "--scale", "2"},
                {"fetch", "/no/such/list.txt", "-o", "/tmp"},
                {"fetch", "pom.xml"},
                {"fetch", "pom.xml", "-o", "/tmp", "--mode", "fibers"},
                {"fetch", "pom.xml", "-o", "/tmp", "--concurrency", "0"},
                {"fetch", "pom.xml", "-o", "/tmp", "--concurrency", "100000"},
                {"fetch", "pom.xml", "-o", "/tmp", "--mode", "processes", "--concurrency", "1000"},
                {"fetch", "/bin/ls", "-o", "/tmp"},
                {"fetch", "/tmp", "-o", "/tmp"},
                {"fetch", "pom.xml", "-o", "pom.xml"},
                {"fetch", "pom.xml", "-o", "/proc/foo"},
                {"fetch", "pom.xml", "-o", "/proc/self"},
                {"serve", "--images", "0"},
                {"serve", "--bandwidth", "fast"},
                {"serve", "--host", "nosuch.invalid"},
                {"serve", "--max-connections-per-address", "0"},
                {"lab", "--image-server", "ftp://example.com", "--workloads", "download"},
                {"lab", "--image-server", "http://127.0.0.1:1", "--workloads", "download"},
                {"lab", "--image-server", "http://127.0.0.1:1", "--workloads", "cpu"},
                {"serve", "--images", "100000", "--size", "4096"},
                {"frobnicate"},
        };
        for (String[] args : cases) {
            Result r = run(args);
            assertThat(r.status()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err().lines()).as(String.join(" ", args)).hasSize(1);
            assertThat(r.err()).doesNotContain("Exception", "\tat ");
        }
        assertThat(run("lab", "--modes", "fibers").err())
                .isEqualTo("simul lab: unknown mode 'fibers'; modes: sequential, threads, virtual, loop,"
                        + " processes (see 'simul lab --help')\n");
    }

    /** A local server: {@code /gone.txt} answers 404, every other path its own name. */
    private static HttpServer serve() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body = path.getBytes(StandardCharsets.UTF_8);
            if (path.equals("/gone.txt")) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        return server;
    }

    @Test
    void fetchExitsOneAndNamesEachUrlThatFailedAndWhy(@TempDir Path dir) throws Exception {
        HttpServer server = serve();
        int closed;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = gone.getLocalPort();
        }
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            Path list = Files.write(dir.resolve("urls.txt"), List.of(base + "/a.txt", base + "/gone.txt",
                    "http://127.0.0.1:" + closed + "/b.txt"));
            Result r = run("fetch", list.toString(), "-o", dir.resolve("out").toString(), "--retries", "0");
            assertThat(r.status()).as(r.err()).isEqualTo(1);
            assertThat(r.out()).contains("fetched 1 of 3 URLs");
            assertThat(r.err().lines()).containsExactlyInAnyOrder(
                    "  " + base + "/gone.txt: HTTP 404 (after 1 attempt)",
                    "  http://127.0.0.1:" + closed + "/b.txt: connection refused by 127.0.0.1:" + closed
                            + " (after 1 attempt)");
            assertThat(Files.readString(dir.resolve("out/a.txt"))).isEqualTo("/a.txt");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void fetchOnWorkerProcessesRunsWithItsDefaultConcurrency(@TempDir Path dir) throws Exception {
        HttpServer server = serve(); // its default of 16 was refused on a machine of fewer than 4 processors
        try {
            Path list = Files.write(dir.resolve("urls.txt"),
                    List.of("http://127.0.0.1:" + server.getAddress().getPort() + "/a.txt"));
            Result r = run("fetch", list.toString(), "-o", dir.resolve("out").toString(), "--mode", "processes");
            assertThat(r.status()).as(r.err()).isZero();
            assertThat(Files.readString(dir.resolve("out/a.txt"))).isEqualTo("/a.txt");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anImageServerThatIsNotOneIsOneUsageLine() throws Exception {
        HttpServer server = serve(); // answers /index.json with "/index.json": not JSON
        try {
            Result r = run("lab", "--image-server", "http://127.0.0.1:" + server.getAddress().getPort(),
                    "--workloads", "download");
            assertThat(r.status()).isEqualTo(2);
            assertThat(r.err().lines()).as(r.err()).hasSize(1);
            assertThat(r.err()).contains("is not an image index");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void fetchOverwritesOnlyWhenAsked(@TempDir Path dir) throws Exception {
        HttpServer server = serve();
        try {
            Path list = Files.write(dir.resolve("urls.txt"),
                    List.of("http://127.0.0.1:" + server.getAddress().getPort() + "/a.txt"));
            Path out = Files.createDirectories(dir.resolve("out"));
            Files.writeString(out.resolve("a.txt"), "mine");
            Result refused = run("fetch", list.toString(), "-o", out.toString(), "--mode", "threads");
            assertThat(refused.status()).isEqualTo(1);
            assertThat(refused.err()).contains("file exists (use --overwrite)");
            assertThat(Files.readString(out.resolve("a.txt"))).isEqualTo("mine");
            Result replaced = run("fetch", list.toString(), "-o", out.toString(), "--mode", "threads", "--overwrite");
            assertThat(replaced.status()).as(replaced.err()).isZero();
            assertThat(Files.readString(out.resolve("a.txt"))).isEqualTo("/a.txt");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] args : new String[][] {{"--help"}, {"lab", "--help"}, {"info", "--help"}, {"demo", "--help"},
                {"demo", "countdown", "--help"}, {"demo", "simul", "--help"}, {"serve", "--help"},
                {"fetch", "--help"}}) {
            Result r = run(args);
            assertThat(r.status()).isZero();
            assertThat(r.out()).contains("Usage:");
        }
        assertThat(run("lab", "--help").out()).contains("--workloads", "--scale", "Workloads", "countdown");
    }

    @Test
    void infoPrintsTheTopologyAsTextAndJson() throws Exception {
        assertThat(run("info").out()).contains("Socket(s):", "Core(s) per socket:", "Thread(s) per core:", "CPU(s):",
                "Memory:", "JVM:");
        JsonNode json = new ObjectMapper().readTree(run("info", "--json").out());
        assertThat(json.get("logical_cpus").asInt()).isPositive();
        assertThat(json.has("threads_per_core")).isTrue();
    }

    @Test
    void labRunsTheMatrixAndWritesJsonAndCsv(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("lab.json");
        Path csv = dir.resolve("lab.csv");
        Result r = run("lab", "--workloads", "countdown,cpu", "--modes", "sequential,virtual", "--repeat", "2",
                "--warmup", "0", "--scale", "0.002", "--json", json.toString(), "--csv", csv.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("sequential |", "virtual    |", "countdown: ", "cpu: ");
        JsonNode results = new ObjectMapper().readTree(json.toFile()).get("results");
        assertThat(results).hasSize(4);
        assertThat(results.get(0).get("workload").asText()).isEqualTo("countdown");
        assertThat(results.get(0).get("runs")).hasSize(2);
        assertThat(Files.readAllLines(csv)).hasSize(1 + 4 * 2);
    }

    @Test
    void theSimulDemoPrintsBothTotals() {
        Result r = run("demo", "simul", "--scale", "0.000002");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("synchronous", "expected 12.0 h", "on the loop", "expected 1.0 h", "sooner");
    }

    @Test
    void theCountdownDemoPrintsBothCounters() {
        Result r = run("demo", "countdown", "--mode", "sequential", "--scale", "0.01");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("sequential runner", "total", "one after the other");
    }
}
