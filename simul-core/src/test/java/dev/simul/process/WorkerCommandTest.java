package dev.simul.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the pool finds the jars behind its workers' AOT cache, and how it keeps the cache folder small. */
class WorkerCommandTest {

    @TempDir
    Path dir;

    @Test
    void jarsIncludeThoseManifestsNameResolvedAgainstTheirJarsFolderAllTheWayDown() throws IOException {
        Files.createDirectories(dir.resolve("lib"));
        Path core = jar(dir.resolve("lib/core.jar"), null);
        Path lab = jar(dir.resolve("lib/lab.jar"), "core.jar");
        Path app = jar(dir.resolve("app.jar"), "lib/lab.jar lib/core.jar");

        // A stale class from a jar two manifests down is as stale as one on the command line.
        assertThat(WorkerCommand.jars(app.toString())).containsExactly(app, lab, core);
    }

    @Test
    void aFolderOnTheClassPathOrInAManifestMeansNoCache() throws IOException {
        Path app = jar(dir.resolve("app.jar"), "classes/");

        assertThat(WorkerCommand.jars(app.toString())).isNull();
        assertThat(WorkerCommand.jars(dir.toString())).isNull();
    }

    @Test
    void pruneKeepsTheNewestCachesAndDropsOnlyTheFilesOfTrainersWhosePoolIsGone() throws Exception {
        long now = System.currentTimeMillis();
        for (int i = 0; i < WorkerCommand.CACHES_KEPT + 3; i++) {
            touch(dir.resolve("worker-" + i + ".aot"), now - i * 60_000L);
        }
        Process gone = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-version")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        gone.waitFor();
        long alive = ProcessHandle.current().pid();
        // A pool that is gone: its trainer's files go.
        touch(dir.resolve("worker-x.aot." + gone.pid() + ".1.tmp.aot"), now - 2 * 60_000L);
        touch(dir.resolve("worker-x.aot." + gone.pid() + ".1.tmp.aot.config"), now - 2 * 60_000L);
        // A live pool's trainer, running for two hours: its configuration file keeps its start time until it exits.
        touch(dir.resolve("worker-y.aot." + alive + ".2.tmp.aot.config"), now - 2 * 3_600_000L);

        WorkerCommand.prune(dir);

        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    "worker-0.aot", "worker-1.aot", "worker-2.aot", "worker-3.aot", "worker-4.aot", "worker-5.aot",
                    "worker-6.aot", "worker-7.aot", "worker-y.aot." + alive + ".2.tmp.aot.config");
        }
    }

    private static Path jar(Path path, String classPath) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (classPath != null) {
            manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        }
        try (OutputStream out = new JarOutputStream(Files.newOutputStream(path), manifest)) {
            return path;
        }
    }

    private static void touch(Path path, long millis) throws IOException {
        Files.writeString(path, "x");
        Files.setLastModifiedTime(path, FileTime.fromMillis(millis));
    }
}
