package dev.simul.bench;

import dev.simul.http.ClientResponse;
import dev.simul.http.HttpClient;
import dev.simul.loop.Async;
import dev.simul.loop.Coroutine;
import dev.simul.loop.EventLoop;
import java.util.ArrayList;
import java.util.List;

/**
 * N concurrent downloads on one event-loop thread: every image of a running {@code simul serve} at once, each on
 * its own connection, through simul's HTTP client. Prints the time of each round (a fresh loop and client per
 * round, so connections are opened every time, as a one-shot downloader would).
 *
 * <p>Run the server in another process so that client and server each hold N sockets within the file limit:
 * <pre>{@code
 * taskset -c 0 ./simul serve --port 18090 --images 10000 --latency-ms 100 --max-connections-per-address 10000 &
 * taskset -c 1 java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED \
 *     -cp simul-bench/target/benchmarks.jar dev.simul.bench.ManyDownloads 18090 10000 5
 * }</pre>
 */
public final class ManyDownloads {

    private ManyDownloads() {
    }

    /** Arguments: port, images, rounds, and optionally the most connections at once (default: one per image). */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int n = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        int connections = args.length > 3 ? Integer.parseInt(args[3]) : n;
        for (int r = 1; r <= rounds; r++) {
            try (EventLoop loop = new EventLoop()) {
                long[] took = new long[1];
                long bytes = loop.run(() -> {
                    try (HttpClient client = new HttpClient(HttpClient.Options.DEFAULT.withMaxConnectionsPerHost(connections))) {
                        long start = System.nanoTime();
                        List<Coroutine<Integer>> all = new ArrayList<>(n);
                        for (int i = 0; i < n; i++) {
                            String url = "http://127.0.0.1:" + port + "/images/" + i + ".png";
                            all.add(Async.spawn(() -> {
                                // As a downloader would, each keeps its body only as long as it needs it.
                                ClientResponse response = client.get(url);
                                if (response.status() != 200) {
                                    throw new IllegalStateException(url + ": HTTP " + response.status());
                                }
                                return response.body().length;
                            }));
                        }
                        long sum = 0;
                        for (int length : Async.gather(all)) {
                            sum += length;
                        }
                        took[0] = System.nanoTime() - start;
                        return sum;
                    }
                });
                System.out.printf("round %d: %d images over at most %d connections, %,d bytes, %.3f s%n",
                        r, n, connections, bytes, took[0] / 1e9);
            }
        }
    }
}
