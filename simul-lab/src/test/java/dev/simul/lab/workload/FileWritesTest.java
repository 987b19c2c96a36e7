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
import org.junit.jupiter.api.io.TempDir;

class FileWritesTest {

    @Test
    void writesTheSampleTextTheGivenNumberOfTimes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("file0.txt");
        assertThat(FileWrites.write(file.toString(), 3)).isEqualTo(3L * FileWrites.TEXT.length());
        assertThat(Files.readString(file)).isEqualTo(FileWrites.TEXT.repeat(3));
    }

    @Test
    void keepsItsFilesUntilAfterRunOutsideTheTimedRunThenRemovesThem() throws Exception {
        Set<Path> before = ourFolders();
        FileWrites files = new FileWrites();
        for (String mode : Runners.modes()) {
            try (Runner runner = Runners.of(mode)) {
                files.run(runner, 1e-4);
            }
            Set<Path> added = ourFolders();
            added.removeAll(before);
            assertThat(added).as(mode + ": the run's folder, kept until afterRun").hasSize(1);
            try (Stream<Path> written = Files.list(added.iterator().next())) {
                assertThat(written.count()).isEqualTo(4);
            }
            files.afterRun();
            assertThat(ourFolders()).isEqualTo(before);
        }
    }

    @Test
    void afterRunRemovesTheFolderOfARunThatFailedAndTearDownOfOneNeverCleaned() throws Exception {
        Set<Path> before = ourFolders();
        FileWrites files = new FileWrites();
        try (Runner runner = Runners.threads(2)) {
            runner.shutdown(); // every submit is now rejected: the run fails after creating its folder
            assertThatThrownBy(() -> files.run(runner, 1e-4)).isNotNull();
        }
        files.afterRun();
        assertThat(ourFolders()).isEqualTo(before);
        try (Runner runner = Runners.threads(2)) {
            files.run(runner, 1e-4);
            files.run(runner, 1e-4); // the first run's folder goes when the second starts
            assertThat(ourFolders()).hasSize(before.size() + 1);
        }
        files.tearDown();
        assertThat(ourFolders()).isEqualTo(before);
    }

    private static Set<Path> ourFolders() throws IOException {
        try (Stream<Path> all = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return all.filter(p -> p.getFileName().toString().startsWith("simul-files-")).collect(Collectors.toSet());
        }
    }
}
