package dev.simul.http;

/**
 * Parses the requests a server receives; see {@link MessageParser}. A request without framing has no body.
 *
 * <p>Beyond the framing, a request is refused (400) unless its target has one of RFC 9112's forms (origin
 * {@code /path}, absolute {@code http://host/path}, {@code *} for OPTIONS, authority for CONNECT) without control
 * bytes, and unless it carries at most one valid Host field, exactly one in HTTP/1.1 (RFC 9112 3.2), even with an
 * absolute-form target, whose authority then wins over it.
 */
final class RequestParser extends MessageParser<HttpRequest> {

    /** RFC 3986's sub-delims: with unreserved characters and percent-encodings, what a host name may hold. */
    private static final String SUB_DELIMS = "!$&'()*+,;=";

    private String method;
    private String target;
    private String version;
    private boolean expectsContinue;

    RequestParser(HttpLimits limits) {
        super(limits);
    }

    /** Whether some bytes of a request that is not complete have arrived. */
    boolean inRequest() {
        return inMessage();
    }

    /**
     * Whether the request under way asked for {@code 100 Continue} before sending its body (RFC 9110 10.1.1) and
     * has not been told yet: true from its head until {@link #continueSent} or the end of the request. An
     * HTTP/1.0 client's expectation is ignored, as the RFC says.
     */
    boolean awaitsContinue() {
        return expectsContinue && inBody();
    }

    /** The {@code 100 Continue} of the request under way went out. */
    void continueSent() {
        expectsContinue = false;
    }

    @Override
    void parseStartLine(String line) throws HttpException {
        int sp1 = line.indexOf(' ');
        int sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
        if (sp1 <= 0 || sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0) {
            throw new HttpException(400, "malformed request line");
        }
        method = line.substring(0, sp1);
        target = line.substring(sp1 + 1, sp2);
        version = line.substring(sp2 + 1);
        if (!isToken(method) || target.isEmpty()) {
            throw new HttpException(400, "malformed request line");
        }
        if (hasControl(target) || target.indexOf('\t') >= 0) {
            throw new HttpException(400, "control character in the request target");
        }
        checkVersion(version);
        checkTargetForm();
    }

    /** The four forms of RFC 9112 3.2; an absolute form must be http(s) with a host and no user information. */
    private void checkTargetForm() throws HttpException {
        if (target.charAt(0) == '/') {
            return; // origin-form
        }
        if (target.equals("*")) {
            if (!method.equals("OPTIONS")) {
                throw new HttpException(400, "* is a target for OPTIONS only");
            }
            return;
        }
        if (method.equals("CONNECT")) {
            if (!isHostAndPort(target)) {
                throw new HttpException(400, "malformed CONNECT target");
            }
            return;
        }
        int from = HttpRequest.authorityStart(target);
        String scheme = from < 0 ? "" : target.substring(0, from - 3);
        if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
            throw new HttpException(400, "request target is neither /path nor http(s)://host/path");
        }
        int end = from;
        while (end < target.length() && target.charAt(end) != '/' && target.charAt(end) != '?') {
            end++;
        }
        String authority = target.substring(from, end);
        if (authority.isEmpty() || authority.charAt(0) == ':' || !isHostAndPort(authority)) {
            throw new HttpException(400, "bad host in the request target"); // RFC 9110 4.2.1: empty is invalid
        }
    }

    @Override
    void checkHead(Headers headers) throws HttpException {
        java.util.List<String> hosts = headers.all("Host");
        if (hosts.size() > 1) {
            throw new HttpException(400, "more than one Host");
        }
        if (hosts.isEmpty() && version.equals("HTTP/1.1")) {
            throw new HttpException(400, "no Host in an HTTP/1.1 request");
        }
        if (!hosts.isEmpty() && !isHostAndPort(hosts.getFirst())) {
            throw new HttpException(400, "invalid Host");
        }
        if (version.equals("HTTP/1.0") && headers.get("Transfer-Encoding") != null) {
            // HTTP/1.0 has no chunked: the framing is faulty (RFC 9112 6.1), and a way to smuggle a request
            throw new HttpException(400, "Transfer-Encoding in an HTTP/1.0 request");
        }
        expectsContinue = version.equals("HTTP/1.1") && headers.hasToken("Expect", "100-continue");
    }

    /**
     * Whether {@code s} is {@code uri-host [":" port]} (RFC 3986 3.2.2, 3.2.3), what Host holds: a bracketed IP
     * literal or a name of unreserved characters, sub-delims and percent-encodings (an IPv4 address is one), then
     * digits after a colon. Empty is valid: Host is empty for a target without a host (RFC 9112 3.2).
     */
    static boolean isHostAndPort(String s) {
        int hostEnd;
        if (s.startsWith("[")) {
            hostEnd = s.indexOf(']') + 1;
            if (hostEnd < 3 || !isRegName(s, 1, hostEnd - 1, true)) {
                return false;
            }
        } else {
            int colon = s.indexOf(':');
            hostEnd = colon < 0 ? s.length() : colon;
            if (!isRegName(s, 0, hostEnd, false)) {
                return false;
            }
        }
        if (hostEnd == s.length()) {
            return true;
        }
        if (s.charAt(hostEnd) != ':') {
            return false;
        }
        for (int i = hostEnd + 1; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code s[from, to)} is unreserved characters, sub-delims, percent-encodings (and colons if told). */
    private static boolean isRegName(String s, int from, int to, boolean colons) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= to || !isHex(s.charAt(i + 1)) || !isHex(s.charAt(i + 2))) {
                    return false;
                }
                i += 2;
            } else if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~".indexOf(c) >= 0
                    || SUB_DELIMS.indexOf(c) >= 0 || colons && c == ':')) {
                return false;
            }
        }
        return true;
    }

    static void checkVersion(String version) throws HttpException {
        if (!version.startsWith("HTTP/")) {
            throw new HttpException(400, "malformed HTTP version");
        }
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            throw new HttpException(505, "HTTP version " + version + " not supported");
        }
    }

    @Override
    boolean bodyForbidden() {
        return false;
    }

    @Override
    boolean bodyUntilClose() {
        return false;
    }

    @Override
    HttpRequest build(Headers headers, byte[] body) {
        expectsContinue = false;
        return new HttpRequest(method, target, version, headers, body);
    }
}
