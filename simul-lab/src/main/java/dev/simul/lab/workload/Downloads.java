package dev.simul.lab.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simul.http.BlockingHttpClient;
import dev.simul.http.ClientResponse;
import dev.simul.http.HttpClient;
import dev.simul.http.HttpServer;
import dev.simul.lab.images.ImageServer;
import dev.simul.lab.images.ImageSet;
import dev.simul.loop.Async;
import dev.simul.loop.Coroutine;
import dev.simul.loop.EventLoop;
import dev.simul.runner.Mode;
import dev.simul.runner.Runner;
import dev.simul.task.Wait;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeoutException;

/**
 * Seed 003's experiment: download 100 images, here from an embedded {@link ImageServer} that answers each request
 * after 100 ms, as a remote server would; every byte is checked against the image's SHA-256, and the files go into
 * a temporary folder that is removed afterwards. Seed 003 used 10 threads and 5 processes; so do the
 * {@code threads} and {@code processes} modes here by default.
 *
 * <p>Clients: the loop mode uses simul's {@link HttpClient} on the event loop, so that 100 downloads wait at once
 * on one thread; the blocking modes use its twin {@link BlockingHttpClient}, with the same parser, limits and
 * pooling, so that the modes differ in how they wait and in nothing else. Each run opens its own connections in
 * every mode. (The JDK's {@code java.net.http.HttpClient}, used here before, hands every exchange to a selector
 * thread and back: on 100 virtual threads it took about 5 ms more in a probe, and the 5 fresh worker JVMs of
 * {@code processes} spent about 0.8 s more per run warming it up.) At {@code --scale F}, F x 100 images at F x
 * 100 ms. {@link #from} makes it download from a {@code simul serve} running elsewhere instead, at that server's
 * latency.
 */
public final class Downloads extends Workload {

    static final int IMAGES = 100;
    static final Duration LATENCY = Duration.ofMillis(100);
    static final int IMAGE_SIDE = 64;

    /** One download: where from, where to, and what its bytes must hash to. */
    record Job(String url, String file, String sha256) implements Serializable {
    }

    /**
     * An image a server offers, as its index lists it.
     *
     * @param url    where to get it
     * @param bytes  its size
     * @param sha256 the SHA-256 of its bytes, in hex
     */
    public record Image(String url, long bytes, String sha256) {
    }

    /** The base URL of a running {@code simul serve} to download from, or null for an embedded server. */
    private final URI server;
    /** That server's index, read once by {@link #from}; null for an embedded server. */
    private final List<Image> offered;
    /** What a run downloads, set up by {@link #setUp}. */
    private List<Image> catalogue;
    private EventLoop serverLoop;
    private Thread serverThread;
    /** The folder of the last run's files, removed by {@link #afterRun}. */
    private Path written;

    /** The workload with an image server of its own, started by {@link #setUp}. */
    public Downloads() {
        this(null, null);
    }

    private Downloads(URI server, List<Image> offered) {
        super("download", IMAGES, IO_BOUND, "seed 003: download 100 images at 100 ms latency each from a local"
                + " server, checking every byte (scaled)");
        this.server = server;
        this.offered = offered;
    }

    /**
     * The workload downloading from a running {@code simul serve} at {@code base} (such as
     * {@code http://10.0.0.5:8000}) instead of a server of its own: a real network between client and server,
     * at that server's latency. At {@code --scale F} it downloads the index's first F x 100 images.
     *
     * @throws IOException if the server cannot be reached, or what it answers is not an image index
     */
    public static Downloads from(URI base) throws IOException, InterruptedException, TimeoutException {
        return new Downloads(base, index(base)); // read now: a wrong address fails before anything runs
    }

    /** How many images the server of {@link #from} offers; 0 for an embedded server. */
    public int imagesOffered() {
        return offered == null ? 0 : offered.size();
    }

    /**
     * Reads the index of the image server at {@code base}: every image's URL, size and SHA-256.
     *
     * @throws IOException if the server cannot be reached, or what it answers is not an image index
     */
    public static List<Image> index(URI base) throws IOException, InterruptedException, TimeoutException {
        URI at = base.resolve("/index.json");
        ClientResponse response;
        try (BlockingHttpClient client = new BlockingHttpClient(HttpClient.Options.DEFAULT)) {
            response = client.get(at.toString());
        }
        if (response.status() != 200) {
            throw new IOException(at + " answered " + response.status());
        }
        List<Image> images = new ArrayList<>();
        try {
            JsonNode list = new ObjectMapper().readTree(response.body()).path("images");
            for (JsonNode image : list) {
                String sha = image.path("sha256").asText();
                long bytes = image.path("bytes").asLong(-1);
                if (!sha.matches("[0-9a-f]{64}") || bytes < 0 || !image.path("url").isTextual()) {
                    throw new IOException("an entry without url, bytes and sha256: " + image);
                }
                images.add(new Image(at.resolve(image.path("url").asText()).toString(), bytes, sha));
            }
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(at + " is not an image index: " + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IOException(at + " is not an image index: " + e.getMessage(), e);
        }
        if (images.isEmpty()) {
            throw new IOException(at + " lists no images (is it simul serve?)");
        }
        return images;
    }

    static int images(double scale) {
        return (int) Math.max(1, Math.round(IMAGES * scale));
    }

    @Override
    public int tasks(double scale) {
        return images(scale);
    }

    /** Seed 003's pools: 5 processes, 10 threads. */
    static final int SEED_PROCESSES = 5;
    static final int SEED_THREADS = 10;

    /**
     * Seed 003's pools: {@value #SEED_PROCESSES} workers for a mode whose workers are processes,
     * {@value #SEED_THREADS} for one with a pool of threads of its size; a mode without a limit of its own (a
     * virtual thread per task, as the seed's asyncio version has a coroutine per download) keeps it. A mode of one
     * thread ignores the count.
     */
    @Override
    public Integer defaultWorkers(Mode mode) {
        if (mode.workerIsProcess()) {
            return SEED_PROCESSES;
        }
        return mode.defaultWorkers() == Runner.UNBOUNDED ? null : SEED_THREADS;
    }

    @Override
    public String oneThreadNote() {
        return "It used simul's HTTP client on the event loop: every download waits at once on one thread.";
    }

    @Override
    public void setUp(double scale) throws Exception {
        if (server != null) {
            int needed = images(scale);
            if (offered.size() < needed) {
                throw new IllegalStateException("download: the image server at " + server + " has "
                        + offered.size() + " images, and scale " + scale + " needs " + needed);
            }
            catalogue = List.copyOf(offered.subList(0, needed));
            return;
        }
        ImageSet images = new ImageSet(images(scale), IMAGE_SIDE);
        Duration latency = Duration.ofNanos(Math.round(LATENCY.toNanos() * scale));
        CompletableFuture<Integer> started = new CompletableFuture<>();
        serverLoop = new EventLoop();
        serverThread = Thread.ofPlatform().name("simul-image-server").start(() -> {
            try {
                serverLoop.run(() -> {
                    try (ImageServer server = ImageServer.start(images, latency, 0,
                            HttpServer.Options.loopback(0))) {
                        started.complete(server.port());
                        Async.await(serverLoop.newFuture()); // until tearDown stops the loop
                    }
                    return null;
                });
            } catch (Throwable t) {
                started.completeExceptionally(t);
            }
        });
        int port = started.get();
        List<Image> local = new ArrayList<>();
        for (int i = 0; i < images.count(); i++) {
            local.add(new Image("http://127.0.0.1:" + port + "/images/" + i + ".png", images.png(i).length,
                    images.sha256(i)));
        }
        catalogue = List.copyOf(local);
    }

    @Override
    public void tearDown() throws Exception {
        afterRun();
        closeBlockingClient(); // a run that failed before closing it
        if (serverLoop != null) {
            serverLoop.stop();
            serverThread.join();
            serverLoop.close();
            serverLoop = null;
        }
        catalogue = null;
    }

    @Override
    public void run(Runner runner, double scale) throws Exception {
        if (catalogue == null) {
            throw new IllegalStateException("download: setUp was not called");
        }
        afterRun(); // a caller that skipped it: the last run's files go now
        Path folder = Files.createTempDirectory("simul-download-");
        written = folder;
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < catalogue.size(); i++) {
            jobs.add(new Job(url(i), folder.resolve(i + ".png").toString(), catalogue.get(i).sha256()));
        }
        List<Long> sizes;
        try {
            sizes = runner.map(Downloads::fetch, jobs);
        } finally {
            // Every run opens its own connections, in every mode: the loop's client goes with its runner's loop,
            // and this one goes here, in the timed part as that one does (else a run would reuse the last one's).
            closeBlockingClient();
        }
        for (int i = 0; i < jobs.size(); i++) {
            long onDisk = Files.size(Path.of(jobs.get(i).file()));
            if (onDisk != catalogue.get(i).bytes() || sizes.get(i) != onDisk) {
                throw new IllegalStateException("download: " + jobs.get(i).file() + " has " + onDisk
                        + " bytes, expected " + catalogue.get(i).bytes());
            }
        }
    }

    /** The URL of image {@code i} of the set up catalogue. */
    String url(int i) {
        return catalogue.get(i).url();
    }

    @Override
    public void afterRun() throws IOException {
        if (written != null) {
            FileWrites.deleteRecursively(written);
            written = null;
        }
    }

    /**
     * Downloads one image, checks its hash, writes it; returns its size. A portable task.
     *
     * <p>The file is made while the request is out, by a helper: creating a file costs this machine's disk about
     * 75 us, as much as all the rest of a download's work. Made as each answer landed, the 100 creations piled up
     * at the end of the run (10-30 ms); made by each download before its request, they held up the connects that
     * start the other downloads (virtual threads: the last of 100 requests left 5-26 ms after the first, against
     * 2-5 ms with a helper). The bytes go in once all of them check out; a failed download leaves no file.
     */
    static long fetch(Job job) throws Exception {
        Path file = Path.of(job.file());
        PendingFile pending = PendingFile.start(file);
        byte[] body;
        FileChannel out;
        try {
            body = Coroutine.current() != null ? onTheLoop(job.url()) : onAThread(job.url());
            out = pending.await();
        } catch (Throwable t) {
            pending.abandon(); // failed or cancelled: the file goes, now or once the helper has made it
            throw t;
        }
        try (out) {
            String sha = ImageSet.sha256(body);
            if (!sha.equals(job.sha256())) {
                throw new IOException("download: " + job.url() + " hashes to " + sha + ", expected " + job.sha256());
            }
            Wait.blocking(() -> {
                for (ByteBuffer bytes = ByteBuffer.wrap(body); bytes.hasRemaining(); ) {
                    out.write(bytes);
                }
                return null;
            });
            return body.length;
        } catch (Throwable t) {
            Files.deleteIfExists(file);
            throw t;
        }
    }

    private static FileChannel create(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    /**
     * The file a helper makes while its download's request is out: in a coroutine, the loop's helper threads (from
     * a coroutine of its own, so that it starts once this one's request is out); on a thread, a virtual thread of
     * its own, queued behind the downloads already started, so that their connects go first. The download may fail
     * or be cancelled before the helper is done: whichever of the two comes second closes and deletes the file.
     */
    private static final class PendingFile {
        private final Path file;
        private final Future<FileChannel> made;
        private FileChannel channel; // guarded by this
        private boolean abandoned; // guarded by this

        private PendingFile(Path file, boolean onTheLoop) {
            this.file = file;
            if (onTheLoop) {
                made = Async.spawn(() -> Wait.blocking(this::create));
            } else {
                FutureTask<FileChannel> task = new FutureTask<>(this::create);
                Thread.ofVirtual().name("simul-download-file").start(task);
                made = task;
            }
        }

        static PendingFile start(Path file) {
            return new PendingFile(file, Coroutine.current() != null);
        }

        /** The helper's work: makes the file, unless the download was given up meanwhile (then null). */
        private FileChannel create() throws IOException {
            FileChannel channel = Downloads.create(file);
            synchronized (this) {
                if (!abandoned) {
                    this.channel = channel;
                    return channel;
                }
            }
            discard(channel, file);
            return null;
        }

        /** Waits for the file; throws what making it threw. */
        FileChannel await() throws Exception {
            try {
                return Wait.await(made);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        }

        /**
         * The download failed or was cancelled. On a thread, waits for the helper (one file's creation) so that
         * the file is gone when the download returns; a loop's helpers are waited for when the loop closes.
         */
        void abandon() {
            FileChannel channel;
            synchronized (this) {
                abandoned = true;
                channel = this.channel;
            }
            if (channel != null) {
                discard(channel, file);
            } else if (made instanceof FutureTask<FileChannel> helper) {
                boolean interrupted = Thread.interrupted();
                while (true) {
                    try {
                        helper.get(); // null, or the file it made: discarded by create, as abandoned was set
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    } catch (ExecutionException e) {
                        break; // it made no file
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Closes and deletes the file of a download that failed. */
    private static void discard(FileChannel out, Path file) {
        try (out) {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temporary folder, removed after the run
        }
    }

    /** simul's blocking client for the blocking modes: one per run (per worker JVM in {@code processes}). */
    private static BlockingHttpClient blocking; // guarded by Downloads.class

    private static synchronized BlockingHttpClient blockingClient() {
        if (blocking == null) {
            blocking = new BlockingHttpClient(HttpClient.Options.DEFAULT.withMaxConnectionsPerHost(1000));
        }
        return blocking;
    }

    private static synchronized void closeBlockingClient() {
        if (blocking != null) {
            blocking.close();
            blocking = null;
        }
    }

    private static byte[] onAThread(String url) throws Exception {
        return ok(url, blockingClient().get(url));
    }

    private static byte[] onTheLoop(String url) throws Exception {
        return ok(url, HttpClient.shared(HttpClient.Options.DEFAULT.withMaxConnectionsPerHost(1000)).get(url));
    }

    private static byte[] ok(String url, ClientResponse response) throws IOException {
        if (response.status() != 200) {
            throw new IOException("download: " + url + " answered " + response.status());
        }
        return response.body();
    }
}
