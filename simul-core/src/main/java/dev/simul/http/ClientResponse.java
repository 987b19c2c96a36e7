package dev.simul.http;

/**
 * A response as a client receives it.
 *
 * @param status  the status code
 * @param reason  the reason phrase
 * @param version HTTP/1.1 or HTTP/1.0
 * @param headers the header fields
 * @param body    the body, de-chunked
 */
public record ClientResponse(int status, String reason, String version, Headers headers, byte[] body) {

    /** Whether the server keeps the connection open after this response. */
    public boolean keepAlive() {
        if (headers.hasToken("Connection", "close")) {
            return false;
        }
        return version.equals("HTTP/1.1") || headers.hasToken("Connection", "keep-alive");
    }
}
