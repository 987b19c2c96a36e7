package dev.simul.lab.workload;

import static org.assertj.core.api.Assertions.assertThat;

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

@Timeout(60)
class DownloadsTest {

    @Test
    void everyModeDownloadsAndVerifiesEveryImageAndLeavesNoFolder() throws Exception {
        Set<Path> before = ourFolders();
        Downloads downloads = new Downloads();
        downloads.setUp(0.1); // 10 images at 10 ms
        try {
            assertThat(downloads.tasks(0.1)).isEqualTo(10);
            for (String mode : Runners.modes()) {
                try (Runner runner = Runners.of(mode)) {
                    downloads.run(runner, 0.1); // throws if a byte is wrong or a file is missing
                }
            }
        } finally {
            downloads.tearDown();
        }
        assertThat(ourFolders()).isEqualTo(before);
        assertThat(downloads.defaultWorkers(Runners.THREADS)).isEqualTo(10);
    }

    private static Set<Path> ourFolders() throws IOException {
        try (Stream<Path> all = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return all.filter(p -> p.getFileName().toString().startsWith("simul-download-"))
                    .collect(Collectors.toSet());
        }
    }
}
