package dev.simul.lab.report.html;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page in a real browser: headless Chromium opens it, a probe script added to a copy of the page (the page
 * itself has no script) writes what the browser saw into the DOM, which {@code --dump-dom} prints: every chart's
 * size on screen, the errors raised, the resources fetched (none may be) and whether the page is wider than the
 * window. Then a screenshot of the page itself is kept in {@code target/html-report/} for a person to look at.
 *
 * <p>Without Chromium the test is skipped, saying why, so that {@code ./build test} passes on a fresh machine;
 * {@code .ci/run} installs Debian's and sets {@code SIMUL_REQUIRE_BROWSER=1}, under which a missing browser fails
 * the test instead. {@code SIMUL_NO_BROWSER=1} skips it even where Chromium is installed.
 */
class HtmlFormatBrowserTest {

    /** Generous: a cold Chromium on a busy 2-core machine can take seconds to start. */
    static final long TIMEOUT_S = 120;

    /** Where the screenshot is kept after the test. */
    static final Path KEPT = Path.of("target", "html-report");

    /** Collects errors from the first moment: uncaught ones, failed loads (capture phase) and console.error. */
    static final String COLLECTOR = """
            <script>
            window.probeErrors = [];
            addEventListener('error', e => probeErrors.push(String(e.message
                || (e.target && (e.target.src || e.target.href)) || 'error')), true);
            const consoleError = console.error;
            console.error = (...a) => { probeErrors.push(a.join(' ')); consoleError.apply(console, a); };
            </script>
            """;

    /** Measures what the browser laid out, after everything else in the page. */
    static final String PROBE = """
            <script>
            (() => {
              const svgs = [...document.querySelectorAll('svg')].map(s => {
                const r = s.getBoundingClientRect();
                return {id: s.id, width: r.width, height: r.height, texts: s.querySelectorAll('text').length};
              });
              const out = document.createElement('pre');
              out.id = 'probe';
              out.textContent = JSON.stringify({svgs, errors: probeErrors,
                resources: performance.getEntriesByType('resource').map(e => e.name),
                overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
                viewport: innerWidth});
              document.body.appendChild(out);
            })();
            </script>
            """;

    static String chromium;
    /** Why the test does not run here, or null: said by the test itself, so that the build's summary counts it. */
    static String skipped;

    @BeforeAll
    static void findChromium() {
        boolean skip = "1".equals(System.getenv("SIMUL_NO_BROWSER"))
                || "1".equals(System.getProperty("simul.noBrowser"));
        Assumptions.assumeFalse(skip, "SIMUL_NO_BROWSER=1: the page is not opened in a browser");
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                if (Files.isExecutable(Path.of(dir, name))) {
                    chromium = Path.of(dir, name).toString();
                    return;
                }
            }
        }
        String missing = "chromium is not installed (apt-get install -y chromium), so the HTML report is not opened"
                + " in a browser";
        if ("1".equals(System.getenv("SIMUL_REQUIRE_BROWSER"))) {
            fail(missing + "; SIMUL_REQUIRE_BROWSER=1 (as .ci/run sets) wants it");
        }
        skipped = missing + "; .ci/run installs it and sets SIMUL_REQUIRE_BROWSER=1";
    }

    @Test
    void chromiumDrawsEveryChartWithoutErrorsOrNetwork(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(skipped == null, skipped);
        String html = new HtmlFormat().toString(SampleReport.report());
        Path probed = dir.resolve("probed.html");
        Files.writeString(probed, html.replace("<head>", "<head>\n" + COLLECTOR).replace("</body>", PROBE + "</body>"));
        screenshot(dir, html);

        JsonNode desktop = probe(dir, probed, 1200, 900);
        assertThat(desktop.get("errors")).as("errors in the page").isEmpty();
        assertThat(desktop.get("resources")).as("resources fetched").isEmpty();
        assertThat(desktop.get("svgs")).hasSize(10);
        for (JsonNode svg : desktop.get("svgs")) {
            assertThat(svg.get("width").asDouble()).as(svg.get("id").asText() + " width").isGreaterThan(200);
            assertThat(svg.get("height").asDouble()).as(svg.get("id").asText() + " height").isGreaterThan(100);
            assertThat(svg.get("texts").asInt()).as(svg.get("id").asText() + " text elements").isPositive();
        }

        // Headless Chromium makes a window at least 500 pixels wide: narrower than the page's phone layout
        // (40rem), so the charts must shrink to fit it and nothing may widen the page.
        JsonNode phone = probe(dir, probed, 390, 844);
        int width = phone.get("viewport").asInt();
        assertThat(width).isLessThan(640);
        assertThat(phone.get("errors")).isEmpty();
        assertThat(phone.get("overflow").asInt()).as("the page is no wider than a phone").isLessThanOrEqualTo(0);
        for (JsonNode svg : phone.get("svgs")) {
            assertThat(svg.get("width").asDouble()).as(svg.get("id").asText() + " width on a phone")
                    .isBetween(100.0, (double) width);
        }
    }

    /** A screenshot of the page as written (no probe), kept with the page for a person to look at. */
    private static void screenshot(Path dir, String html) throws Exception {
        Path page = dir.resolve("report.html");
        Files.writeString(page, html);
        Files.createDirectories(KEPT);
        Files.copy(page, KEPT.resolve("report.html"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path png = KEPT.resolve("report.png").toAbsolutePath();
        Files.deleteIfExists(png);
        run(dir, "--window-size=1200,2400", "--screenshot=" + png, page.toUri().toString());
        assertThat(png).exists();
        byte[] bytes = Files.readAllBytes(png);
        assertThat(bytes.length).as("a screenshot with something on it").isGreaterThan(20_000);
        assertThat(new String(bytes, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }

    /** Opens {@code page} in a window of this size and returns what the probe wrote. */
    private static JsonNode probe(Path dir, Path page, int width, int height) throws Exception {
        String dom = run(dir, "--window-size=" + width + "," + height, "--dump-dom", page.toUri().toString());
        Matcher m = Pattern.compile("<pre id=\"probe\">(.*?)</pre>", Pattern.DOTALL).matcher(dom);
        assertThat(m.find()).as("the probe ran; the DOM was:%n%s", dom.length() > 2000 ? dom.substring(0, 2000)
                : dom).isTrue();
        String json = m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&amp;", "&");
        return new ObjectMapper().readTree(json);
    }

    /** Runs headless Chromium with {@code args} and returns what it printed on stdout. */
    private static String run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(chromium, "--headless",
                // Its sandbox needs user namespaces, which containers and root lack; the page is our own file.
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
                "--disable-sync", "--hide-scrollbars", "--mute-audio",
                "--user-data-dir=" + dir.resolve("profile")));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "chromium", ".out");
        Path err = Files.createTempFile(dir, "chromium", ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("chromium did not finish in %d s: %s%n%s", TIMEOUT_S, command, tail(err));
        }
        if (p.exitValue() != 0) {
            fail("chromium exited with %d: %s%n%s", p.exitValue(), command, tail(err));
        }
        return Files.readString(out);
    }

    private static String tail(Path file) throws IOException {
        String text = Files.readString(file);
        return text.length() > 3000 ? text.substring(text.length() - 3000) : text;
    }
}
