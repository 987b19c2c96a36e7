package dev.simul.cli;

import dev.simul.http.HttpServer;
import dev.simul.lab.images.ImageServer;
import dev.simul.lab.images.ImageSet;
import dev.simul.loop.Async;
import dev.simul.loop.EventLoop;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code simul serve}: the image server the download experiment downloads from, standalone. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serves N deterministic PNG images with their SHA-256 (GET /index.json, GET /images/N.png),"
                + " each after a latency like a remote server's, on one event-loop thread, until stopped (Ctrl-C).")
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "address to bind (default: ${DEFAULT-VALUE}; 0.0.0.0 exposes it to the network)")
    String host;

    @Option(names = "--port", defaultValue = "8000", description = "port, 0 for any free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--images", paramLabel = "N", defaultValue = "100",
            description = "how many images (default: ${DEFAULT-VALUE})")
    int images;

    @Option(names = "--size", paramLabel = "PIXELS", defaultValue = "64",
            description = "image width and height (default: ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--latency-ms", paramLabel = "L", defaultValue = "100",
            description = "delay before each answer, like a remote server's (default: ${DEFAULT-VALUE})")
    long latencyMs;

    @Option(names = "--max-connections-per-address", paramLabel = "N", defaultValue = "1000",
            description = "connections one client address may hold; beyond, its longest-idle one is closed, or the"
                    + " newcomer gets 503 if all are busy (default: ${DEFAULT-VALUE}; raise it behind a proxy)")
    int maxPerAddress;

    @Option(names = "--bandwidth", paramLabel = "B",
            description = "bytes per second per response, with an optional k, M or G suffix (default: unlimited)")
    String bandwidth;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw Options.usage(spec, "--port must be between 0 and 65535, got " + port);
        }
        if (images < 1 || images > ImageSet.MAX_IMAGES) {
            throw Options.usage(spec, "--images must be between 1 and " + ImageSet.MAX_IMAGES + ", got " + images);
        }
        if (size < 1 || size > 4096) {
            throw Options.usage(spec, "--size must be between 1 and 4096, got " + size);
        }
        if (maxPerAddress < 1) {
            throw Options.usage(spec, "--max-connections-per-address must be at least 1, got " + maxPerAddress);
        }
        if (latencyMs < 0) {
            throw Options.usage(spec, "--latency-ms must not be negative, got " + latencyMs);
        }
        long need = ImageSet.maxBytes(images, size);
        long room = Runtime.getRuntime().maxMemory() / 2; // the rest for the server's buffers and the JVM
        if (need > room) {
            throw Options.usage(spec, "%d images of %d x %d pixels need up to %,d MB, more than half of this JVM's"
                    .formatted(images, size, size, need >> 20) + " heap (%,d MB): serve fewer or smaller images, or"
                    .formatted(Runtime.getRuntime().maxMemory() >> 20) + " give it more with SIMUL_JAVA_OPTS=-Xmx...");
        }
        if (host.isBlank()) { // the resolver would pick an address, and the URL printed would have no host
            throw Options.usage(spec, "--host must not be empty: 127.0.0.1 serves this machine only, 0.0.0.0 every"
                    + " network interface");
        }
        try {
            InetAddress.getByName(host); // before the images are made; the loop binds it
        } catch (UnknownHostException e) {
            throw Options.usage(spec, "--host: no such address or host name: " + host);
        }
        long bytesPerSecond = bandwidth == null ? 0 : parseBytes(bandwidth);
        PrintWriter out = spec.commandLine().getOut();
        ImageSet set = new ImageSet(images, size);
        try (EventLoop loop = new EventLoop()) {
            loop.run(() -> {
                HttpServer.Options options = HttpServer.Options.loopback(port).withHost(host)
                        .withMaxConnectionsPerAddress(maxPerAddress);
                ImageServer started;
                try {
                    started = ImageServer.start(set, Duration.ofMillis(latencyMs), bytesPerSecond, options);
                } catch (java.net.BindException e) {
                    throw new java.io.IOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
                }
                try (ImageServer server = started) {
                    out.printf("serving %d images (%,d bytes) with %d ms latency%s at %s%n", set.count(),
                            set.totalBytes(), latencyMs, bytesPerSecond > 0 ? " and " + bandwidth + "B/s" : "",
                            server.indexUrl(host));
                    out.flush();
                    Async.await(loop.newFuture()); // until the process is stopped
                }
                return null;
            });
        }
        return 0;
    }

    private long parseBytes(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        long factor = 1;
        if (!t.isEmpty() && "KMG".indexOf(t.charAt(t.length() - 1)) >= 0) {
            factor = switch (t.charAt(t.length() - 1)) {
                case 'K' -> 1_000L;
                case 'M' -> 1_000_000L;
                default -> 1_000_000_000L;
            };
            t = t.substring(0, t.length() - 1);
        }
        try {
            long value = Math.round(Double.parseDouble(t) * factor);
            if (value <= 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw Options.usage(spec, "--bandwidth must be a positive number of bytes per second like 500k or 10M,"
                    + " got '" + text + "'");
        }
    }
}
