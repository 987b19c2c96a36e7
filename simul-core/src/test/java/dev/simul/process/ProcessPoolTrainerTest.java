package dev.simul.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AOT trainer end to end: the pool trains a cache only when its class path is all jars, so the test jars this
 * module's classes and runs pools in child JVMs.
 */
@Timeout(120)
class ProcessPoolTrainerTest {

    @TempDir
    Path dir;

    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    /** This test JVM's class folders, each as a jar. */
    private String jarClassPath() throws IOException {
        List<String> jars = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path folder = Path.of(entry);
            if (Files.isDirectory(folder)) {
                Path jar = dir.resolve("cp" + n++ + ".jar");
                try (OutputStream file = Files.newOutputStream(jar);
                     JarOutputStream out = new JarOutputStream(file);
                     Stream<Path> all = Files.walk(folder)) {
                    for (Path p : all.filter(Files::isRegularFile).toList()) {
                        String name = folder.relativize(p).toString().replace(File.separatorChar, '/');
                        out.putNextEntry(new JarEntry(name));
                        Files.copy(p, out);
                        out.closeEntry();
                    }
                }
                jars.add(jar.toString());
            }
        }
        return String.join(File.pathSeparator, jars);
    }

    /**
     * A trainer's JVM reports on the cache it writes, and only that report is held back: what its last task printed,
     * still in the pipe when EXIT goes out, is logged like any worker's output.
     */
    @Test
    void aTrainersTaskOutputIsNotDroppedWhenItWritesTheCache() throws Exception {
        String classPath = jarClassPath();
        Path cache = dir.resolve("xdg");
        Files.createDirectories(cache);
        String output = run(cache, classPath);
        try (Stream<Path> caches = Files.list(cache.resolve("simul/aot"))) {
            assertThat(caches.map(p -> p.getFileName().toString())).as("the run trained a cache")
                    .anyMatch(name -> name.startsWith("worker-") && name.endsWith(".aot"));
        }
        String again = run(cache, classPath); // the cache is there now: no trainer
        assertThat(again).as("without a trainer").contains("logged 20000");
        assertThat(output).as("with a trainer").contains("logged 20000")
                .doesNotContain("AOTCache creation is complete"); // the JVM's report, held back: a cache came of it
    }

    private static String run(Path xdg, String classPath) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(JAVA, "-cp", classPath, TrainerMain.class.getName(),
                "pool", "20000").redirectErrorStream(true);
        builder.environment().put("XDG_CACHE_HOME", xdg.toString());
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
