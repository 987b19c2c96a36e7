package dev.simul.http;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * What the two clients ({@link HttpClient} on the loop, {@link BlockingHttpClient} on threads) decide alike: which
 * URLs they take, how a request is encoded, where a redirect leads and what it keeps, and when a connection may
 * go back to the pool. Only how bytes move differs between them.
 */
final class ClientRules {

    static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE");
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    private ClientRules() {
    }

    /** What a response may hold: a status line within 8 KiB, a head within 64 KiB and 200 fields, the body limit. */
    static HttpLimits limits(long maxBody) {
        return new HttpLimits(8 * 1024, 64 * 1024, 200, maxBody);
    }

    /** A request as the clients follow it through redirects. */
    record Request(String method, URI uri, Headers headers, byte[] body) {

        boolean https() {
            return uri.getScheme().equalsIgnoreCase("https");
        }

        int port() {
            return uri.getPort() >= 0 ? uri.getPort() : https() ? 443 : 80;
        }

        /** The pool a connection for this request belongs to. */
        String origin() {
            return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost() + ":" + port();
        }
    }

    /**
     * A failure before any byte of the response arrived. On a reused connection it means that the server had
     * closed it meanwhile, and an idempotent request goes again on a new one.
     */
    static final class StaleConnection extends Exception {
        StaleConnection(IOException cause) {
            super(cause.getMessage(), cause, false, false);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    /** An http:// or https:// URL with a host. */
    static URI parse(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL: " + url, e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("only http:// and https:// URLs are supported, got " + url);
        }
        return uri;
    }

    /**
     * The request {@code response} redirects to, or null if it is the final answer.
     *
     * @throws IOException past {@code maxRedirects}, or for a redirect from https to http
     */
    static Request redirect(Request request, ClientResponse response, int redirectsSoFar, int maxRedirects)
            throws IOException {
        String location = response.headers().get("Location");
        if (!REDIRECTS.contains(response.status()) || location == null) {
            return null;
        }
        if (redirectsSoFar == maxRedirects) {
            throw new IOException("more than " + maxRedirects + " redirects, last to " + location);
        }
        URI next = parse(request.uri().resolve(location).toString());
        if (request.https() && next.getScheme().equalsIgnoreCase("http")) {
            throw new IOException("refusing a redirect from https to http: " + next);
        }
        Headers headers = sameOrigin(request.uri(), next) ? request.headers()
                : withoutCredentials(request.headers()); // never hand one site's credentials to another
        if (response.status() == 303 || (response.status() <= 302 && request.method().equals("POST"))) {
            return new Request("GET", next, headers, null); // what browsers do, and RFC 9110 allows
        }
        return new Request(request.method(), next, headers, request.body());
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && a.getPort() == b.getPort();
    }

    private static Headers withoutCredentials(Headers headers) {
        Headers kept = new Headers();
        for (int i = 0; i < headers.size(); i++) {
            String name = headers.name(i);
            if (!name.equalsIgnoreCase("Authorization") && !name.equalsIgnoreCase("Cookie")
                    && !name.equalsIgnoreCase("Proxy-Authorization")) {
                kept.add(name, headers.value(i));
            }
        }
        return kept;
    }

    /**
     * Whether a connection may carry another exchange after {@code response}: its end was not read, the server
     * keeps it open, nobody asked to close it, and no byte of a next message came with this one.
     */
    static boolean keepable(Request request, ClientResponse response, boolean ended, boolean parserInMessage) {
        return !ended && response.keepAlive() && response.status() != 101
                && !request.headers().hasToken("Connection", "close") && !parserInMessage;
    }

    /** The response the connection's end completes (a close-delimited body), or why there is none. */
    static ClientResponse lastResponse(ResponseParser parser) throws IOException, HttpException {
        ClientResponse last = parser.finishAtEof();
        if (last == null) {
            throw new IOException("the server closed the connection without answering");
        }
        return last;
    }

    /** The request's bytes: head and body in one buffer, so that they leave in one write. */
    static ByteBuffer encode(Request request) {
        URI uri = request.uri();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        int defaultPort = request.https() ? 443 : 80;
        StringBuilder head = new StringBuilder(128);
        head.append(request.method()).append(' ').append(path).append(" HTTP/1.1\r\n");
        head.append("Host: ").append(uri.getHost());
        if (request.port() != defaultPort) {
            head.append(':').append(request.port());
        }
        head.append("\r\nUser-Agent: simul\r\n");
        Headers headers = request.headers();
        for (int i = 0; i < headers.size(); i++) {
            head.append(headers.name(i)).append(": ").append(headers.value(i)).append("\r\n");
        }
        byte[] body = request.body();
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(headBytes.length + (body == null ? 0 : body.length));
        out.put(headBytes);
        if (body != null) {
            out.put(body);
        }
        return out.flip();
    }
}
