package dev.simul.http;

/**
 * A parsed HTTP/1.1 request.
 *
 * @param method  the method, e.g. GET
 * @param target  the request target as sent, e.g. /images/1.png?size=2
 * @param version HTTP/1.1 or HTTP/1.0
 * @param headers the header fields
 * @param body    the body (empty if none), de-chunked
 */
public record HttpRequest(String method, String target, String version, Headers headers, byte[] body) {

    /** The target's path, without the query. */
    public String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    /** Whether the connection stays open after this request (HTTP/1.1 unless "close"; HTTP/1.0 if "keep-alive"). */
    public boolean keepAlive() {
        if (headers.hasToken("Connection", "close")) {
            return false;
        }
        return version.equals("HTTP/1.1") || headers.hasToken("Connection", "keep-alive");
    }
}
