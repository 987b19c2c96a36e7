package dev.simul.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simul.loop.EventLoop;
import dev.simul.loop.sync.AsyncEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The raw requests of {@code http/corpus.txt} (malformed, smuggling-prone, Host, targets, Expect), each sent to
 * one running server over a real socket: each gets its status, and the server still answers a good request on
 * another connection afterwards. The server runs on its own loop thread with the default options; the client is
 * a plain blocking socket, whose read timeout only turns a missing answer into a failure instead of a hang.
 */
@Timeout(60)
class HttpServerCorpusTest {

    /** One line of the corpus. */
    record Case(int status, String name, byte[] request) {
        @Override
        public String toString() {
            return status + " " + name;
        }
    }

    private static final Pattern REPEAT = Pattern.compile("\\{\\{(\\d+)\\*(.*?)}}");
    private static final int READ_TIMEOUT_MS = 20_000;

    private static EventLoop loop;
    private static Thread loopThread;
    private static AsyncEvent stop;
    private static int port;

    @BeforeAll
    static void startServer() throws Exception {
        loop = new EventLoop();
        stop = new AsyncEvent();
        CompletableFuture<Integer> started = new CompletableFuture<>();
        loopThread = new Thread(() -> {
            try {
                loop.run(() -> {
                    try (HttpServer server = HttpServer.start(HttpServer.Options.loopback(0),
                            request -> HttpResponse.text(request.method() + " " + request.path()))) {
                        started.complete(server.port());
                        stop.await();
                    }
                    return null;
                });
            } catch (Throwable t) {
                started.completeExceptionally(t);
            }
        }, "corpus server");
        loopThread.start();
        port = started.get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopServer() throws Exception {
        loop.callSoonThreadsafe(stop::set);
        loopThread.join(TimeUnit.SECONDS.toMillis(30));
        loop.close();
    }

    static List<Case> corpus() throws IOException {
        List<Case> cases = new ArrayList<>();
        try (InputStream in = HttpServerCorpusTest.class.getResourceAsStream("/http/corpus.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split(" \\| ", 3);
                cases.add(new Case(Integer.parseInt(parts[0].strip()), parts[1].strip(), decode(parts[2])));
            }
        }
        return cases;
    }

    /** The bytes of a corpus request: repeats expanded, then escapes. */
    static byte[] decode(String text) {
        Matcher m = REPEAT.matcher(text);
        StringBuilder expanded = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(expanded, Matcher.quoteReplacement(m.group(2).repeat(Integer.parseInt(m.group(1)))));
        }
        m.appendTail(expanded);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < expanded.length(); i++) {
            char c = expanded.charAt(i);
            if (c != '\\') {
                out.write(c);
                continue;
            }
            char e = expanded.charAt(++i);
            switch (e) {
                case 'r' -> out.write('\r');
                case 'n' -> out.write('\n');
                case 't' -> out.write('\t');
                case '\\' -> out.write('\\');
                case 'x' -> {
                    out.write(HexFormat.fromHexDigits(expanded, i + 1, i + 3));
                    i += 2;
                }
                default -> throw new IllegalArgumentException("unknown escape \\" + e + " in " + text);
            }
        }
        return out.toByteArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void eachRequestGetsItsStatusAndTheServerGoesOn(Case c) throws Exception {
        assertThat(statusOf(c.request())).as(c.name()).isEqualTo(c.status());
        assertThat(statusOf("GET /after HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)))
                .as("a good request after it").isEqualTo(200);
    }

    /** Sends {@code request} on a new connection and returns the status of the first answer (100 included). */
    private static int statusOf(byte[] request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(READ_TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder statusLine = new StringBuilder();
            for (int b; (b = in.read()) != -1 && b != '\n'; ) {
                statusLine.append((char) b);
            }
            assertThat(statusLine.toString()).as("status line").startsWith("HTTP/1.1 ");
            return Integer.parseInt(statusLine.substring(9, 12));
        }
    }
}
