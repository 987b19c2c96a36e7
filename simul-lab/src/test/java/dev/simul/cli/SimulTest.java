package dev.simul.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimulTest {

    record Result(int status, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Simul.commandLine(args); // only the subcommand named, as main() builds it
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
                {"demo", "race", "--scale", "0"},
                {"demo", "race", "--threads", "1"},
                {"demo", "race", "--threads", "1001"},
                {"demo", "race", "--threads", "many"},
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
                {},
                {"--verbose"},
                {"fetch", "-o", "/tmp"},
                {"member", "--port", "0"},
                {"member", "--host", "0.0.0.0"},
                {"member", "--host", ""},
                {"member", "--join", "127.0.0.1:99999"},
                {"member", "--workers", "0"},
                {"member", "--workers", "10001"},
                {"member", "--allow", "not a pattern"},
                {"member", "--cluster-name", " "},
                {"lab", "--cluster", "127.0.0.1:5701", "--modes", "threads"},
                {"lab", "--cluster", "127.0.0.1:x", "--modes", "cluster"},
                {"lab", "--cluster", "127.0.0.1:1", "--modes", "cluster", "--workloads", "cpu"},
                {"lab", "--experiments", "telepathy"},
                {"lab", "--markdown", "/proc/out.md"},
                {"lab", "--markdown", "same.out", "--json", "same.out"},
                {"lab", "--html", "/tmp"},
                {"lab", "--html", "/no/such/folder/report.html"},
                {"lab", "--html", "same.out", "--markdown", "same.out"},
                {"lab", "compare", "/no/such.json", "pom.xml"},
                {"lab", "compare", "pom.xml", "pom.xml"},
                {"lab", "compare", "README.md", "README.md"},
                {"lab", "compare"},
        };
        for (String[] args : cases) {
            Result r = run(args);
            assertThat(r.status()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err().lines()).as(String.join(" ", args)).hasSize(1);
            assertThat(r.err()).doesNotContain("Exception", "\tat ");
        }
        assertThat(run("lab", "--modes", "fibers").err())
                .isEqualTo("simul lab: unknown mode 'fibers'; modes: sequential, threads, virtual, loop, auto,"
                        + " processes, cluster (see 'simul lab --help')\n");
    }

    @Test
    void noCommandNamesTheCommandsAndExits2() {
        Result r = run();
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("simul: name a command: lab, info, demo, serve, fetch, member, help (see"
                + " 'simul --help')\n");
    }

    @Test
    void everyWorkerCountHasABoundNamedInItsError() {
        int processors = Runtime.getRuntime().availableProcessors();
        String[][] cases = {
                {"demo", "countdown", "--mode", "processes", "--workers", "100000"},
                {"demo", "countdown", "--mode", "virtual", "--workers", "100000", "--scale", "0.001"},
                {"demo", "countdown", "--mode", "threads", "--workers", "10001", "--scale", "0.001"},
                {"lab", "--workers", "100000"},
                {"lab", "--modes", "processes", "--workers", "" + (4 * processors + 1)},
                {"lab", "--modes", "cluster", "--workers", "" + (4 * processors + 1)},
                {"lab", "--modes", "virtual", "--workers", "10001", "--workloads", "countdown", "--scale", "0.001",
                        "--warmup", "0", "--repeat", "1"},
                {"fetch", "pom.xml", "-o", "/tmp", "--mode", "processes", "--concurrency", "" + (4 * processors + 1)},
        };
        for (String[] args : cases) {
            Result r = run(args);
            assertThat(r.status()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err().lines()).as(String.join(" ", args)).hasSize(1);
            assertThat(r.err()).as(String.join(" ", args)).containsPattern("at most [0-9,]+ for [a-z]+");
        }
        assertThat(run("demo", "countdown", "--mode", "processes", "--workers", "100000").err())
                .isEqualTo("simul demo countdown: --workers must be at most " + 4 * processors + " for processes"
                        + " (4 per processor), got 100000 (see 'simul demo countdown --help')\n");
        assertThat(run("lab", "--modes", "threads", "--workers", "10001").err())
                .startsWith("simul lab: --workers must be at most 10,000 for threads, got 10001");
        // At the bound, it runs.
        Result atBound = run("demo", "countdown", "--mode", "processes", "--workers", "1", "--scale", "0.001");
        assertThat(atBound.status()).as(atBound.err()).isZero();
    }

    @Test
    void serveRefusesAnEmptyHost() {
        // Before, "--host=" bound an address of the resolver's choice and printed http://:8000/index.json.
        for (String host : new String[] {"", " "}) {
            Result r = assertTimeoutPreemptively(Duration.ofSeconds(60),
                    () -> run("serve", "--port", "0", "--host=" + host));
            assertThat(r.status()).isEqualTo(2);
            assertThat(r.err()).startsWith("simul serve: --host must not be empty");
            assertThat(r.err().lines()).hasSize(1);
        }
    }

    @Test
    void anOutputFileThatOpensButCannotBeWrittenIsRefusedBeforeTheLabRuns() {
        // /proc/version opens for writing (as root), and every write to it fails: it was refused only at the end.
        for (String option : new String[] {"--json", "--csv"}) {
            Result r = run("lab", option, "/proc/version", "--workloads", "countdown", "--modes", "sequential",
                    "--scale", "0.001", "--warmup", "0", "--repeat", "1");
            assertThat(r.status()).as(r.err()).isEqualTo(2);
            assertThat(r.out()).isEmpty(); // nothing ran
            assertThat(r.err()).startsWith("simul lab: cannot write " + option + " /proc/version: ");
            assertThat(r.err().lines()).hasSize(1);
        }
    }

    @Test
    void labReplacesItsOutputFilesWholeAndLeavesNothingElse(@TempDir Path dir) throws Exception {
        Path json = Files.writeString(dir.resolve("lab.json"), "old and longer than what replaces it? no matter");
        Path csv = dir.resolve("lab.csv");
        Result r = run("lab", "--workloads", "countdown", "--modes", "sequential", "--repeat", "1", "--warmup", "0",
                "--scale", "0.001", "--json", json.toString(), "--csv", csv.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(new ObjectMapper().readTree(json.toFile()).get("results")).hasSize(1);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("lab.json", "lab.csv");
        }
    }

    @Test
    void labJsonSaysItsSchemaAndContextAndCompareReadsIt(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("lab.json");
        Result r = run("lab", "--experiments", "matrix", "--workloads", "countdown", "--modes", "sequential,threads",
                "--workers", "2", "--repeat", "3", "--warmup", "0", "--scale", "0.001", "--json", json.toString());
        assertThat(r.status()).as(r.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertThat(report.get("schema").asInt()).isEqualTo(2);
        JsonNode context = report.get("context");
        assertThat(context.get("simul_version").asText()).isNotBlank();
        assertThat(context.get("arguments").get(0).asText()).isEqualTo("lab");
        assertThat(context.get("experiments").toString()).isEqualTo("[\"matrix\"]");
        assertThat(context.get("modes").toString()).isEqualTo("[\"sequential\",\"threads\"]");
        assertThat(context.get("workers").asInt()).isEqualTo(2);
        assertThat(context.get("warmup_s").asDouble()).isZero();
        assertThat(context.get("jvm_flags").isArray()).isTrue();
        for (JsonNode cell : report.get("results")) {
            assertThat(cell.get("min_s").asDouble()).isLessThanOrEqualTo(cell.get("q1_s").asDouble())
                    .isLessThanOrEqualTo(cell.get("wall_s").asDouble());
            assertThat(cell.get("q3_s").asDouble()).isBetween(cell.get("wall_s").asDouble(),
                    cell.get("max_s").asDouble());
        }
        Result same = run("lab", "compare", json.toString(), json.toString());
        assertThat(same.status()).as(same.err()).isZero();
        assertThat(same.out()).startsWith("first: simul ").contains("0 cells slower, 0 faster, 2 no difference");
    }

    @Test
    void aRefusedOutputFileLeavesNoProbeBehind(@TempDir Path dir) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("out"));
        Result r = run("lab", "--json", folder.resolve("lab.json").toString(), "--csv", folder.toString());
        assertThat(r.status()).isEqualTo(2);
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void fetchReadsTheListFromStandardInput(@TempDir Path dir) throws Exception {
        HttpServer server = serve();
        InputStream stdin = System.in;
        try {
            String urls = "http://127.0.0.1:" + server.getAddress().getPort() + "/a.txt\n";
            System.setIn(new ByteArrayInputStream(urls.getBytes(StandardCharsets.UTF_8)));
            Result r = run("fetch", "-", "-o", dir.resolve("out").toString(), "--mode", "threads");
            assertThat(r.status()).as(r.err()).isZero();
            assertThat(Files.readString(dir.resolve("out/a.txt"))).isEqualTo("/a.txt");
            System.setIn(new ByteArrayInputStream(new byte[] {(byte) 0xff, (byte) 0xfe, 'x', '\n'}));
            Result binary = run("fetch", "-", "-o", dir.resolve("out").toString());
            assertThat(binary.status()).isEqualTo(2);
            assertThat(binary.err()).isEqualTo("simul fetch: URLS_FILE - is not UTF-8 text (see 'simul fetch"
                    + " --help')\n");
        } finally {
            System.setIn(stdin);
            server.stop(0);
        }
    }

    @Test
    void fetchReadsTheListFromAPipe(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("urls.fifo"); // what <(...) and /dev/stdin name: not a regular file
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo");
        HttpServer server = serve();
        try {
            String urls = "http://127.0.0.1:" + server.getAddress().getPort() + "/b.txt\n";
            CompletableFuture<Path> writer = CompletableFuture.supplyAsync(() -> {
                try {
                    return Files.writeString(fifo, urls); // blocks until fetch opens the pipe
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Result r = run("fetch", fifo.toString(), "-o", dir.resolve("out").toString(), "--mode", "threads");
            if (r.status() != 0) {
                try (InputStream unblock = Files.newInputStream(fifo)) { // a fetch that never opened the pipe
                    unblock.readAllBytes();
                }
            }
            writer.join();
            assertThat(r.status()).as(r.err()).isZero();
            assertThat(Files.readString(dir.resolve("out/b.txt"))).isEqualTo("/b.txt");
        } finally {
            server.stop(0);
        }
    }

    /** Runs the CLI in a JVM of its own, as the {@code simul} launcher does, and returns what it printed. */
    private static Result runJvm(List<String> jvmOptions, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.add("--enable-native-access=ALL-UNNAMED"); // as the jar's manifest says (jline, under fetch's bar)
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Simul.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File(
                "/dev/null"))).start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out, err.join());
    }

    @Test
    void theLoopsDebugWarningsShowOnlyWithVerbose(@TempDir Path dir) throws Exception {
        // Without --add-exports the loop's coroutines fall back to virtual threads, and the loop logs a WARNING
        // about it: a stand-in for its slow-callback warning, which a user saw in fetch's progress bar.
        HttpServer server = serve();
        try {
            Path list = Files.write(dir.resolve("urls.txt"),
                    List.of("http://127.0.0.1:" + server.getAddress().getPort() + "/a.txt"));
            Result quiet = runJvm(List.of(), "fetch", list.toString(), "-o", dir.resolve("q").toString(), "--mode",
                    "loop");
            assertThat(quiet.status()).as(quiet.err()).isZero();
            assertThat(quiet.err()).doesNotContain("WARNING", "coroutines run on virtual threads");
            Result verbose = runJvm(List.of(), "fetch", list.toString(), "-o", dir.resolve("v").toString(),
                    "--mode", "loop", "--verbose");
            assertThat(verbose.status()).as(verbose.err()).isZero();
            assertThat(verbose.err()).contains("WARNING", "coroutines run on virtual threads");
            Result first = runJvm(List.of(), "--verbose", "fetch", list.toString(), "-o",
                    dir.resolve("v2").toString(), "--mode", "loop");
            assertThat(first.err()).contains("coroutines run on virtual threads");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void versionAndInfoLoadOnlyWhatTheyNeed() throws Exception {
        // picocli's engine (CommandLine and its 170 nested classes) stays unloaded; the verifier of Simul loads
        // the two exception classes it throws, which is cheap.
        Result version = runJvm(List.of("-Xlog:class+load=info"), "--version");
        assertThat(version.status()).isZero();
        assertThat(version.out()).contains("simul 0.1.0").doesNotContain("picocli.CommandLine source", "dev.simul.runner.",
                "dev.simul.cli.LabCommand", "dev.simul.cli.InfoCommand", "com.fasterxml.");
        assertThat(version.out().lines().filter(line -> line.contains(" dev.simul.lab.")))
                .as("of the lab, only the class that reads the version").allMatch(l -> l.contains("dev.simul.lab.Version "));
        Result info = runJvm(List.of("-Xlog:class+load=info"), "info");
        assertThat(info.status()).isZero();
        assertThat(info.out()).contains("dev.simul.cli.InfoCommand", "Socket(s):")
                .doesNotContain("picocli.CommandLine source", "dev.simul.cli.LabCommand", "dev.simul.cli.FetchCommand", "dev.simul.runner.",
                        "com.fasterxml.", "java.lang.management.", "me.tongfei.");
    }

    @Test
    void whatMainAnswersWithoutPicocliIsWhatPicocliWouldPrint() {
        for (String[] args : new String[][] {{"--version"}, {"-V"}, {"info"}, {"info", "--json"}}) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            Integer status = Simul.quick(args, new PrintWriter(out, true), new PrintWriter(err, true));
            Result parsed = run(args);
            assertThat(status).as(String.join(" ", args)).isEqualTo(parsed.status()).isZero();
            assertThat(out.toString()).as(String.join(" ", args)).isEqualTo(parsed.out());
            assertThat(err.toString()).isEqualTo(parsed.err()).isEmpty();
        }
        for (String[] args : new String[][] {{}, {"info", "--help"}, {"info", "--json", "--json"}, {"--version", "x"},
                {"--verbose", "info"}, {"lab"}}) {
            assertThat(Simul.quick(args, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())))
                    .as(String.join(" ", args)).isNull();
        }
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
                {"demo", "countdown", "--help"}, {"demo", "simul", "--help"}, {"demo", "race", "--help"},
                {"serve", "--help"}, {"fetch", "--help"}, {"member", "--help"}, {"lab", "compare", "--help"}}) {
            Result r = run(args);
            assertThat(r.status()).isZero();
            assertThat(r.out()).contains("Usage:");
        }
        assertThat(run("lab", "--help").out()).contains("--workloads", "--scale", "Workloads", "countdown");
    }

    @Test
    void labRunsTheClusterRowOnMemberJvmsOfItsOwn() {
        Result r = run("lab", "--workloads", "cpu", "--modes", "sequential,cluster", "--workers", "1", "--repeat",
                "1", "--warmup", "0", "--scale", "0.002");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.err()).contains("starting 1 cluster member JVM on this machine");
        assertThat(r.out()).contains("workers: sequential 1, cluster 1\n", "cpu: ");
    }

    @Test
    void labCompareFlagsAPlantedSlowdownAndFailsAboveItsThresholdOnlyWhenAsked(@TempDir Path dir) throws Exception {
        Path before = dir.resolve("before.json");
        Path after = dir.resolve("after.json");
        Files.writeString(before, "{\"results\": [{\"workload\": \"cpu\", \"mode\": \"threads\", \"runs\":"
                + " [{\"wall_s\": 0.40}, {\"wall_s\": 0.41}, {\"wall_s\": 0.42}]}]}");
        Files.writeString(after, "{\"results\": [{\"workload\": \"cpu\", \"mode\": \"threads\", \"runs\":"
                + " [{\"wall_s\": 0.80}, {\"wall_s\": 0.81}, {\"wall_s\": 0.79}]}]}");
        Result r = run("lab", "compare", before.toString(), after.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("+95% slower");
        assertThat(run("lab", "compare", before.toString(), after.toString(), "--fail-above", "50").status())
                .isEqualTo(1);
        assertThat(run("lab", "compare", before.toString(), after.toString(), "--fail-above", "150").status())
                .isZero();
        Result same = run("lab", "compare", before.toString(), before.toString(), "--fail-above", "0");
        assertThat(same.status()).isZero();
        assertThat(same.out()).contains("0 cells slower, 0 faster, 1 no difference");
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
    void labRunsTheMatrixAndWritesJsonCsvMarkdownAndHtml(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("lab.json");
        Path csv = dir.resolve("lab.csv");
        Path md = dir.resolve("lab.md");
        Path html = dir.resolve("lab.html");
        Result r = run("lab", "--workloads", "countdown,cpu", "--modes", "sequential,virtual", "--repeat", "2",
                "--warmup", "0", "--scale", "0.002", "--json", json.toString(), "--csv", csv.toString(),
                "--markdown", md.toString(), "--html", html.toString(), "--explain");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("workload   sequential", "\ncountdown  ", "countdown: ", "cpu: ", "Cores busy")
                .doesNotContain("\u001b");
        assertThat(r.out().lines().filter(l -> l.length() > 100).toList()).isEmpty();
        // Not a terminal: a plain line per cell on stderr, no line rewritten in place.
        assertThat(r.err()).contains("simul lab: countdown on virtual: ").contains("(2 runs)\n").doesNotContain("\r");
        JsonNode results = new ObjectMapper().readTree(json.toFile()).get("results");
        assertThat(results).hasSize(4);
        assertThat(results.get(0).get("workload").asText()).isEqualTo("countdown");
        assertThat(results.get(0).get("runs")).hasSize(2);
        assertThat(Files.readAllLines(csv)).hasSize(1 + 4 * 2);
        assertThat(Files.readString(md)).contains("| workload | sequential | virtual |", "| countdown |", "- **cpu:");
        assertThat(Files.readString(html)).startsWith("<!DOCTYPE html>").contains("id=\"w0\"", "id=\"w1\"",
                "<h3>countdown");
    }

    @Test
    void theSimulDemoPrintsBothTotals() {
        Result r = run("demo", "simul", "--scale", "0.000002");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("synchronous", "expected 12.0 h", "on the loop", "expected 1.0 h", "sooner");
    }

    @Test
    void theRaceDemoPrintsTheTableAndTheVerdicts() {
        Result r = run("demo", "race", "--scale", "0.0001", "--threads", "2");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("race: 2 threads").contains("no synchronization", "AsyncLock across await",
                "static counter per JVM", "the parent's copy still reads 0");
        assertThat(run("demo", "race", "--threads", "1").err())
                .isEqualTo("simul demo race: --threads must be 2 to 1,000, got 1 (see 'simul demo race --help')\n");
    }

    @Test
    void theCountdownDemoPrintsBothCounters() {
        Result r = run("demo", "countdown", "--mode", "sequential", "--scale", "0.01");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("sequential runner", "total", "one after the other");
    }
}
