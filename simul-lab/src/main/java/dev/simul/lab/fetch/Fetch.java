package dev.simul.lab.fetch;

import dev.simul.runner.Handle;
import dev.simul.runner.Runner;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * {@code simul fetch}'s work: reads a list of URLs, gives each a safe file in the target folder, and downloads
 * them as portable tasks on any runner, reporting each as it finishes.
 */
public final class Fetch {

    /** A line of the URL list that is not an http or https URL. */
    public record BadLine(int line, String text, String reason) {
    }

    /** What a fetch did: one result per URL, in list order, and the lines that were not URLs. */
    public record Summary(List<Fetcher.Result> results, List<BadLine> badLines) {

        /** Downloads that failed, plus the bad lines. */
        public long failures() {
            return results.stream().filter(r -> !r.ok()).count() + badLines.size();
        }

        /** Bytes written. */
        public long bytes() {
            return results.stream().mapToLong(Fetcher.Result::bytes).sum();
        }
    }

    /** The most downloads at once that {@link #run} accepts. */
    public static final int MAX_CONCURRENCY = 10_000;

    private Fetch() {
    }

    /** The http and https URLs of {@code lines} (blank lines and {@code #} comments skipped); the rest in {@code bad}. */
    static List<URI> parse(List<String> lines, List<BadLine> bad) {
        List<URI> urls = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i).strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            try {
                URI uri = new URI(text);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
                if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                    bad.add(new BadLine(i + 1, text, "not an http or https URL"));
                } else {
                    urls.add(uri);
                }
            } catch (java.net.URISyntaxException e) {
                bad.add(new BadLine(i + 1, text, "not a URL: " + e.getReason()));
            }
        }
        return urls;
    }

    /**
     * What became of a finished download. A fetch task reports its own failures, so a task that failed all the
     * same lost its worker (a worker JVM that crashed, in {@code processes}) or was cancelled: that URL failed,
     * and the others go on.
     */
    private static Fetcher.Result outcome(Fetcher.Job job, Handle<Fetcher.Result> handle) {
        return switch (handle.state()) {
            case SUCCESS -> handle.resultNow();
            case FAILED -> {
                Throwable e = handle.exceptionNow();
                String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines()
                        .findFirst().orElse(e.getClass().getSimpleName()); // a crash report's first line
                yield new Fetcher.Result(job.url(), job.file(), 0, 1, "the download's task failed: " + why);
            }
            default -> new Fetcher.Result(job.url(), job.file(), 0, 1, "cancelled");
        };
    }

    /**
     * Fetches every URL of {@code lines} into {@code folder} on {@code runner}, at most {@code concurrency} at once
     * whatever the runner's own limit (the loop has none); {@code onResult} hears of each download as it finishes
     * (on the calling thread).
     */
    public static Summary run(List<String> lines, Path folder, Runner runner, int concurrency, int retries,
                              boolean overwrite, Consumer<Integer> onCount, Consumer<Fetcher.Result> onResult)
            throws IOException, InterruptedException {
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new IllegalArgumentException("concurrency must be 1 to " + MAX_CONCURRENCY + ", got " + concurrency);
        }
        List<BadLine> bad = new ArrayList<>();
        List<URI> urls = parse(lines, bad);
        Files.createDirectories(folder);
        FileNames names = new FileNames(folder);
        List<Fetcher.Job> jobs = new ArrayList<>();
        for (URI url : urls) {
            jobs.add(new Fetcher.Job(url.toString(), names.fileFor(url).toString(), retries, overwrite));
        }
        onCount.accept(jobs.size());
        Fetcher.Result[] results = new Fetcher.Result[jobs.size()];
        BlockingQueue<Integer> finished = new LinkedBlockingQueue<>();
        List<Handle<Fetcher.Result>> handles = new ArrayList<>();
        for (int reported = 0; reported < jobs.size(); reported++) {
            while (handles.size() < jobs.size() && handles.size() - reported < concurrency) {
                int index = handles.size();
                Handle<Fetcher.Result> h = runner.submitAll(Fetcher::fetch, List.of(jobs.get(index))).getFirst();
                handles.add(h);
                h.onDone(done -> finished.add(index));
            }
            int index = finished.take();
            results[index] = outcome(jobs.get(index), handles.get(index));
            onResult.accept(results[index]);
        }
        return new Summary(List.of(results), bad);
    }
}
