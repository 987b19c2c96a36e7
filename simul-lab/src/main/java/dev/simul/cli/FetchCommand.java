package dev.simul.cli;

import dev.simul.runner.Mode;
import dev.simul.runner.VirtualMode;
import dev.simul.lab.fetch.Fetch;
import dev.simul.lab.fetch.Fetcher;
import dev.simul.runner.Runner;
import dev.simul.runner.Runners;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code simul fetch}: a practical downloader for a list of URLs, on any runner. */
@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = "Downloads every http or https URL listed in URLS_FILE (one per line; # comments) into DIR,"
                + " with a progress bar, retries with backoff, safe file names that never leave DIR, and no"
                + " overwriting unless asked. Exits 1 if any URL failed.")
final class FetchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URLS_FILE",
            description = "the list of URLs: a file, a pipe such as <(...), or - for standard input")
    Path urlsFile;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", required = true,
            description = "the folder to write into (created if missing)")
    Path folder;

    @Option(names = "--mode", paramLabel = "M", defaultValue = VirtualMode.NAME,
            description = "how downloads run: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})",
            completionCandidates = LabCommand.Modes.class)
    String mode;

    /** Downloads at once unless told: 16, or for processes at most one worker JVM per processor. */
    static final int DEFAULT_CONCURRENCY = 16;

    /**
     * {@link #DEFAULT_CONCURRENCY}; for a mode whose workers are processes, at most one per processor: a worker JVM
     * costs far more than a thread, and a download keeps it waiting, not computing.
     */
    static int defaultConcurrency(Mode mode) {
        return mode.workerIsProcess()
                ? Math.min(DEFAULT_CONCURRENCY, Runtime.getRuntime().availableProcessors()) : DEFAULT_CONCURRENCY;
    }

    @Option(names = "--concurrency", paramLabel = "N",
            description = "downloads at once in every mode (sequential: always one); also the threads of threads and"
                    + " the worker JVMs of processes (default: " + DEFAULT_CONCURRENCY + ", for processes and cluster"
                    + " one per processor; at most 10000, or 4 per processor for processes and cluster)")
    Integer concurrency;

    @Option(names = "--retries", paramLabel = "R", defaultValue = "3",
            description = "further attempts after a network error, timeout, 429 or 5xx (default: ${DEFAULT-VALUE})")
    int retries;

    @Option(names = "--overwrite", description = "replace files that already exist")
    boolean overwrite;

    /** The longest URL list read: at some 100 bytes a URL, over half a million URLs. */
    static final int MAX_LIST_BYTES = 64 * 1024 * 1024;

    @Override
    public Integer call() throws Exception {
        Options.checkNames(spec, "mode", List.of(mode), Runners.modes());
        if (concurrency == null) {
            concurrency = defaultConcurrency(Runners.mode(mode));
        }
        Options.checkWorkers(spec, "--concurrency", concurrency, List.of(mode));
        if (retries < 0 || retries > 20) {
            throw Options.usage(spec, "--retries must be between 0 and 20, got " + retries);
        }
        List<String> lines = readList();
        checkFolder();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long start = System.nanoTime();
        ProgressBar[] bar = {null};
        Fetch.Summary summary;
        try (Runner runner = Runners.of(mode, concurrency)) {
            summary = Fetch.run(lines, folder, runner, concurrency, retries, overwrite, count -> bar[0] =
                    new ProgressBarBuilder().setTaskName("fetch").setInitialMax(count).setStyle(ProgressBarStyle.ASCII)
                            .continuousUpdate().build(), result -> bar[0].step());
        } finally {
            if (bar[0] != null) {
                bar[0].close();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long ok = summary.results().stream().filter(Fetcher.Result::ok).count();
        out.printf("fetched %d of %d URLs (%,d bytes) into %s in %.2f s%n", ok, summary.results().size()
                + summary.badLines().size(), summary.bytes(), folder, seconds);
        for (Fetch.BadLine bad : summary.badLines()) {
            err.printf("  line %d: %s: %s%n", bad.line(), bad.text(), bad.reason());
        }
        for (Fetcher.Result r : summary.results()) {
            if (!r.ok()) {
                err.printf("  %s: %s (after %d attempt%s)%n", r.url(), r.error(), r.attempts(),
                        r.attempts() == 1 ? "" : "s");
            }
        }
        out.flush();
        err.flush();
        return summary.failures() == 0 ? 0 : 1;
    }

    /**
     * The lines of URLS_FILE, if it is UTF-8 text within {@link #MAX_LIST_BYTES}: a file, a pipe ({@code <(...)},
     * {@code /dev/stdin}) or, for {@code -}, standard input, as wget's {@code -i -} reads it.
     */
    private List<String> readList() {
        boolean stdin = urlsFile.toString().equals("-");
        try {
            if (!stdin && (!Files.exists(urlsFile) || Files.isDirectory(urlsFile))) {
                throw Options.usage(spec, "cannot read URLS_FILE " + urlsFile + ": " + (Files.exists(urlsFile)
                        ? "not a file" : "no such file"));
            }
            byte[] bytes;
            if (stdin) {
                bytes = System.in.readNBytes(MAX_LIST_BYTES + 1); // not closed: standard input is not ours
            } else {
                try (InputStream in = Files.newInputStream(urlsFile)) {
                    bytes = in.readNBytes(MAX_LIST_BYTES + 1); // a pipe has no size to check first
                }
            }
            if (bytes.length > MAX_LIST_BYTES) {
                throw Options.usage(spec, "URLS_FILE " + urlsFile + " is over " + MAX_LIST_BYTES / (1024 * 1024)
                        + " MB");
            }
            // newDecoder() reports malformed input, where new String(bytes, UTF_8) would replace it.
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString().lines().toList();
        } catch (CharacterCodingException e) {
            throw Options.usage(spec, "URLS_FILE " + urlsFile + " is not UTF-8 text");
        } catch (IOException e) {
            throw Options.usage(spec, "cannot read URLS_FILE " + urlsFile + ": " + Options.reason(e));
        }
    }

    /** Creates the folder if missing, and fails now, before any download, unless files can be written in it. */
    private void checkFolder() {
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw Options.usage(spec, "-o " + folder + " is not a folder");
        }
        try {
            Files.createDirectories(folder);
        } catch (IOException | UnsupportedOperationException e) {
            throw Options.usage(spec, "cannot create folder -o " + folder + ": " + Options.reason(e));
        }
        try {
            Files.delete(Files.createTempFile(folder, ".simul-fetch-", ".probe"));
        } catch (IOException | UnsupportedOperationException e) {
            throw Options.usage(spec, "cannot write into -o " + folder + ": " + Options.reason(e));
        }
    }
}
