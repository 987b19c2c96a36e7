package dev.simul.lab.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunContextTest {

    @Test
    void theContextOfThisJvmHasSimulsVersionTheJvmAndWhatWasAsked() {
        RunContext c = RunContext.of("2026-12-05T09:00Z", List.of("lab"), List.of("matrix"), List.of("cpu"),
                List.of("threads"), 2, 0.3, 3, 1.0);
        assertThat(c.simulVersion()).as("filtered into the build's resources").matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(c.jvmVersion()).isEqualTo(Runtime.version().toString());
        assertThat(c.jvmFlags()).isEqualTo(
                java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        assertThat(c.workers()).isEqualTo(2);
        assertThat(c.date()).isEqualTo("2026-12-05T09:00Z");
        // From a git checkout (a developer's, CI's), git names the commit; from anywhere else it is null, with no
        // dirtiness to tell.
        if (c.gitCommit() != null) {
            assertThat(c.gitCommit()).matches("[0-9a-f]{12}");
            assertThat(c.gitDirty()).isNotNull();
        } else {
            assertThat(c.gitDirty()).isNull();
        }
    }

    @Test
    void outsideAGitCheckoutTheCommitIsUnknownNotAFailure(@TempDir Path dir) throws Exception {
        assertThat(RunContext.Git.of(dir)).isEqualTo(RunContext.Git.UNKNOWN);
        assertThat(RunContext.Git.of(dir.resolve("missing"))).isEqualTo(RunContext.Git.UNKNOWN);
        assertThat(RunContext.Git.of(null)).isEqualTo(RunContext.Git.UNKNOWN);
    }

    @Test
    void aGitCheckoutGivesItsCommitAndWhetherTrackedFilesChanged(@TempDir Path dir) throws Exception {
        if (!git(dir, "init", "-q") || !git(dir, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q",
                "--allow-empty", "-m", "first")) {
            return; // no git here: the case above is the one that matters then
        }
        RunContext.Git clean = RunContext.Git.of(dir);
        assertThat(clean.commit()).matches("[0-9a-f]{12}");
        assertThat(clean.dirty()).isFalse();
        Files.writeString(dir.resolve("a.txt"), "a");
        assertThat(git(dir, "add", "a.txt")).isTrue();
        assertThat(RunContext.Git.of(dir)).isEqualTo(new RunContext.Git(clean.commit(), true));
    }

    private static boolean git(Path dir, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor() == 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
