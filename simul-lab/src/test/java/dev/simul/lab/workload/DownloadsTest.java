package dev.simul.lab.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simul.lab.testing.FakeMode;
import dev.simul.lab.testing.SilentServer;
import dev.simul.loop.Async;
import dev.simul.loop.Coroutine;
import dev.simul.loop.EventLoop;
import dev.simul.loop.LoopMode;
import dev.simul.process.ProcessesMode;
import dev.simul.runner.Handle;
import dev.simul.runner.Runner;
import dev.simul.runner.Runners;
import dev.simul.runner.ThreadsMode;
import dev.simul.runner.VirtualMode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class DownloadsTest {

    @Test
    void everyModeDownloadsAndVerifiesEveryImageAndAfterRunRemovesTheFiles() throws Exception {
        Set<Path> before = ourFolders();
        Downloads downloads = new Downloads();
        downloads.setUp(0.1); // 10 images at 10 ms
        try {
            assertThat(downloads.tasks(0.1)).isEqualTo(10);
            for (String mode : Runners.modes()) {
                try (Runner runner = Runners.of(mode)) {
                    downloads.run(runner, 0.1); // throws if a byte is wrong or a file is missing
                }
                Set<Path> added = ourFolders();
                added.removeAll(before);
                assertThat(added).as("the run's folder, kept until afterRun").hasSize(1);
                try (Stream<Path> files = Files.list(added.iterator().next())) {
                    assertThat(files.count()).isEqualTo(10);
                }
                downloads.afterRun();
                assertThat(ourFolders()).isEqualTo(before);
            }
        } finally {
            downloads.tearDown();
        }
        assertThat(ourFolders()).isEqualTo(before);
        assertThat(downloads.defaultWorkers(Runners.mode(ThreadsMode.NAME))).isEqualTo(10);
        assertThat(downloads.defaultWorkers(Runners.mode(ProcessesMode.NAME))).isEqualTo(5);
    }

    @Test
    void theSeedsPoolsGoToModesByWhatTheirWorkersAreNotByName() {
        Downloads downloads = new Downloads();
        assertThat(downloads.defaultWorkers(FakeMode.of(true, 2))).as("workers are processes: seed 003's 5").isEqualTo(5);
        assertThat(downloads.defaultWorkers(FakeMode.of(false, 2))).as("a pool of threads: its 10").isEqualTo(10);
        assertThat(downloads.defaultWorkers(FakeMode.of(false, Runner.UNBOUNDED))).as("no limit of its own: kept").isNull();
        assertThat(downloads.defaultWorkers(Runners.mode(VirtualMode.NAME))).isNull();
        assertThat(downloads.defaultWorkers(Runners.mode("auto"))).isNull();
        assertThat(downloads.defaultWorkers(Runners.mode("cluster"))).isEqualTo(5);
    }

    /** Runs {@code body} with a standalone image server of {@code count} images on a loop thread of its own. */
    private static void withImageServer(int count, ThrowingConsumer<java.net.URI> body) throws Exception {
        java.util.concurrent.CompletableFuture<Integer> port = new java.util.concurrent.CompletableFuture<>();
        EventLoop loop = new EventLoop();
        Thread thread = Thread.ofPlatform().start(() -> {
            try {
                loop.run(() -> {
                    try (var server = dev.simul.lab.images.ImageServer.start(
                            new dev.simul.lab.images.ImageSet(count, 8), Duration.ofMillis(5), 0,
                            dev.simul.http.HttpServer.Options.loopback(0))) {
                        port.complete(server.port());
                        Async.await(loop.newFuture());
                    }
                    return null;
                });
            } catch (Throwable t) {
                port.completeExceptionally(t);
            }
        });
        try {
            body.accept(java.net.URI.create("http://127.0.0.1:" + port.get()));
        } finally {
            loop.stop();
            thread.join();
            loop.close();
        }
    }

    private interface ThrowingConsumer<T> {
        void accept(T t) throws Exception;
    }

    @Test
    void downloadsFromARunningImageServerInsteadOfItsOwn() throws Exception {
        withImageServer(30, base -> {
            assertThat(Downloads.index(base)).hasSize(30).first().satisfies(image -> {
                assertThat(image.url()).isEqualTo(base + "/images/0.png");
                assertThat(image.sha256()).hasSize(64);
            });
            Downloads downloads = Downloads.from(base);
            downloads.setUp(0.2); // the index's first 20 images
            try {
                assertThat(downloads.url(19)).isEqualTo(base + "/images/19.png");
                for (String mode : List.of(VirtualMode.NAME, LoopMode.NAME)) {
                    try (Runner runner = Runners.of(mode)) {
                        downloads.run(runner, 0.2); // throws if a byte is wrong or a file is missing
                    }
                    downloads.afterRun();
                }
            } finally {
                downloads.tearDown();
            }
            Downloads tooMany = Downloads.from(base);
            assertThatThrownBy(() -> tooMany.setUp(0.5)).hasMessageContaining("has 30 images")
                    .hasMessageContaining("needs 50");
        });
    }

    @Test
    void anAddressThatServesNoImageIndexIsRefused() throws Exception {
        com.sun.net.httpserver.HttpServer other = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        other.createContext("/", exchange -> {
            byte[] page = "<html>not an index</html>".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().equals("/index.json") ? 200 : 404,
                    page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        other.start();
        try {
            java.net.URI base = java.net.URI.create("http://127.0.0.1:" + other.getAddress().getPort());
            assertThatThrownBy(() -> Downloads.index(base)).isInstanceOf(IOException.class)
                    .hasMessageContaining("is not an image index");
        } finally {
            other.stop(0);
        }
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            java.net.URI nobody = java.net.URI.create("http://127.0.0.1:" + closed.getLocalPort());
            closed.close();
            assertThatThrownBy(() -> Downloads.index(nobody)).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void tearDownRemovesTheFilesOfARunWithoutAfterRun() throws Exception {
        Set<Path> before = ourFolders();
        Downloads downloads = new Downloads();
        downloads.setUp(0.05);
        try (Runner runner = Runners.of(VirtualMode.NAME)) {
            downloads.run(runner, 0.05);
            downloads.run(runner, 0.05); // the first run's folder goes when the second starts
            assertThat(ourFolders()).hasSize(before.size() + 1);
        } finally {
            downloads.tearDown();
        }
        assertThat(ourFolders()).isEqualTo(before);
    }

    @Test
    void aDownloadThatFailsLeavesNoFileInEveryMode(@TempDir Path dir) throws Exception {
        Downloads downloads = new Downloads();
        downloads.setUp(0.02); // 2 images at 2 ms
        try {
            for (String mode : Runners.modes()) {
                Downloads.Job wrongBytes = new Downloads.Job(downloads.url(0), dir.resolve(mode + "-0.png").toString(),
                        "0".repeat(64));
                Downloads.Job missing = new Downloads.Job(downloads.url(0).replace("/0.png", "/7.png"),
                        dir.resolve(mode + "-7.png").toString(),
                        "0".repeat(64));
                try (Runner runner = Runners.of(mode)) {
                    assertThatThrownBy(() -> runner.submit(() -> Downloads.fetch(wrongBytes)).get())
                            .as(mode).hasMessageContaining("hashes to");
                    assertThatThrownBy(() -> runner.submit(() -> Downloads.fetch(missing)).get())
                            .as(mode).hasMessageContaining("answered 404");
                }
                assertThat(dir).as(mode + ": the files made while the answers travelled are gone").isEmptyDirectory();
            }
        } finally {
            downloads.tearDown();
        }
    }

    @Test
    void aDownloadOnTheLoopThatFailsOrIsCancelledBeforeItsFileExistsLeavesNoFileAndNoOpenChannel(@TempDir Path dir)
            throws Exception {
        Path refused = dir.resolve("refused.png");
        Path cancelled = dir.resolve("cancelled.png");
        CountDownLatch gate = new CountDownLatch(1);
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             SilentServer silent = new SilentServer()) {
            String nobody = "http://127.0.0.1:" + closed.getLocalPort() + "/0.png";
            closed.close(); // nothing listens there: the request fails at once
            String noAnswer = "http://127.0.0.1:" + silent.port() + "/0.png"; // accepts, never answers
            try (EventLoop loop = new EventLoop()) {
                loop.run(() -> {
                    // Every helper thread is busy (a loaded machine, or 100 creations queued): the files wait.
                    for (int i = 0; i < Runtime.getRuntime().availableProcessors() + 4; i++) {
                        loop.defaultExecutor().submit(() -> {
                            gate.await();
                            return null;
                        });
                    }
                    try {
                        Coroutine<Long> failing = Async.spawn(() -> Downloads.fetch(new Downloads.Job(nobody,
                                refused.toString(), "0".repeat(64))));
                        assertThatThrownBy(() -> Async.await(failing)).hasRootCauseInstanceOf(ConnectException.class);
                        Coroutine<Long> waiting = Async.spawn(() -> Downloads.fetch(new Downloads.Job(noAnswer,
                                cancelled.toString(), "0".repeat(64))));
                        Async.await(silent.asked()); // it waits for the answer
                        waiting.cancel(true);
                        assertThatThrownBy(() -> Async.await(waiting)).isInstanceOf(CancellationException.class);
                    } finally {
                        gate.countDown(); // the two files are made now, after their downloads were given up
                    }
                    return null;
                });
            } // closing the loop waits for its helper threads
        }
        assertThat(openDescriptorsOf(dir)).as("channels still open").isEmpty();
        assertThat(dir).as("a download given up leaves no file").isEmptyDirectory();
    }

    @Test
    void aDownloadOnAThreadThatFailsOrIsCancelledLeavesNoFileAndNoOpenChannelWhenItReturns(@TempDir Path dir)
            throws Exception {
        Path refused = dir.resolve("refused.png");
        Path cancelled = dir.resolve("cancelled.png");
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Runner runner = Runners.of(VirtualMode.NAME)) {
            String nobody = "http://127.0.0.1:" + closed.getLocalPort() + "/0.png";
            closed.close();
            String noAnswer = "http://127.0.0.1:" + silent.getLocalPort() + "/0.png";
            // Refused at once, most likely before the helper has made the file: fetch waits for it to go.
            assertThatThrownBy(() -> Downloads.fetch(new Downloads.Job(nobody, refused.toString(), "0".repeat(64))))
                    .isInstanceOf(ConnectException.class);
            assertThat(dir).as("the refused download's file").isEmptyDirectory();

            Handle<Long> waiting = runner.submit(() -> Downloads.fetch(new Downloads.Job(noAnswer,
                    cancelled.toString(), "0".repeat(64))));
            while (!Files.exists(cancelled)) {
                Thread.sleep(1); // the helper makes the file while the request waits for its answer
            }
            waiting.cancel(true);
            runner.close(); // waits for the cancelled task's thread to end
        }
        assertThat(openDescriptorsOf(dir)).as("channels still open").isEmpty();
        assertThat(dir).as("a download given up leaves no file").isEmptyDirectory();
    }

    /** The descriptors of this process open on files in {@code dir} (Linux), or none where /proc is missing. */
    private static List<Path> openDescriptorsOf(Path dir) throws IOException {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return List.of();
        }
        try (Stream<Path> all = Files.list(fds)) {
            return all.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).startsWith(dir.toAbsolutePath());
                } catch (IOException | UnsupportedOperationException e) {
                    return false;
                }
            }).toList();
        }
    }

    private static Set<Path> ourFolders() throws IOException {
        try (Stream<Path> all = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return all.filter(p -> p.getFileName().toString().startsWith("simul-download-"))
                    .collect(Collectors.toSet());
        }
    }
}
