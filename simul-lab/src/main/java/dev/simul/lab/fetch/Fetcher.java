package dev.simul.lab.fetch;

import dev.simul.http.BlockingHttpClient;
import dev.simul.http.ClientResponse;
import dev.simul.http.HttpClient;
import dev.simul.http.HttpException;
import dev.simul.loop.Coroutine;
import dev.simul.task.Wait;
import java.io.IOException;
import java.io.Serializable;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Downloads one URL to one file, as a portable task: retries with exponential backoff on network errors, timeouts,
 * 429 and 5xx, never on what another try cannot mend (4xx, a body over the limit, an untrusted certificate, a
 * malformed URL); writes into a temporary file beside the target and publishes it at the end, so a failed download
 * leaves nothing behind; never replaces a file unless asked, not even one that appeared during the download.
 * Blocking modes use simul's {@link BlockingHttpClient}, the loop mode its {@link HttpClient}: the same
 * {@link #OPTIONS} (limits, timeouts, redirects, https with host-name verification) for both.
 */
public final class Fetcher {

    /**
     * The clients' options: 100 MB a body, 10 s to connect, 30 s without a byte, 60 s a download, 5 redirects. No
     * per-host limit below the most downloads {@link Fetch#run} keeps going at once: that is the limit.
     */
    static final HttpClient.Options OPTIONS = HttpClient.Options.DEFAULT.withMaxConnectionsPerHost(
            Fetch.MAX_CONCURRENCY);

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
        /** Whether the file was written. */
        public boolean ok() {
            return error == null;
        }
    }

    /** An answer that is not 200: worth another attempt for 429 and 5xx only. */
    private static final class BadStatus extends IOException {
        final boolean retry;

        BadStatus(int status) {
            super("HTTP " + status);
            retry = status == 429 || status >= 500;
        }
    }

    private Fetcher() {
    }

    /** Runs {@code job}; never throws: a failure is a result with its reason. */
    static Result fetch(Job job) {
        Path target = Path.of(job.file());
        String exists = "file exists (use --overwrite): " + target;
        if (!job.overwrite() && Files.exists(target)) {
            return new Result(job.url(), job.file(), 0, 0, exists);
        }
        URI uri = URI.create(job.url());
        int attempts = 0;
        while (true) {
            attempts++;
            try {
                long bytes = download(uri, target, job.overwrite());
                return new Result(job.url(), job.file(), bytes, attempts, null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result(job.url(), job.file(), 0, attempts, "interrupted");
            } catch (FileAlreadyExistsException e) {
                return new Result(job.url(), job.file(), 0, attempts, exists); // it appeared meanwhile
            } catch (java.util.concurrent.CancellationException e) {
                throw e; // the coroutine was cancelled (shutdownNow, the loop closing): not a failed download
            } catch (Exception e) {
                if (!retryable(e) || attempts > job.retries()) {
                    return new Result(job.url(), job.file(), 0, attempts, describe(e, uri));
                }
            }
            try {
                Wait.sleep(backoff(attempts));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result(job.url(), job.file(), 0, attempts, "interrupted");
            }
        }
    }

    /**
     * Whether another attempt might succeed: after a timeout, a network error, 429 or 5xx; not after a 4xx, a
     * malformed URL (an IllegalArgumentException), a response over a limit or a refused certificate (an untrusted
     * or misnamed one stays so; a handshake the server cut short is retried).
     */
    static boolean retryable(Exception e) {
        if (e instanceof BadStatus status) {
            return status.retry;
        }
        if (e instanceof TimeoutException) {
            return true;
        }
        if (!(e instanceof IOException)) {
            return false;
        }
        if (e instanceof SSLHandshakeException) {
            // A certificate refused stays refused; a handshake the server cut short is a network error.
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof java.security.cert.CertificateException) {
                    return false;
                }
            }
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpException h && (h.status() == 413 || h.status() == 431)) {
                return false; // over the body or head limit: the same response would be again
            }
        }
        return true;
    }

    /** What went wrong, in words, even where the exception has no message. */
    static String describe(Exception e, URI uri) {
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        String where = uri.getHost() + ":" + port;
        String message = message(e);
        return switch (e) {
            case ConnectException _ when message == null || message.toLowerCase(Locale.ROOT).contains("refused") ->
                    "connection refused by " + where;
            case ConnectException _ -> "cannot connect to " + where + ": " + message;
            case UnknownHostException _ -> "unknown host " + uri.getHost();
            case TimeoutException _ -> "timed out" + (message == null ? "" : ": " + message);
            case SSLHandshakeException _ ->
                    "TLS handshake with " + where + " failed" + (message == null ? "" : ": " + message);
            default -> message != null ? message : "failed with " + e.getClass().getSimpleName();
        };
    }

    static Duration backoff(int attempt) {
        long base = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(20, attempt - 1));
        long jitter = ThreadLocalRandom.current().nextLong(-base / 4, base / 4 + 1);
        return Duration.ofMillis(base + jitter);
    }

    /** The first message down the chain of causes, or null. */
    private static String message(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return null;
    }

    private static long download(URI uri, Path target, boolean overwrite) throws Exception {
        byte[] body = Coroutine.current() != null ? onTheLoop(uri) : blocking(uri);
        return Wait.blocking(() -> {
            Path temp = Files.createTempFile(target.getParent(), ".simul-fetch-", ".part");
            try {
                Files.write(temp, body);
                publish(temp, target, overwrite);
            } finally {
                Files.deleteIfExists(temp);
            }
            return (long) body.length;
        });
    }

    /**
     * Gives the finished {@code temp} the target's name. Without {@code overwrite}, a hard link: it fails with
     * FileAlreadyExistsException if the target exists, however lately it appeared, where a rename would replace
     * it. Where hard links are not supported, a move that checks first (a narrow window, the best left).
     */
    private static void publish(Path temp, Path target, boolean overwrite) throws IOException {
        if (overwrite) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return;
        }
        try {
            Files.createLink(target, temp);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (UnsupportedOperationException | FileSystemException noHardLinks) {
            Files.move(temp, target);
        }
    }

    private static ClientResponse checked(ClientResponse response) throws BadStatus {
        if (response.status() != 200) {
            throw new BadStatus(response.status());
        }
        return response;
    }

    /** One client per JVM, as a worker JVM of the processes mode has its own. */
    private static final class Blocking {
        static final BlockingHttpClient CLIENT = new BlockingHttpClient(OPTIONS);
    }

    private static byte[] blocking(URI uri) throws Exception {
        return checked(Blocking.CLIENT.get(uri.toString())).body();
    }

    private static byte[] onTheLoop(URI uri) throws Exception {
        return checked(HttpClient.shared(OPTIONS).get(uri.toString())).body();
    }
}
