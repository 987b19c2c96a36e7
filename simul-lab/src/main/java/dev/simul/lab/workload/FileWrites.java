package dev.simul.lab.workload;

import dev.simul.runner.Runner;
import dev.simul.task.Wait;
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
 * files go into a fresh temporary folder that {@link #afterRun} deletes, outside the timed run, whether the run
 * failed or not, and a shutdown hook if the JVM is stopped meanwhile (the seed leaves the clean-up to the user);
 * a run that would fill the disk does not start. Each write goes through a buffered writer, as Python's
 * {@code f.write} does.
 */
public final class FileWrites extends Workload {

    static final String TEXT = "This is a sample text";
    static final int WRITES = 1 << 24; // 8**8
    private static final int TASKS = 4;
    /** Space left free for everything else on the disk. */
    private static final long MARGIN_BYTES = 64L << 20;

    /** The folder of the last run's files, removed by {@link #afterRun}, and the hook that removes it at exit. */
    private Path written;
    private Thread cleanUp;

    static long writes(double scale) {
        return Math.max(1, Math.round(WRITES * scale));
    }

    public FileWrites() {
        super("files", TASKS, IO_BOUND,
                "seed 004 io_bound(i): 4 tasks, each writing \"" + TEXT + "\" 8**8 times to its own file (scaled)");
    }

    @Override
    public String oneThreadNote() {
        return "Its writes block, so on the loop they ran on the loop's helper threads (Wait.blocking, like"
                + " asyncio's run_in_executor) while the loop thread only waited for them.";
    }

    @Override
    public void run(Runner runner, double scale) throws Exception {
        afterRun(); // a caller that skipped it: the last run's files go now
        long writes = writes(scale);
        Path folder = Files.createTempDirectory("simul-files-");
        // Deleted by afterRun, outside the timed run (1.4 GB at scale 1 took this disk 0.26-0.48 s to delete);
        // the hook covers a JVM stopped meanwhile (Ctrl-C, kill).
        written = folder;
        cleanUp = new Thread(() -> deleteQuietly(folder), "simul-files-clean-up");
        Runtime.getRuntime().addShutdownHook(cleanUp);
        long needed = TASKS * writes * TEXT.length();
        long free = Files.getFileStore(folder).getUsableSpace();
        if (needed > free - MARGIN_BYTES) {
            throw new IllegalStateException("files: needs %.1f GB free in %s, only %.1f GB are; lower --scale"
                    .formatted(needed / 1e9, folder.getParent(), free / 1e9));
        }
        List<String> files = IntStream.range(0, TASKS).mapToObj(i -> folder.resolve("file" + i + ".txt").toString())
                .toList();
        // Wait.blocking: in place on a blocking mode; on the loop, on the loop's helper threads.
        List<Long> sizes = runner.map(file -> Wait.blocking(() -> write(file, writes)), files);
        long expected = writes * TEXT.length();
        for (int i = 0; i < TASKS; i++) {
            long onDisk = Files.size(Path.of(files.get(i)));
            if (sizes.get(i) != expected || onDisk != expected) {
                throw new IllegalStateException("files: " + files.get(i) + " has " + onDisk + " bytes, expected "
                        + expected);
            }
        }
    }

    @Override
    public void afterRun() throws IOException {
        if (written == null) {
            return;
        }
        deleteRecursively(written);
        written = null;
        try {
            Runtime.getRuntime().removeShutdownHook(cleanUp);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway, and finds nothing left
        }
        cleanUp = null;
    }

    @Override
    public void tearDown() throws IOException {
        afterRun();
    }

    private static void deleteQuietly(Path folder) {
        try {
            deleteRecursively(folder);
        } catch (IOException e) {
            System.err.println("simul: could not delete " + folder + ": " + e.getMessage());
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
