package dev.simul.lab.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simul.runner.Handle;
import dev.simul.runner.Runner;
import dev.simul.runner.Runners;
import dev.simul.loop.Async;
import dev.simul.loop.Coroutine;
import dev.simul.loop.EventLoop;
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
        assertThat(downloads.defaultWorkers(Runners.THREADS)).isEqualTo(10);
        assertThat(downloads.defaultWorkers(Runners.PROCESSES)).isEqualTo(5);
    }

    @Test
    void tearDownRemovesTheFilesOfARunWithoutAfterRun() throws Exception {
        Set<Path> before = ourFolders();
        Downloads downloads = new Downloads();
        downloads.setUp(0.05);
        try (Runner runner = Runners.of(Runners.VIRTUAL)) {
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
                Downloads.Job missing = new Downloads.Job(downloads.url(7), dir.resolve(mode + "-7.png").toString(),
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
             ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String nobody = "http://127.0.0.1:" + closed.getLocalPort() + "/0.png";
            closed.close(); // nothing listens there: the request fails at once
            String noAnswer = "http://127.0.0.1:" + silent.getLocalPort() + "/0.png"; // accepts, never answers
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
                        Async.sleep(Duration.ofMillis(50)); // it waits for the answer
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
             Runner runner = Runners.of(Runners.VIRTUAL)) {
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
                Thread.onSpinWait(); // the helper makes the file while the request waits for its answer
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
