package dev.simul.http;

/** Parses the requests a server receives; see {@link MessageParser}. A request without framing has no body. */
final class RequestParser extends MessageParser<HttpRequest> {

    private String method;
    private String target;
    private String version;

    RequestParser(HttpLimits limits) {
        super(limits);
    }

    /** Whether some bytes of a request that is not complete have arrived. */
    boolean inRequest() {
        return inMessage();
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
        checkVersion(version);
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
    void checkHead(Headers headers) throws HttpException {
        if (version.equals("HTTP/1.0") && headers.get("Transfer-Encoding") != null) {
            // HTTP/1.0 has no chunked: the framing is faulty (RFC 9112 6.1), and a way to smuggle a request
            throw new HttpException(400, "Transfer-Encoding in an HTTP/1.0 request");
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
        return new HttpRequest(method, target, version, headers, body);
    }
}
