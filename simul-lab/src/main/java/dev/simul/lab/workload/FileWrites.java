package dev.simul.lab.workload;

import dev.simul.runner.Runner;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Seed 004's {@code io_bound(i)}: 4 tasks, each writing "This is a sample text" 8**8 times to its own file. The
 * files go into a fresh temporary folder that is deleted after the run, whatever happens (the seed leaves the
 * clean-up to the user). Each write goes through a buffered writer, as Python's {@code f.write} does.
 */
public final class FileWrites extends Workload {

    static final String TEXT = "This is a sample text";
    static final int WRITES = 1 << 24; // 8**8
    private static final int TASKS = 4;

    static long writes(double scale) {
        return Math.max(1, Math.round(WRITES * scale));
    }

    public FileWrites() {
        super("files", TASKS, IO_BOUND,
                "seed 004 io_bound(i): 4 tasks, each writing \"" + TEXT + "\" 8**8 times to its own file (scaled)");
    }

    @Override
    public void run(Runner runner, double scale) throws Exception {
        long writes = writes(scale);
        Path folder = Files.createTempDirectory("simul-files-");
        try {
            List<String> files = IntStream.range(0, TASKS).mapToObj(i -> folder.resolve("file" + i + ".txt").toString())
                    .toList();
            List<Long> sizes = runner.map(file -> write(file, writes), files);
            long expected = writes * TEXT.length();
            for (int i = 0; i < TASKS; i++) {
                long onDisk = Files.size(Path.of(files.get(i)));
                if (sizes.get(i) != expected || onDisk != expected) {
                    throw new IllegalStateException("files: " + files.get(i) + " has " + onDisk + " bytes, expected "
                            + expected);
                }
            }
        } finally {
            deleteRecursively(folder);
        }
    }

    /** Writes the sample text {@code writes} times to {@code file}; returns the bytes written. */
    static long write(String file, long writes) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(Path.of(file), StandardCharsets.UTF_8)) {
            for (long j = 0; j < writes; j++) {
                out.write(TEXT);
            }
        }
        return writes * TEXT.length();
    }

    static void deleteRecursively(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
