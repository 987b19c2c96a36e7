package dev.simul.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestParserTest {

    private static final HttpLimits SMALL = new HttpLimits(64, 256, 5, 100);

    private static List<HttpRequest> parse(RequestParser parser, String input) throws HttpException {
        parser.feed(ByteBuffer.wrap(input.getBytes(StandardCharsets.ISO_8859_1)));
        List<HttpRequest> out = new ArrayList<>();
        for (HttpRequest r; (r = parser.next()) != null; ) {
            out.add(r);
        }
        return out;
    }

    private static List<HttpRequest> parse(String input) throws HttpException {
        return parse(new RequestParser(HttpLimits.DEFAULT), input);
    }

    private static int refusal(HttpLimits limits, String input) {
        try {
            parse(new RequestParser(limits), input);
            return 0;
        } catch (HttpException e) {
            return e.status();
        }
    }

    /** Feeds {@code input} one byte at a time, as a slow client would send it, collecting every request. */
    private static List<HttpRequest> parseByteByByte(RequestParser parser, String input) throws HttpException {
        List<HttpRequest> out = new ArrayList<>();
        for (int i = 0; i < input.length(); i++) {
            out.addAll(parse(parser, input.substring(i, i + 1)));
        }
        return out;
    }

    /** Where a request fed one byte at a time is refused ("431 at byte 255"), or "accepted". */
    private static String refusedAt(HttpLimits limits, String input) {
        RequestParser parser = new RequestParser(limits);
        for (int i = 0; i < input.length(); i++) {
            try {
                parse(parser, input.substring(i, i + 1));
            } catch (HttpException e) {
                return e.status() + " at byte " + i;
            }
        }
        return "accepted";
    }

    /** A GET head of exactly {@code size} bytes with {@code fields} header fields sharing the room. */
    private static String headOf(int size, int fields) {
        StringBuilder head = new StringBuilder("GET /max HTTP/1.1\r\nHost: a\r\n"); // Host is the first field
        for (int f = 1; f < fields; f++) {
            int share = (size - head.length() - 2) / (fields - f); // the last field takes what is left
            String name = "X-F" + f + ": ";
            head.append(name).append("v".repeat(share - name.length() - 2)).append("\r\n");
        }
        head.append("\r\n");
        assertThat(head).hasSize(size);
        return head.toString();
    }

    @Test
    void parsesARequestWithItsHeaders() throws Exception {
        HttpRequest r = parse("GET /images/1.png?x=2 HTTP/1.1\r\nHost: a\r\nX-Two: 1\r\nx-two: 2\r\n\r\n").getFirst();
        assertThat(r.method()).isEqualTo("GET");
        assertThat(r.path()).isEqualTo("/images/1.png");
        assertThat(r.target()).isEqualTo("/images/1.png?x=2");
        assertThat(r.headers().get("host")).isEqualTo("a");
        assertThat(r.headers().all("X-TWO")).containsExactly("1", "2");
        assertThat(r.body()).isEmpty();
        assertThat(r.keepAlive()).isTrue();
    }

    @Test
    void parsesPipelinedRequestsAndRequestsSplitAnywhere() throws Exception {
        String two = "GET /a HTTP/1.1\r\nHost: a\r\n\r\nPOST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello";
        assertThat(parse(two)).extracting(HttpRequest::path).containsExactly("/a", "/b");
        RequestParser parser = new RequestParser(HttpLimits.DEFAULT);
        List<HttpRequest> got = new ArrayList<>();
        for (char c : two.toCharArray()) {
            got.addAll(parse(parser, String.valueOf(c))); // one byte at a time
        }
        assertThat(got).extracting(HttpRequest::path).containsExactly("/a", "/b");
        assertThat(new String(got.get(1).body(), StandardCharsets.UTF_8)).isEqualTo("hello");
    }

    @Test
    void decodesChunkedBodiesWithExtensionsAndTrailers() throws Exception {
        HttpRequest r = parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: t\r\n\r\n").getFirst();
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("hello world");
    }

    @Test
    void acceptsBareLineFeedsAndHttp10() throws Exception {
        HttpRequest r = parse("\r\nGET / HTTP/1.0\nConnection: keep-alive\n\n").getFirst();
        assertThat(r.version()).isEqualTo("HTTP/1.0");
        assertThat(r.keepAlive()).isTrue();
        assertThat(parse("GET / HTTP/1.0\r\n\r\n").getFirst().keepAlive()).isFalse();
        assertThat(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").getFirst().keepAlive()).isFalse();
    }

    @Test
    void refusesWhatBreaksALimit() {
        assertThat(refusal(SMALL, "GET /" + "a".repeat(100) + " HTTP/1.1\r\nHost: a\r\n\r\n")).isEqualTo(414);
        assertThat(refusal(SMALL, "GET /" + "a".repeat(100))).as("before the line ends").isEqualTo(414);
        assertThat(refusal(SMALL, "GET / HTTP/1.1\r\nHost: a\r\n" + "A: b\r\n".repeat(6) + "\r\n")).isEqualTo(431);
        assertThat(refusal(SMALL, "GET / HTTP/1.1\r\nHost: a\r\nA: " + "b".repeat(300) + "\r\n\r\n")).isEqualTo(431);
        assertThat(refusal(SMALL, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 101\r\n\r\n")).isEqualTo(413);
        assertThat(refusal(SMALL, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n65\r\n"))
                .isEqualTo(413);
    }

    @Test
    void refusesMalformedAndAmbiguousRequests() {
        HttpLimits d = HttpLimits.DEFAULT;
        assertThat(refusal(d, "GARBAGE\r\n\r\n")).isEqualTo(400);
        assertThat(refusal(d, "GET  / HTTP/1.1\r\nHost: a\r\n\r\n")).isEqualTo(400);
        assertThat(refusal(d, "GET / HTTP/2.0\r\n\r\n")).isEqualTo(505);
        assertThat(refusal(d, "GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n")).isEqualTo(400);
        assertThat(refusal(d, "GET / HTTP/1.1\r\nHost: a\r\nA: b\r\n folded\r\n\r\n")).isEqualTo(400);
        assertThat(refusal(d, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"))
                .as("smuggling").isEqualTo(400);
        assertThat(refusal(d, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n"))
                .isEqualTo(400);
        assertThat(refusal(d, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n")).isEqualTo(400);
        assertThat(refusal(d, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n")).isEqualTo(400);
        assertThat(refusal(d, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")).isEqualTo(400);
        assertThat(refusal(d, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab"))
                .isEqualTo(400);
        assertThat(refusal(d, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n")).isEqualTo(400);
        assertThat(refusal(d, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n+3\r\n")).isEqualTo(400);
        assertThat(refusal(d, "GET / HTTP/1.1\r\nHost: a\r\nX: a\rTransfer-Encoding: chunked\r\n\r\n"))
                .as("a bare CR inside a value").isEqualTo(400);
    }

    @Test
    void onlySpaceAndTabAreOptionalWhitespaceAroundAFieldValue() throws Exception {
        HttpLimits d = HttpLimits.DEFAULT;
        HttpRequest r = parse("GET / HTTP/1.1\r\nHost: a\r\nX: \t v w \t\r\n\r\n").getFirst();
        assertThat(r.headers().get("X")).isEqualTo("v w");
        // String.strip() took these off the ends of a value; Character.isWhitespace calls them whitespace
        for (char c : new char[] {0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x1F, 0x00, 0x7F, '\r'}) {
            String hex = "0x%02X".formatted((int) c);
            assertThat(refusal(d, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + c + "3\r\n\r\nabc"))
                    .as("Content-Length with a leading " + hex).isEqualTo(400);
            assertThat(refusal(d, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3" + c + "\r\n\r\nabc"))
                    .as("Content-Length with a trailing " + hex).isEqualTo(400);
            assertThat(refusal(d, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked" + c
                    + "\r\n\r\n0\r\n\r\n")).as("Transfer-Encoding with a trailing " + hex).isEqualTo(400);
            assertThat(refusal(d, "GET / HTTP/1.1\r\nHost: a\r\nX: " + c + "v\r\n\r\n"))
                    .as("any field with a leading " + hex).isEqualTo(400);
            assertThat(refusal(d, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3" + c
                    + ";ext\r\nabc\r\n0\r\n\r\n")).as("a chunk size followed by " + hex).isEqualTo(400);
        }
        assertThat(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3 \t;ext\r\nabc\r\n"
                + "0\r\n\r\n").getFirst().body()).as("SP and HTAB before a chunk extension").hasSize(3);
    }

    @Test
    void transferEncodingMustEndInChunkedAndNameItOnce() throws Exception {
        HttpLimits d = HttpLimits.DEFAULT;
        String body = "\r\n3\r\nabc\r\n0\r\n\r\n";
        assertThat(refusal(d, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n" + body))
                .as("twice in one field").isEqualTo(400);
        assertThat(refusal(d, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                + "Transfer-Encoding: chunked\r\n" + body)).as("twice in two fields").isEqualTo(400);
        assertThat(refusal(d, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                + "Transfer-Encoding: gzip\r\n" + body)).as("chunked, then gzip in a second field").isEqualTo(400);
        assertThat(refusal(d, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked;x=1\r\n" + body))
                .as("chunked with a parameter").isEqualTo(400);
        assertThat(refusal(d, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n" + body))
                .as("empty").isEqualTo(400);
        assertThat(refusal(d, "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n" + body))
                .as("in HTTP/1.0, which has no chunked (RFC 9112 6.1)").isEqualTo(400);
        assertThat(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: Chunked\r\n"
                + body).getFirst().body()).as("gzip, then chunked last").hasSize(3);
    }

    @Test
    void anHttp11RequestNeedsExactlyOneValidHost() throws Exception {
        HttpLimits d = HttpLimits.DEFAULT;
        assertThat(refusal(d, "GET / HTTP/1.1\r\n\r\n")).as("no Host").isEqualTo(400);
        assertThat(refusal(d, "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n")).as("two Hosts").isEqualTo(400);
        assertThat(refusal(d, "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n")).as("two in HTTP/1.0").isEqualTo(400);
        for (String bad : List.of("a b", "a/b", "user@a", "a:80x", "a:8:0", "[::1", "[]", "[::1]x", "a\"b", "a%2", "a?",
                "a#b", "a\\b")) {
            assertThat(refusal(d, "GET / HTTP/1.1\r\nHost: " + bad + "\r\n\r\n")).as("Host: " + bad).isEqualTo(400);
        }
        for (String good : List.of("example.com", "127.0.0.1:8000", "[::1]:8000", "[v1.x]", "a%20b", "xn--bcher-kva.ch",
                "a:", "")) {
            assertThat(parse("GET / HTTP/1.1\r\nHost: " + good + "\r\n\r\n").getFirst().host()).as("Host: " + good)
                    .isEqualTo(good);
        }
        assertThat(parse("GET / HTTP/1.0\r\n\r\n").getFirst().host()).as("HTTP/1.0 without Host").isNull();
    }

    @Test
    void acceptsTheAbsoluteFormAndTakesTheHostFromIt() throws Exception {
        HttpRequest r = parse("GET http://127.0.0.1:8000/index.json?x=1 HTTP/1.1\r\nHost: other\r\n\r\n").getFirst();
        assertThat(r.target()).isEqualTo("http://127.0.0.1:8000/index.json?x=1");
        assertThat(r.path()).isEqualTo("/index.json");
        assertThat(r.host()).as("the target's authority wins over Host (RFC 9112 3.2.2)").isEqualTo("127.0.0.1:8000");
        HttpRequest bare = parse("GET HTTPS://example.com?q HTTP/1.1\r\nHost: example.com\r\n\r\n").getFirst();
        assertThat(bare.path()).isEqualTo("/");
        assertThat(bare.host()).isEqualTo("example.com");
        HttpLimits d = HttpLimits.DEFAULT;
        assertThat(refusal(d, "GET http://a/ HTTP/1.1\r\n\r\n")).as("still needs Host (RFC 9112 3.2)").isEqualTo(400);
        assertThat(refusal(d, "GET http:///x HTTP/1.1\r\nHost: a\r\n\r\n")).as("empty host").isEqualTo(400);
        assertThat(refusal(d, "GET http://u:p@a/ HTTP/1.1\r\nHost: a\r\n\r\n")).as("userinfo").isEqualTo(400);
        assertThat(refusal(d, "GET ftp://a/ HTTP/1.1\r\nHost: a\r\n\r\n")).as("not http(s)").isEqualTo(400);
        assertThat(refusal(d, "GET index.html HTTP/1.1\r\nHost: a\r\n\r\n")).as("no form at all").isEqualTo(400);
        assertThat(refusal(d, "GET * HTTP/1.1\r\nHost: a\r\n\r\n")).as("* is for OPTIONS").isEqualTo(400);
        assertThat(parse("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n").getFirst().target()).isEqualTo("*");
    }

    @Test
    void refusesControlBytesInTheRequestTarget() {
        for (char c : new char[] {0x00, 0x01, '\t', 0x0B, 0x1F, 0x7F, '\r'}) {
            assertThat(refusal(HttpLimits.DEFAULT, "GET /a" + c + "b HTTP/1.1\r\nHost: a\r\n\r\n"))
                    .as("0x%02X in the target".formatted((int) c)).isEqualTo(400);
        }
    }

    @Test
    void knowsWhenARequestIsHalfReceived() throws Exception {
        RequestParser parser = new RequestParser(HttpLimits.DEFAULT);
        assertThat(parser.inRequest()).isFalse();
        assertThat(parse(parser, "GET / HT")).isEmpty();
        assertThat(parser.inRequest()).isTrue();
        assertThat(parse(parser, "TP/1.1\r\nHost: a\r\n\r\n")).hasSize(1);
        assertThat(parser.inRequest()).isFalse();
        assertThatThrownBy(() -> parse(parser, "\u0001\r\n\r\n")).isInstanceOf(HttpException.class);
    }

    @Test
    void emptyLinesBeforeARequestLineAreDroppedAndOnlyTwoAreTolerated() throws Exception {
        RequestParser parser = new RequestParser(HttpLimits.DEFAULT);
        assertThat(parse(parser, "\r\n")).isEmpty();
        assertThat(parser.inRequest()).as("a dropped empty line is not a request's first byte").isFalse();
        assertThat(parse(parser, "\nGET /a HTTP/1.1\r\nHost: a\r\n\r\n\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n"))
                .as("two before each request").extracting(HttpRequest::path).containsExactly("/a", "/b");
        assertThat(parser.inRequest()).isFalse();
        assertThat(refusal(HttpLimits.DEFAULT, "\r\n\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"))
                .as("a third").isEqualTo(400);
    }

    @Test
    void aMaxSizeHeadArrivingByteByByteIsParsedWithEachByteScannedOnce() throws Exception {
        HttpLimits limits = HttpLimits.DEFAULT;
        String head = headOf(limits.maxHeadBytes(), limits.maxHeaders());
        // A request first, so that the big head starts mid-buffer and the buffer is compacted and grown under it.
        String first = "GET /first HTTP/1.1\r\nHost: a\r\n\r\n";
        RequestParser parser = new RequestParser(limits);
        List<HttpRequest> got = parseByteByByte(parser, first + head);
        assertThat(got).extracting(HttpRequest::path).containsExactly("/first", "/max");
        Headers headers = got.get(1).headers();
        StringBuilder rebuilt = new StringBuilder("GET /max HTTP/1.1\r\n");
        for (int i = 0; i < headers.size(); i++) {
            rebuilt.append(headers.name(i)).append(": ").append(headers.value(i)).append("\r\n");
        }
        assertThat(rebuilt.append("\r\n").toString()).isEqualTo(head);
        // Linear work: a rescan from the head's start on every read would examine about n*n/2 bytes.
        assertThat(parser.scannedBytes).isEqualTo(first.length() + head.length());
    }

    @Test
    void limitsTripAtTheSameByteWhetherTheHeadArrivesAtOnceOrByteByByte() {
        // SMALL: a 64-byte request line, a 256-byte head, 5 fields
        assertThat(refusedAt(SMALL, headOf(256, 5))).isEqualTo("accepted");
        assertThat(refusal(SMALL, headOf(256, 5))).isZero();
        assertThat(refusedAt(SMALL, headOf(257, 5))).as("the head's 256th byte does not end it")
                .isEqualTo("431 at byte 255");
        assertThat(refusal(SMALL, headOf(257, 5))).isEqualTo(431);
        String longLine = "GET /" + "a".repeat(100) + " HTTP/1.1\r\nHost: a\r\n\r\n";
        assertThat(refusedAt(SMALL, longLine)).as("the line's 65th byte").isEqualTo("414 at byte 64");
        assertThat(refusal(SMALL, longLine)).isEqualTo(414);
        String sixFields = "GET / HTTP/1.1\r\nHost: a\r\n" + "A: b\r\n".repeat(5) + "\r\n";
        assertThat(refusedAt(SMALL, sixFields)).as("the LF that ends the sixth field")
                .isEqualTo("431 at byte " + ("GET / HTTP/1.1\r\nHost: a\r\n".length() + 5 * "A: b\r\n".length() - 1));
        assertThat(refusal(SMALL, sixFields)).isEqualTo(431);
        // Empty lines before the request line are dropped (RFC 9112), so they never count against the head.
        assertThat(refusedAt(SMALL, "\r\n\n" + headOf(256, 5))).isEqualTo("accepted");
        assertThat(refusal(SMALL, "\r\n\n" + headOf(256, 5))).isZero();
    }

    @Test
    void chunkSizeLinesAndTrailersArrivingByteByByteAreScannedOnce() throws Exception {
        String input = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=" + "e".repeat(900) + "\r\nhello\r\n0\r\nX-Trailer: " + "t".repeat(10_000) + "\r\n\r\n";
        RequestParser parser = new RequestParser(HttpLimits.DEFAULT);
        List<HttpRequest> got = parseByteByByte(parser, input);
        assertThat(got).singleElement().extracting(r -> new String(r.body(), StandardCharsets.UTF_8))
                .isEqualTo("hello");
        assertThat(parser.scannedBytes).isLessThanOrEqualTo(input.length());
    }
}
