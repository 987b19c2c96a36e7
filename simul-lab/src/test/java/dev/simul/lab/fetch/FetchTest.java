package dev.simul.lab.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simul.http.HttpResponse;
import dev.simul.http.HttpServer;
import dev.simul.loop.Async;
import dev.simul.loop.EventLoop;
import dev.simul.runner.Runner;
import dev.simul.runner.Runners;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class FetchTest {

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
    void retriesServerErrorsAndReportsEveryFailure(@TempDir Path dir) throws Exception {
        AtomicInteger flaky = new AtomicInteger();
        try (EventLoop loop = new EventLoop()) {
            CompletableFuture<Integer> port = new CompletableFuture<>();
            Thread serving = Thread.ofPlatform().start(() -> {
                try {
                    loop.run(() -> {
                        try (HttpServer server = HttpServer.start(HttpServer.Options.loopback(0), request ->
                                switch (request.path()) {
                                    case "/flaky.txt" -> flaky.incrementAndGet() < 3 ? HttpResponse.status(503)
                                            : HttpResponse.text("finally");
                                    case "/gone.txt" -> HttpResponse.status(404);
                                    default -> HttpResponse.text("content of " + request.path());
                                })) {
                            port.complete(server.port());
                            Async.await(loop.newFuture());
                        }
                        return null;
                    });
                } catch (Exception e) {
                    port.completeExceptionally(e);
                }
            });
            String base = "http://127.0.0.1:" + port.get();
            Path list = dir.resolve("urls.txt");
            Files.write(list, List.of(base + "/a.txt", "# a comment", "", base + "/flaky.txt", base + "/gone.txt",
                    "mailto:someone@example.com", base + "/b.txt"));
            for (String mode : List.of(Runners.VIRTUAL, Runners.LOOP)) {
                flaky.set(0);
                Path out = dir.resolve(mode);
                List<Fetcher.Result> seen = new ArrayList<>();
                Fetch.Summary summary;
                try (Runner runner = Runners.of(mode, 4)) {
                    summary = Fetch.run(list, out, runner, 3, false, count -> assertThat(count).isEqualTo(4),
                            seen::add);
                }
                assertThat(seen).hasSize(4);
                assertThat(summary.failures()).as(mode).isEqualTo(2); // the 404 and the mailto line
                assertThat(Files.readString(out.resolve("a.txt"))).isEqualTo("content of /a.txt");
                assertThat(Files.readString(out.resolve("flaky.txt"))).isEqualTo("finally");
                assertThat(summary.results()).filteredOn(r -> r.url().endsWith("flaky.txt"))
                        .singleElement().extracting(Fetcher.Result::attempts).isEqualTo(3);
                assertThat(Files.exists(out.resolve("gone.txt"))).isFalse();
                try (var files = Files.list(out)) {
                    assertThat(files.map(p -> p.getFileName().toString())).as("no partial files")
                            .containsExactlyInAnyOrder("a.txt", "flaky.txt", "b.txt");
                }
                // a second fetch refuses to overwrite
                try (Runner runner = Runners.of(mode, 4)) {
                    Fetch.Summary again = Fetch.run(list, out, runner, 0, false, count -> { }, r -> { });
                    assertThat(again.results()).filteredOn(r -> r.url().endsWith("a.txt")).singleElement()
                            .extracting(Fetcher.Result::error).asString().contains("--overwrite");
                }
            }
            loop.stop();
            serving.join();
        }
    }
}
