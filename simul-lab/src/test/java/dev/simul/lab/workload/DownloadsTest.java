package dev.simul.lab.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simul.runner.Runner;
import dev.simul.runner.Runners;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
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

    private static Set<Path> ourFolders() throws IOException {
        try (Stream<Path> all = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return all.filter(p -> p.getFileName().toString().startsWith("simul-download-"))
                    .collect(Collectors.toSet());
        }
    }
}
