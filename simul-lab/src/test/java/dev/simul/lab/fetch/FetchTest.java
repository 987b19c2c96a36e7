package dev.simul.lab.fetch;

import dev.simul.runner.VirtualMode;
import dev.simul.runner.ThreadsMode;
import dev.simul.process.ProcessesMode;
import dev.simul.loop.LoopMode;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.simul.http.HttpResponse;
import dev.simul.http.HttpServer;
import dev.simul.lab.testing.SilentServer;
import dev.simul.loop.Async;
import dev.simul.loop.EventLoop;
import dev.simul.runner.Runner;
import dev.simul.runner.Runners;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class FetchTest {

    /** simul's HTTP server on a loop of its own. */
    static final class Server implements AutoCloseable {
        private final EventLoop loop = new EventLoop();
        private final Thread serving;
        final int port;

        Server(HttpServer.Handler handler) throws Exception {
            CompletableFuture<Integer> bound = new CompletableFuture<>();
            serving = Thread.ofPlatform().start(() -> {
                try {
                    loop.run(() -> {
                        try (HttpServer server = HttpServer.start(HttpServer.Options.loopback(0), handler)) {
                            bound.complete(server.port());
                            Async.await(loop.newFuture());
                        }
                        return null;
                    });
                } catch (Exception e) {
                    bound.completeExceptionally(e);
                }
            });
            port = bound.get();
        }

        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }

        @Override
        public void close() throws InterruptedException {
            loop.stop();
            serving.join();
            loop.close();
        }
    }

    private static Fetch.Summary fetch(List<String> lines, Path out, String mode, int concurrency, int retries,
                                       boolean overwrite) throws Exception {
        try (Runner runner = Runners.of(mode, concurrency)) {
            return Fetch.run(lines, out, runner, concurrency, retries, overwrite, count -> { }, r -> { });
        }
    }

    private static Fetcher.Result only(Fetch.Summary summary) {
        assertThat(summary.results()).hasSize(1);
        return summary.results().getFirst();
    }

    @Test
    void fileNamesAreSafeAndDistinctAndStayInTheFolder(@TempDir Path dir) {
        FileNames names = new FileNames(dir);
        assertThat(names.fileFor(URI.create("http://h/a/b/photo.png")).getFileName()).hasToString("photo.png");
        assertThat(names.fileFor(URI.create("http://h/other/photo.png")).getFileName()).hasToString("photo-1.png");
        assertThat(names.fileFor(URI.create("http://h/%2E%2E%2Fetc%2Fpasswd")).getParent()).isEqualTo(dir);
        assertThat(names.fileFor(URI.create("http://h/..")).getFileName().toString()).doesNotStartWith(".");
        assertThat(names.fileFor(URI.create("http://example.com/")).getFileName()).hasToString("example.com");
        assertThat(FileNames.sanitize("a b/c\\d:e?.txt")).isEqualTo("a_b_c_d_e_.txt");
        assertThat(FileNames.sanitize("x".repeat(500))).hasSize(FileNames.MAX_LENGTH);
    }

    @Test
    void retriesServerErrorsFollowsRedirectsAndReportsEveryFailure(@TempDir Path dir) throws Exception {
        AtomicInteger flaky = new AtomicInteger();
        try (Server server = new Server(request -> switch (request.path()) {
            case "/flaky.txt" -> flaky.incrementAndGet() < 3 ? HttpResponse.status(503) : HttpResponse.text("finally");
            case "/gone.txt" -> HttpResponse.status(404);
            case "/moved.txt" -> HttpResponse.status(301).header("Location", "/a.txt");
            default -> HttpResponse.text("content of " + request.path());
        })) {
            List<String> lines = List.of(server.url("/a.txt"), "# a comment", "", server.url("/flaky.txt"),
                    server.url("/gone.txt"), "mailto:someone@example.com", server.url("/b.txt"),
                    server.url("/moved.txt"));
            for (String mode : List.of(ThreadsMode.NAME, VirtualMode.NAME, LoopMode.NAME)) {
                flaky.set(0);
                Path out = dir.resolve(mode);
                List<Fetcher.Result> seen = new ArrayList<>();
                Fetch.Summary summary;
                try (Runner runner = Runners.of(mode, 4)) {
                    summary = Fetch.run(lines, out, runner, 4, 3, false, count -> assertThat(count).isEqualTo(5),
                            seen::add);
                }
                assertThat(seen).hasSize(5);
                assertThat(summary.failures()).as(mode).isEqualTo(2); // the 404 and the mailto line
                assertThat(Files.readString(out.resolve("a.txt"))).isEqualTo("content of /a.txt");
                assertThat(Files.readString(out.resolve("moved.txt"))).isEqualTo("content of /a.txt");
                assertThat(Files.readString(out.resolve("flaky.txt"))).isEqualTo("finally");
                assertThat(summary.results()).filteredOn(r -> r.url().endsWith("flaky.txt"))
                        .singleElement().extracting(Fetcher.Result::attempts).isEqualTo(3);
                assertThat(summary.results()).filteredOn(r -> r.url().endsWith("gone.txt")).singleElement()
                        .satisfies(r -> assertThat(r.attempts()).as("a 404 is not retried").isEqualTo(1));
                try (var files = Files.list(out)) {
                    assertThat(files.map(p -> p.getFileName().toString())).as("no partial files")
                            .containsExactlyInAnyOrder("a.txt", "flaky.txt", "b.txt", "moved.txt");
                }
            }
        }
    }

    @Test
    void overwritesOnlyWhenAsked(@TempDir Path dir) throws Exception {
        try (Server server = new Server(request -> HttpResponse.text("new"))) {
            Files.writeString(dir.resolve("a.txt"), "old");
            List<String> lines = List.of(server.url("/a.txt"));
            Fetcher.Result refused = only(fetch(lines, dir, VirtualMode.NAME, 1, 0, false));
            assertThat(refused.error()).contains("file exists", "--overwrite");
            assertThat(Files.readString(dir.resolve("a.txt"))).isEqualTo("old");
            assertThat(only(fetch(lines, dir, VirtualMode.NAME, 1, 0, true)).ok()).isTrue();
            assertThat(Files.readString(dir.resolve("a.txt"))).isEqualTo("new");
        }
    }

    @Test
    void aFileThatAppearsDuringTheDownloadIsNotOverwritten(@TempDir Path dir) throws Exception {
        AtomicReference<Path> folder = new AtomicReference<>();
        try (Server server = new Server(request -> {
            Files.writeString(folder.get().resolve("race.txt"), "someone else's"); // after the job's own check
            return HttpResponse.text("downloaded");
        })) {
            for (String mode : List.of(VirtualMode.NAME, LoopMode.NAME)) {
                Path out = Files.createDirectories(dir.resolve(mode));
                folder.set(out);
                Fetcher.Result result = only(fetch(List.of(server.url("/race.txt")), out, mode, 1, 3, false));
                assertThat(result.error()).as(mode).contains("file exists");
                assertThat(result.attempts()).as(mode).isEqualTo(1);
                assertThat(Files.readString(out.resolve("race.txt"))).as(mode).isEqualTo("someone else's");
                try (var files = Files.list(out)) {
                    assertThat(files).as("no partial files").hasSize(1);
                }
            }
        }
    }

    @Test
    void aBodyOverTheLimitIsNotRetriedAndAFailureSaysWhatHappened(@TempDir Path dir) throws Exception {
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket listener = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> { // announces a terabyte: refused on the head, whatever follows
                while (true) {
                    try (Socket s = listener.accept()) {
                        connections.incrementAndGet();
                        s.getInputStream().read(new byte[4096]);
                        OutputStream out = s.getOutputStream();
                        out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000000000000\r\n\r\nxyz"
                                .getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            });
            int port = listener.getLocalPort();
            for (String mode : List.of(VirtualMode.NAME, LoopMode.NAME)) {
                connections.set(0);
                Fetcher.Result result = only(fetch(List.of("http://127.0.0.1:" + port + "/huge.bin"),
                        dir.resolve(mode), mode, 1, 3, false));
                assertThat(result.attempts()).as(mode).isEqualTo(1);
                assertThat(connections).as(mode).hasValue(1);
                assertThat(result.error()).as(mode).contains("over 104857600");
            }
            ServerSocket gone = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
            int closed = gone.getLocalPort();
            gone.close();
            for (String mode : List.of(VirtualMode.NAME, LoopMode.NAME)) {
                Fetcher.Result refused = only(fetch(List.of("http://127.0.0.1:" + closed + "/x"),
                        dir.resolve(mode), mode, 1, 0, false));
                assertThat(refused.error()).as(mode).isEqualTo("connection refused by 127.0.0.1:" + closed);
            }
        }
    }

    @Test
    void anUntrustedCertificateIsNotRetried(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("test.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "test", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit").redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(store.toFile())) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "changeit".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        AtomicInteger handshakes = new AtomicInteger();
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(com.sun.net.httpserver.HttpsParameters params) {
                handshakes.incrementAndGet(); // once per connection
                super.configure(params);
            }
        });
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try {
            String url = "https://127.0.0.1:" + server.getAddress().getPort() + "/self-signed.txt";
            for (String mode : List.of(VirtualMode.NAME, LoopMode.NAME)) {
                handshakes.set(0);
                Fetcher.Result result = only(fetch(List.of(url), dir.resolve(mode), mode, 1, 3, false));
                assertThat(result.attempts()).as(mode).isEqualTo(1);
                assertThat(handshakes).as(mode).hasValue(1);
                assertThat(result.error()).as(mode).startsWith("TLS handshake with 127.0.0.1:"
                        + server.getAddress().getPort() + " failed");
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theLoopKeepsToTheConcurrency(@TempDir Path dir) throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        try (Server server = new Server(request -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            Async.sleep(Duration.ofMillis(20)); // long enough for the others to come, if they were let
            inFlight.decrementAndGet();
            return HttpResponse.text("ok");
        })) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                lines.add(server.url("/" + i + ".txt"));
            }
            Fetch.Summary summary = fetch(lines, dir, LoopMode.NAME, 2, 0, false);
            assertThat(summary.failures()).isZero();
            assertThat(most.get()).isBetween(1, 2);
        }
    }

    @Test
    void aRefusedCertificateIsFinalButAHandshakeCutShortIsANetworkError() {
        javax.net.ssl.SSLHandshakeException refused = new javax.net.ssl.SSLHandshakeException("PKIX path failed");
        refused.initCause(new java.security.cert.CertificateException("unable to find a valid certification path"));
        javax.net.ssl.SSLHandshakeException cut = new javax.net.ssl.SSLHandshakeException(
                "Remote host terminated the handshake");
        cut.initCause(new java.io.EOFException("SSL peer shut down incorrectly"));
        assertThat(Fetcher.retryable(refused)).isFalse();
        assertThat(Fetcher.retryable(cut)).isTrue();
    }

    @Test
    void aFetchCancelledOnTheLoopIsCancelledNotAFailedDownload(@TempDir Path dir) throws Exception {
        try (SilentServer silent = new SilentServer();
             EventLoop loop = new EventLoop()) {
            Fetcher.Job job = new Fetcher.Job("http://127.0.0.1:" + silent.port() + "/a.txt",
                    dir.resolve("a.txt").toString(), 3, false);
            Throwable outcome = loop.run(() -> {
                dev.simul.loop.Coroutine<Fetcher.Result> fetching = Async.spawn(() -> Fetcher.fetch(job));
                Async.await(silent.asked()); // it waits for an answer that never comes
                fetching.cancel(true);
                try {
                    return "returned " + Async.await(fetching);
                } catch (java.util.concurrent.CancellationException e) {
                    return e;
                }
            }) instanceof Throwable t ? t : null;
            assertThat(outcome).isInstanceOf(java.util.concurrent.CancellationException.class);
        }
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aWorkerThatDiesMidDownloadFailsItsUrlAndTheFetchGoesOn(@TempDir Path dir) throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             Runner runner = Runners.of(ProcessesMode.NAME, 1)) {
            String url = "http://127.0.0.1:" + silent.getLocalPort() + "/a.txt"; // accepted, never answered
            dev.simul.process.ProcessPool pool = (dev.simul.process.ProcessPool) runner;
            CompletableFuture<Fetch.Summary> summary = CompletableFuture.supplyAsync(() -> {
                try {
                    return Fetch.run(List.of(url), dir, runner, 1, 0, false, n -> { }, r -> { });
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try (Socket waiting = silent.accept()) { // the worker's request has arrived: kill the worker
                ProcessHandle.of(pool.workerInfo().getFirst().pid()).orElseThrow().destroyForcibly();
                Fetch.Summary done = summary.get(30, TimeUnit.SECONDS);
                assertThat(done.results()).singleElement().satisfies(r -> {
                    assertThat(r.ok()).isFalse();
                    assertThat(r.error()).startsWith("the download's task failed: ").doesNotContain("\n");
                });
            }
        }
    }
}
