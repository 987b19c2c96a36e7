package dev.simul.lab.fetch;

import dev.simul.http.ClientResponse;
import dev.simul.loop.Coroutine;
import dev.simul.task.Wait;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Downloads one URL to one file, as a portable task: retries with exponential backoff on network errors, 429 and
 * 5xx; writes into a temporary file beside the target and renames it at the end, so a failed download leaves
 * nothing behind; never replaces an existing file unless asked. Blocking modes use the JDK's client (http and
 * https); the loop mode uses simul's client on the event loop (http and https too).
 */
public final class Fetcher {

    /** First backoff; each retry doubles it, up to {@link #MAX_BACKOFF}, with 25% jitter. */
    static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    /**
     * One download.
     *
     * @param url       what to fetch
     * @param file      where to write it
     * @param retries   further attempts after the first
     * @param overwrite whether an existing file may be replaced
     */
    record Job(String url, String file, int retries, boolean overwrite) implements Serializable {
    }

    /**
     * What became of a download.
     *
     * @param url      the URL
     * @param file     the file written, or the one that would have been
     * @param bytes    bytes written, 0 on failure
     * @param attempts attempts made
     * @param error    why it failed, or null
     */
    public record Result(String url, String file, long bytes, int attempts, String error) implements Serializable {
        public boolean ok() {
            return error == null;
        }
    }

    /** A failure worth another attempt. */
    private static final class Retryable extends IOException {
        Retryable(String message) {
            super(message);
        }
    }

    private Fetcher() {
    }

    /** Runs {@code job}; never throws: a failure is a result with its reason. */
    static Result fetch(Job job) {
        Path target = Path.of(job.file());
        if (!job.overwrite() && Files.exists(target)) {
            return new Result(job.url(), job.file(), 0, 0, "file exists (use --overwrite): " + target);
        }
        int attempts = 0;
        String error;
        while (true) {
            attempts++;
            try {
                long bytes = download(URI.create(job.url()), target);
                return new Result(job.url(), job.file(), bytes, attempts, null);
            } catch (Retryable | java.net.http.HttpTimeoutException | java.net.ConnectException e) {
                error = message(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result(job.url(), job.file(), 0, attempts, "interrupted");
            } catch (IOException e) {
                error = message(e); // other network failures are worth another try too
            } catch (Exception e) {
                return new Result(job.url(), job.file(), 0, attempts, message(e)); // not retried: it would fail again
            }
            if (attempts > job.retries()) {
                return new Result(job.url(), job.file(), 0, attempts, error);
            }
            try {
                Wait.sleep(backoff(attempts));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result(job.url(), job.file(), 0, attempts, "interrupted");
            }
        }
    }

    static Duration backoff(int attempt) {
        long base = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(20, attempt - 1));
        long jitter = ThreadLocalRandom.current().nextLong(-base / 4, base / 4 + 1);
        return Duration.ofMillis(base + jitter);
    }

    private static String message(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return e.getClass().getSimpleName();
    }

    private static long download(URI uri, Path target) throws Exception {
        byte[] body = Coroutine.current() != null ? onTheLoop(uri) : blocking(uri);
        return Wait.blocking(() -> {
            Path temp = Files.createTempFile(target.getParent(), ".simul-fetch-", ".part");
            try {
                Files.write(temp, body);
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
            return (long) body.length;
        });
    }

    private static void check(String uri, int status) throws IOException {
        if (status == 429 || status >= 500) {
            throw new Retryable("HTTP " + status + " from " + uri);
        }
        if (status != 200) {
            throw new IllegalStateException("HTTP " + status + " from " + uri); // 4xx: another try would fail too
        }
    }

    private static final class Clients {
        static final HttpClient BLOCKING = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    private static byte[] blocking(URI uri) throws Exception {
        HttpResponse<byte[]> response = Clients.BLOCKING.send(HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
        check(uri.toString(), response.statusCode());
        return response.body();
    }

    private static byte[] onTheLoop(URI uri) throws Exception {
        dev.simul.http.HttpClient client = dev.simul.http.HttpClient.shared(dev.simul.http.HttpClient.Options.DEFAULT);
        ClientResponse response;
        try {
            response = client.get(uri.toString());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new Retryable("timed out: " + uri);
        }
        check(uri.toString(), response.status());
        return response.body();
    }
}
