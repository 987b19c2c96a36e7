package dev.simul.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** An HTTP response to send: status, header fields and a body; Content-Length is added when it is written. */
public final class HttpResponse {

    private final int status;
    private final Headers headers = new Headers();
    private final byte[] body;

    private HttpResponse(int status, byte[] body) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("bad status " + status);
        }
        this.status = status;
        this.body = body;
    }

    /** A response with {@code status}, a body and its Content-Type. */
    public static HttpResponse of(int status, String contentType, byte[] body) {
        HttpResponse r = new HttpResponse(status, body);
        if (contentType != null) {
            r.header("Content-Type", contentType);
        }
        return r;
    }

    /** A 200 text/plain response. */
    public static HttpResponse text(String text) {
        return of(200, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    /** A response with {@code status} and its reason phrase as a text body. */
    public static HttpResponse status(int status) {
        return of(status, "text/plain; charset=utf-8", (status + " " + reason(status) + "\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Adds a header field.
     *
     * @throws IllegalArgumentException for a name that is not a token, a value with a control character (which
     *                                  would let a value split the response), or a framing field the server sets
     *                                  itself (Content-Length, Transfer-Encoding, Connection)
     */
    public HttpResponse header(String name, String value) {
        if (!MessageParser.isToken(name)) {
            throw new IllegalArgumentException("not a header field name: '" + name + "'");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 32 && c != '\t' || c == 127) {
                throw new IllegalArgumentException("control character in the value of " + name);
            }
        }
        if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")
                || name.equalsIgnoreCase("Connection")) {
            throw new IllegalArgumentException(name + " is set by the server");
        }
        headers.add(name, value);
        return this;
    }

    /** The status code. */
    public int statusCode() {
        return status;
    }

    /** The header fields set so far (without Content-Length). */
    public Headers headers() {
        return headers;
    }

    /** The body. */
    public byte[] body() {
        return body;
    }

    /** The bytes on the wire: status line, fields, Content-Length, optionally Connection: close, the body. */
    ByteBuffer encode(boolean close, boolean headOnly) {
        return encode(close, headOnly, false);
    }

    /**
     * The same; with {@code sayKeepAlive} (and not {@code close}), a Connection: keep-alive field too, which an
     * HTTP/1.0 client needs to know that the connection stays open (RFC 9112 9.3, appendix C.2.2).
     */
    ByteBuffer encode(boolean close, boolean headOnly, boolean sayKeepAlive) {
        StringBuilder head = new StringBuilder(64 + 32 * headers.size());
        head.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        for (int i = 0; i < headers.size(); i++) {
            head.append(headers.name(i)).append(": ").append(headers.value(i)).append("\r\n");
        }
        head.append("Content-Length: ").append(body.length).append("\r\n");
        if (close) {
            head.append("Connection: close\r\n");
        } else if (sayKeepAlive) {
            head.append("Connection: keep-alive\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        int bodyLength = headOnly ? 0 : body.length;
        ByteBuffer out = ByteBuffer.allocate(headBytes.length + bodyLength);
        out.put(headBytes);
        if (!headOnly) {
            out.put(body);
        }
        return out.flip();
    }

    /** The reason phrase of the common status codes. */
    static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 200 -> "OK";
            case 201 -> "Created";
            case 204 -> "No Content";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 304 -> "Not Modified";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            case 505 -> "HTTP Version Not Supported";
            default -> "Status " + status;
        };
    }
}
