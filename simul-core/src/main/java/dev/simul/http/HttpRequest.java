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

    /** The target's path, without the query; of an absolute-form target ({@code http://host/path}), its path. */
    public String path() {
        int from = authorityEnd();
        int q = target.indexOf('?', Math.max(from, 0));
        String path = target.substring(Math.max(from, 0), q < 0 ? target.length() : q);
        return from >= 0 && path.isEmpty() ? "/" : path;
    }

    /**
     * The host and port the request is for: an absolute-form target's authority, which wins over the Host field
     * (RFC 9112 3.2.2), else the Host field; null if there is neither (HTTP/1.0).
     */
    public String host() {
        int end = authorityEnd();
        return end >= 0 ? target.substring(authorityStart(target), end) : headers.get("Host");
    }

    /** Where an absolute-form target's authority ends, or -1 for another form. */
    private int authorityEnd() {
        int from = authorityStart(target);
        if (from < 0) {
            return -1;
        }
        int end = from;
        while (end < target.length() && target.charAt(end) != '/' && target.charAt(end) != '?') {
            end++;
        }
        return end;
    }

    /** Where the authority of an absolute-form target ({@code scheme://authority...}) starts, or -1. */
    static int authorityStart(String target) {
        int colon = target.indexOf("://");
        return colon > 0 && target.charAt(0) != '/' ? colon + 3 : -1;
    }

    /** Whether the connection stays open after this request (HTTP/1.1 unless "close"; HTTP/1.0 if "keep-alive"). */
    public boolean keepAlive() {
        if (headers.hasToken("Connection", "close")) {
            return false;
        }
        return version.equals("HTTP/1.1") || headers.hasToken("Connection", "keep-alive");
    }
}
