package dev.simul.http;

/**
 * Parses the responses a client receives; see {@link MessageParser}. Interim 1xx responses are dropped; a
 * response to HEAD, a 204 and a 304 have no body; a response without framing runs to the end of the connection.
 */
final class ResponseParser extends MessageParser<ClientResponse> {

    private boolean headRequest;
    private String version;
    private int status;
    private String reason;

    ResponseParser(HttpLimits limits) {
        super(limits);
    }

    /** Tells the parser what the next response answers: a HEAD request's response has no body. */
    void expect(String method) {
        headRequest = method.equals("HEAD");
    }

    @Override
    void parseStartLine(String line) throws HttpException {
        int sp1 = line.indexOf(' ');
        if (sp1 < 0 || line.length() < sp1 + 4) {
            throw new HttpException(400, "malformed status line");
        }
        version = line.substring(0, sp1);
        RequestParser.checkVersion(version);
        String code = line.substring(sp1 + 1, sp1 + 4);
        if (!code.chars().allMatch(c -> c >= '0' && c <= '9')
                || line.length() > sp1 + 4 && line.charAt(sp1 + 4) != ' ') {
            throw new HttpException(400, "malformed status code");
        }
        status = Integer.parseInt(code);
        reason = line.length() > sp1 + 5 ? line.substring(sp1 + 5) : "";
    }

    @Override
    boolean interim() {
        return status >= 100 && status < 200 && status != 101;
    }

    @Override
    boolean bodyForbidden() {
        return headRequest || status < 200 || status == 204 || status == 304;
    }

    @Override
    boolean bodyUntilClose() {
        return true;
    }

    @Override
    ClientResponse build(Headers headers, byte[] body) {
        return new ClientResponse(status, reason, version, headers, body);
    }
}
