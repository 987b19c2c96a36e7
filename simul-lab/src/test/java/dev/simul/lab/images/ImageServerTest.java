package dev.simul.lab.images;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simul.http.ClientResponse;
import dev.simul.http.HttpServer;
import dev.simul.loop.Async;
import dev.simul.loop.EventLoop;
import dev.simul.loop.VirtualClock;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ImageServerTest {

    @Test
    void imagesAreDistinctValidPngsTheSameOnEveryRun() throws Exception {
        ImageSet a = new ImageSet(20, 32);
        ImageSet b = new ImageSet(20, 32);
        for (int i = 0; i < 20; i++) {
            assertThat(a.png(i)).isEqualTo(b.png(i));
            assertThat(ImageSet.sha256(a.png(i))).isEqualTo(a.sha256(i));
            var image = ImageIO.read(new ByteArrayInputStream(a.png(i)));
            assertThat(image.getWidth()).isEqualTo(32);
        }
        assertThat(java.util.stream.IntStream.range(0, 20).mapToObj(a::sha256).distinct()).hasSize(20);
    }

    @Test
    void servesTheIndexAndEveryImageAndNothingElse() throws Exception {
        ImageSet images = new ImageSet(5, 16);
        try (EventLoop loop = new EventLoop()) {
            CompletableFuture<Integer> port = new CompletableFuture<>();
            Thread serving = Thread.ofPlatform().start(() -> {
                try {
                    loop.run(() -> {
                        try (ImageServer server = ImageServer.start(images, Duration.ZERO, 0,
                                HttpServer.Options.loopback(0))) {
                            port.complete(server.port());
                            dev.simul.loop.Async.await(loop.newFuture());
                        }
                        return null;
                    });
                } catch (Exception e) {
                    port.completeExceptionally(e);
                }
            });
            String base = "http://127.0.0.1:" + port.get();
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> index = client.send(HttpRequest.newBuilder(URI.create(base + "/index.json")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(index.statusCode()).isEqualTo(200);
            assertThat(index.body()).contains("/images/4.png", images.sha256(4));
            for (int i = 0; i < 5; i++) {
                HttpResponse<byte[]> png = client.send(HttpRequest.newBuilder(URI.create(base + "/images/" + i
                        + ".png")).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertThat(png.statusCode()).isEqualTo(200);
                assertThat(ImageSet.sha256(png.body())).isEqualTo(images.sha256(i));
            }
            for (String bad : new String[] {"/images/5.png", "/images/-1.png", "/images/a.png", "/images/..%2F0.png",
                    "/images/0.png.bak", "/etc/passwd", "/images/0000001.png"}) {
                int status = client.send(HttpRequest.newBuilder(URI.create(base + bad)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                assertThat(status).as(bad).isEqualTo(404);
            }
            int withBody = client.send(HttpRequest.newBuilder(URI.create(base + "/images/0.png"))
                    .method("GET", HttpRequest.BodyPublishers.ofString("a body")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            assertThat(withBody).as("a request body, refused before it is buffered").isEqualTo(413);
            loop.stop();
            serving.join();
        }
    }

    /** A GET of {@code path} and when its answer came, on the loop's clock after the request began. */
    private record Timed(String path, int status, int bytes, Duration after) {
    }

    /**
     * Serves {@code images} on a loop with a virtual clock and GETs each of {@code paths} in turn through the loop's
     * own client: the server's waits are sleeps, so their time is exact and takes no wall time (ready loopback I/O
     * runs before the clock moves on).
     */
    private static List<Timed> timedGets(ImageSet images, Duration latency, long bytesPerSecond, String... paths)
            throws Exception {
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            return loop.run(() -> {
                try (ImageServer server = ImageServer.start(images, latency, bytesPerSecond,
                        HttpServer.Options.loopback(0));
                     dev.simul.http.HttpClient client = new dev.simul.http.HttpClient(
                             dev.simul.http.HttpClient.Options.DEFAULT)) {
                    List<Timed> timed = new ArrayList<>();
                    for (String path : paths) {
                        long start = Async.loop().time();
                        ClientResponse response = client.get("http://127.0.0.1:" + server.port() + path);
                        timed.add(new Timed(path, response.status(), response.body().length,
                                Duration.ofNanos(Async.loop().time() - start)));
                    }
                    return timed;
                }
            });
        }
    }

    @Test
    void answersAfterTheLatency() throws Exception {
        Duration latency = Duration.ofMillis(100);
        for (Timed t : timedGets(new ImageSet(2, 16), latency, 0, "/index.json", "/images/1.png")) {
            assertThat(t.status()).as(t.path()).isEqualTo(200);
            assertThat(t.after()).as(t.path()).isGreaterThanOrEqualTo(latency).isLessThan(latency.multipliedBy(2));
        }
    }

    @Test
    void aBandwidthAddsTheTimeTheBytesTakeAtThatRate() throws Exception {
        Duration latency = Duration.ofMillis(100);
        long bytesPerSecond = 1000; // a byte a millisecond
        List<Timed> timed = timedGets(new ImageSet(2, 16), latency, bytesPerSecond, "/index.json", "/images/1.png");
        assertThat(timed.get(0).bytes()).as("sizes that tell the two apart").isNotEqualTo(timed.get(1).bytes());
        for (Timed t : timed) {
            assertThat(t.status()).as(t.path()).isEqualTo(200);
            Duration expected = latency.plusMillis(t.bytes()); // n bytes at 1000 bytes/s: n ms
            assertThat(t.after()).as(t.path() + ", " + t.bytes() + " bytes").isGreaterThanOrEqualTo(expected)
                    .isLessThan(expected.plus(latency));
        }
    }
}
