package dev.simul.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseParserTest {

    private static ResponseParser parser(String method, String input) {
        ResponseParser parser = new ResponseParser(HttpLimits.DEFAULT);
        parser.expect(method);
        parser.feed(ByteBuffer.wrap(input.getBytes(StandardCharsets.ISO_8859_1)));
        return parser;
    }

    private static String body(ClientResponse r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void readsLengthChunkedAndCloseDelimitedBodies() throws Exception {
        ClientResponse fixed = parser("GET", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi").next();
        assertThat(fixed.status()).isEqualTo(200);
        assertThat(fixed.reason()).isEqualTo("OK");
        assertThat(body(fixed)).isEqualTo("hi");
        assertThat(body(parser("GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n")
                .next())).isEqualTo("hi");
        ResponseParser untilClose = parser("GET", "HTTP/1.0 200 OK\r\n\r\nall of it");
        assertThat(untilClose.next()).isNull();
        ClientResponse closed = untilClose.finishAtEof();
        assertThat(body(closed)).isEqualTo("all of it");
        assertThat(closed.keepAlive()).isFalse();
    }

    @Test
    void someResponsesHaveNoBodyAndInterimOnesAreDropped() throws Exception {
        assertThat(parser("HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n").next().body()).isEmpty();
        assertThat(parser("GET", "HTTP/1.1 204 No Content\r\n\r\n").next().body()).isEmpty();
        ClientResponse afterContinue = parser("GET", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\n"
                + "Content-Length: 0\r\n\r\n").next();
        assertThat(afterContinue.status()).isEqualTo(201);
    }

    @Test
    void refusesMalformedOrTruncatedResponses() throws Exception {
        assertThatThrownBy(() -> parser("GET", "HTTP/1.1 2x0 OK\r\n\r\n").next()).isInstanceOf(HttpException.class);
        assertThatThrownBy(() -> parser("GET", "SPDY/3 200 OK\r\n\r\n").next()).isInstanceOf(HttpException.class);
        ResponseParser truncated = parser("GET", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort");
        assertThat(truncated.next()).isNull();
        assertThatThrownBy(truncated::finishAtEof).isInstanceOf(HttpException.class);
    }

    @Test
    void aResponseArrivingByteByByteParsesAsInOneRead() throws Exception {
        String input = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "2\r\nhi\r\n0\r\nT: x\r\n\r\n";
        ResponseParser parser = new ResponseParser(HttpLimits.DEFAULT);
        parser.expect("GET");
        List<ClientResponse> got = new ArrayList<>();
        for (int i = 0; i < input.length(); i++) {
            parser.feed(ByteBuffer.wrap(input.substring(i, i + 1).getBytes(StandardCharsets.ISO_8859_1)));
            for (ClientResponse r; (r = parser.next()) != null; ) {
                got.add(r);
            }
        }
        assertThat(got).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(200);
            assertThat(body(r)).isEqualTo("hi");
        });
        assertThat(parser.scannedBytes).isLessThanOrEqualTo(input.length());
    }
}
