package dev.simul.lab.images;

import dev.simul.http.HttpLimits;
import dev.simul.http.HttpRequest;
import dev.simul.http.HttpResponse;
import dev.simul.http.HttpServer;
import dev.simul.loop.Async;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The server that the download experiment downloads from (seed 003 downloads 100 images from the internet; seed
 * 002 runs a local server for its HTTP examples). Serves {@code GET /index.json} (every image's URL, size and
 * SHA-256) and {@code GET /images/N.png}, each answer after a fixed latency, the way a remote server answers,
 * and, if a bandwidth is set, after the time the bytes would take to arrive at that rate.
 *
 * <p>Runs on an event loop: the latency is a coroutine's sleep, so one thread serves any number of concurrent
 * downloads. Paths are matched exactly (digits only, within the set): nothing is read from disk.
 */
public final class ImageServer implements AutoCloseable {

    /** The default latency: about a round trip to a server across a continent. */
    public static final Duration DEFAULT_LATENCY = Duration.ofMillis(100);

    private final ImageSet images;
    private final Duration latency;
    private final long bytesPerSecond;
    private final HttpServer server;
    private final byte[] index;

    private ImageServer(ImageSet images, Duration latency, long bytesPerSecond, HttpServer.Options options)
            throws IOException {
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative");
        }
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("bandwidth must not be negative");
        }
        this.images = images;
        this.latency = latency;
        this.bytesPerSecond = bytesPerSecond;
        this.index = index(images);
        this.server = HttpServer.start(withoutBodies(options), this::handle);
    }

    /**
     * {@code options} with a body limit of 0: it answers GET and HEAD only, so a body is refused (413) before it
     * is buffered, and a connection holds at most a request head.
     */
    private static HttpServer.Options withoutBodies(HttpServer.Options options) {
        HttpLimits limits = options.limits();
        return options.withLimits(new HttpLimits(limits.maxRequestLine(), limits.maxHeadBytes(),
                limits.maxHeaders(), 0));
    }

    /**
     * Starts serving {@code images} on the current event loop (call it on the loop's thread), with
     * {@code options} but no request bodies.
     *
     * @param bytesPerSecond the simulated bandwidth per response, or 0 for none
     */
    public static ImageServer start(ImageSet images, Duration latency, long bytesPerSecond,
                                    HttpServer.Options options) throws IOException {
        return new ImageServer(images, latency, bytesPerSecond, options);
    }

    /** The port it listens on. */
    public int port() {
        return server.port();
    }

    /** The images it serves. */
    public ImageSet images() {
        return images;
    }

    /** The URL of the index, on {@code host} (an IPv6 literal goes in brackets). */
    public String indexUrl(String host) {
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/index.json";
    }

    private HttpResponse handle(HttpRequest request) {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return HttpResponse.status(405).header("Allow", "GET, HEAD");
        }
        String path = request.path();
        byte[] body;
        String type;
        if (path.equals("/index.json")) {
            body = index;
            type = "application/json";
        } else {
            int i = imageIndex(path);
            if (i < 0) {
                return HttpResponse.status(404);
            }
            body = images.png(i);
            type = "image/png";
        }
        Duration wait = latency;
        if (bytesPerSecond > 0) {
            wait = wait.plusNanos(body.length * 1_000_000_000L / bytesPerSecond);
        }
        Async.sleep(wait);
        return HttpResponse.of(200, type, body).header("Cache-Control", "no-store");
    }

    /** The image number in {@code /images/N.png}, or -1 if the path is anything else. */
    int imageIndex(String path) {
        String prefix = "/images/";
        String suffix = ".png";
        if (!path.startsWith(prefix) || !path.endsWith(suffix)) {
            return -1;
        }
        String digits = path.substring(prefix.length(), path.length() - suffix.length());
        if (digits.isEmpty() || digits.length() > 6 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        int i = Integer.parseInt(digits);
        return i < images.count() ? i : -1;
    }

    private static byte[] index(ImageSet images) {
        StringBuilder json = new StringBuilder("{\"images\": [\n");
        for (int i = 0; i < images.count(); i++) {
            json.append("  {\"url\": \"/images/").append(i).append(".png\", \"bytes\": ").append(images.png(i).length)
                    .append(", \"sha256\": \"").append(images.sha256(i)).append("\"}")
                    .append(i + 1 < images.count() ? ",\n" : "\n");
        }
        return json.append("]}\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
