package dev.simul.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Parses HTTP/1.1 messages incrementally from the bytes of one connection, as they arrive: {@link #feed} adds
 * bytes, {@link #next} returns each complete message (several may be pipelined in one read) or null until more
 * bytes come. Every limit is checked as soon as it can be broken, before the bytes that break it are kept.
 * {@link RequestParser} and {@link ResponseParser} differ only in the start line and in how a body without
 * framing ends.
 *
 * <p>Framing follows RFC 9112: a body is chunked if Transfer-Encoding ends in chunked, else Content-Length long,
 * else empty (requests) or until the connection closes (responses). A message with both, with Transfer-Encoding
 * not ending in chunked or naming it twice, or with conflicting Content-Lengths is refused (400): such messages are
 * how requests are smuggled past proxies. For the same reason only SP and HTAB count as whitespace around a field
 * value (RFC 9110 5.5): any other control byte in a value, even at its ends, is a 400, never trimmed away.
 *
 * <p>A slow sender may deliver a head one byte at a time, so no search for the end of a line or of the head ever
 * looks at a byte twice: {@code scanned} remembers how far the current search got, and the next read resumes
 * there. Total work is therefore linear in the bytes received however they are split.
 *
 * @param <M> the message type
 */
abstract class MessageParser<M> {

    private enum State { HEAD, FIXED_BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, UNTIL_CLOSE }

    private static final int MAX_CHUNK_SIZE_LINE = 1024;
    /**
     * Empty lines dropped before a start line: RFC 9112 asks a server to ignore at least one (clients once ended
     * a body with an extra CRLF); more are no longer a client's slip. Dropped lines are not a request's first
     * bytes (a CRLF left behind a body must not start the next request's header clock on an idle connection);
     * the cap is what keeps a client from holding a connection by sending empty lines now and then.
     */
    static final int MAX_EMPTY_LINES = 2;

    final HttpLimits limits;
    private static final byte[] NO_BYTES = new byte[0];

    /** Unread bytes are {@code buffer[start, end)}; no array at all between messages, so idle connections cost none. */
    private byte[] buffer = NO_BYTES;
    private int start;
    private int end;
    private State state = State.HEAD;
    private Headers headers;
    private long remaining;
    private byte[] body;
    private int bodyLength;
    private int trailerBytes;
    /**
     * How many bytes after {@code start} the current search (for the end of the head, of a chunk size line or of
     * a trailer line) has already examined; 0 whenever {@code start} moves on to a new line or head. Relative to
     * {@code start}, so it survives {@link #feed} moving the unread bytes to the front of the buffer.
     */
    private int scanned;
    /** While searching for the end of the head: where the current line starts, relative to {@code start}. */
    private int headLineStart;
    /** While searching for the end of the head: the lines ended so far (the start line, then fields). */
    private int headLines;
    /**
     * Empty lines dropped before the start line being searched for. They are the message's first bytes, so
     * {@link #inHead} counts them although they are no longer buffered: a header clock starts at the first.
     */
    private int emptyLines;
    /** Bytes examined by every search so far: lets tests prove that the search is linear, without timing it. */
    long scannedBytes;

    MessageParser(HttpLimits limits) {
        this.limits = limits;
    }

    /** Parses the start line (request line or status line), keeping what {@link #build} needs. */
    abstract void parseStartLine(String line) throws HttpException;

    /** Whether the message just parsed has no body whatever its fields say (a response to HEAD, 204, 304). */
    abstract boolean bodyForbidden();

    /** Whether a body without framing runs to the end of the connection (responses) rather than being empty. */
    abstract boolean bodyUntilClose();

    /** Checks the head just parsed, before its body is framed; the start line's parts are kept by then. */
    void checkHead(Headers headers) throws HttpException {
    }

    /** Whether the message just parsed is an interim one (1xx) to drop. */
    boolean interim() {
        return false;
    }

    /** The message, from the start line kept and {@code headers} and {@code body}. */
    abstract M build(Headers headers, byte[] body);

    /**
     * Adds the bytes that arrived. When nothing is buffered and {@code data} wraps a whole array, the parser keeps
     * that array instead of copying it: the caller hands it over and must not write to it again.
     */
    void feed(ByteBuffer data) {
        int n = data.remaining();
        if (start == end && data.hasArray() && data.arrayOffset() == 0 && data.position() == 0
                && n == data.array().length) {
            buffer = data.array();
            start = 0;
            end = n;
            data.position(n);
            return;
        }
        if (end + n > buffer.length) {
            int unread = end - start;
            byte[] target = unread + n <= buffer.length ? buffer
                    : new byte[Math.max(buffer.length * 2, unread + n)];
            System.arraycopy(buffer, start, target, 0, unread);
            buffer = target;
            start = 0;
            end = unread;
        }
        data.get(buffer, end, n);
        end += n;
    }

    /** Whether some bytes of a message's head have arrived (dropped empty lines do not count), but not all of it. */
    boolean inHead() {
        return state == State.HEAD && end > start;
    }

    /** Whether the head of the message under way has been parsed and its body is being read. */
    boolean inBody() {
        return state != State.HEAD;
    }

    /** Whether some bytes of a message that is not complete have arrived. */
    boolean inMessage() {
        return state != State.HEAD || inHead();
    }

    /**
     * The connection ended: returns a body that ran to the end, or null if no message was under way.
     *
     * @throws HttpException if a message was cut short
     */
    M finishAtEof() throws HttpException {
        if (state == State.UNTIL_CLOSE) {
            body = Arrays.copyOfRange(buffer, start, end);
            start = end;
            return finish();
        }
        if (inMessage()) {
            throw new HttpException(400, "the connection ended in the middle of a message");
        }
        return null;
    }

    /** The next complete message, or null if more bytes are needed. */
    M next() throws HttpException {
        while (true) {
            switch (state) {
                case HEAD -> {
                    if (!parseHead()) {
                        return null;
                    }
                    if (interim()) {
                        state = State.HEAD; // a 1xx answer: the real one follows
                        continue;
                    }
                    if (state == State.HEAD) {
                        return finish(); // no body
                    }
                }
                case UNTIL_CLOSE -> {
                    if (end - start > limits.maxBody()) {
                        throw new HttpException(413, "body over " + limits.maxBody() + " bytes");
                    }
                    return null; // the body ends with the connection: see finishAtEof
                }
                case FIXED_BODY -> {
                    if (end - start < remaining) {
                        return null;
                    }
                    body = Arrays.copyOfRange(buffer, start, start + (int) remaining);
                    bodyLength = body.length;
                    start += (int) remaining;
                    return finish();
                }
                case CHUNK_SIZE -> {
                    int lf = searchLf(Math.min(end, start + MAX_CHUNK_SIZE_LINE));
                    if (lf < 0) {
                        if (end - start >= MAX_CHUNK_SIZE_LINE) {
                            throw new HttpException(400, "chunk size line too long");
                        }
                        return null;
                    }
                    String line = line(start, lf);
                    start = lf + 1;
                    if (hasControl(line)) {
                        throw new HttpException(400, "control character in a chunk size line");
                    }
                    int semicolon = line.indexOf(';');
                    String hex = semicolon < 0 ? line : line.substring(0, semicolon);
                    if (semicolon >= 0) {
                        hex = trimOws(hex); // RFC 9112 allows whitespace before a chunk extension only
                    }
                    if (hex.isEmpty() || hex.length() > 15 || !hex.chars().allMatch(MessageParser::isHex)) {
                        throw new HttpException(400, "bad chunk size '" + hex + "'");
                    }
                    long size = Long.parseLong(hex, 16);
                    if (size == 0) {
                        state = State.TRAILERS;
                        trailerBytes = 0;
                    } else {
                        if (bodyLength + size > limits.maxBody()) {
                            throw new HttpException(413, "body over " + limits.maxBody() + " bytes");
                        }
                        remaining = size;
                        state = State.CHUNK_DATA;
                    }
                }
                case CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, end - start);
                    if (n == 0) {
                        return null;
                    }
                    if (bodyLength + n > body.length) {
                        body = Arrays.copyOf(body, Math.max(body.length * 2, bodyLength + n));
                    }
                    System.arraycopy(buffer, start, body, bodyLength, n);
                    bodyLength += n;
                    start += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.CHUNK_END;
                    }
                }
                case CHUNK_END -> {
                    // exactly CRLF (or a bare LF) must follow the chunk's data
                    if (end == start) {
                        return null;
                    }
                    int crlf = buffer[start] == '\n' ? 1 : buffer[start] == '\r' ? 2 : -1;
                    if (crlf == -1 || crlf == 2 && end > start + 1 && buffer[start + 1] != '\n') {
                        throw new HttpException(400, "chunk data not followed by CRLF");
                    }
                    if (end - start < crlf) {
                        return null;
                    }
                    start += crlf;
                    state = State.CHUNK_SIZE;
                }
                case TRAILERS -> {
                    int lf = searchLf(end);
                    if (lf < 0) {
                        if (trailerBytes + end - start > limits.maxHeadBytes()) {
                            throw new HttpException(431, "trailers over " + limits.maxHeadBytes() + " bytes");
                        }
                        return null;
                    }
                    trailerBytes += lf + 1 - start;
                    if (trailerBytes > limits.maxHeadBytes()) {
                        throw new HttpException(431, "trailers over " + limits.maxHeadBytes() + " bytes");
                    }
                    boolean last = line(start, lf).isEmpty();
                    start = lf + 1;
                    if (last) {
                        body = Arrays.copyOf(body, bodyLength);
                        return finish();
                    }
                }
            }
        }
    }

    /** Parses the request line and the header fields if they have all arrived; false if not yet. */
    private boolean parseHead() throws HttpException {
        // Find the end of the head (an empty line) within the limits, before keeping anything. The search resumes
        // where the last one stopped. A line is only judged (empty or not) at its LF, by looking back at its first
        // byte; the line's bytes are all still buffered then, so a CRLF split across reads needs no special case.
        int from = start + scanned;
        int lineStart = start + headLineStart;
        int scanEnd = Math.min(end, start + limits.maxHeadBytes());
        int headEnd = -1;
        int i = from;
        for (; i < scanEnd; i++) {
            if (buffer[i] != '\n') {
                continue;
            }
            if (headLines == 0 && i - start > limits.maxRequestLine()) {
                throw new HttpException(414, "request line over " + limits.maxRequestLine() + " bytes");
            }
            boolean empty = i == lineStart || i == lineStart + 1 && buffer[lineStart] == '\r';
            if (empty && headLines == 0) {
                // Dropped, so the head's limit counts from the start line on; but only a few (MAX_EMPTY_LINES).
                if (++emptyLines > MAX_EMPTY_LINES) {
                    throw new HttpException(400, "more than " + MAX_EMPTY_LINES + " empty lines before a start line");
                }
                start = lineStart = i + 1;
                scanEnd = Math.min(end, start + limits.maxHeadBytes());
                continue;
            }
            if (empty) {
                headEnd = i + 1;
                break;
            }
            if (++headLines > limits.maxHeaders() + 1) {
                throw new HttpException(431, "more than " + limits.maxHeaders() + " header fields");
            }
            lineStart = i + 1;
        }
        scannedBytes += (headEnd < 0 ? i : headEnd) - from;
        if (headEnd < 0) {
            scanned = i - start;
            headLineStart = lineStart - start;
            if (headLines == 0 && end - start > limits.maxRequestLine()) {
                throw new HttpException(414, "request line over " + limits.maxRequestLine() + " bytes");
            }
            if (end - start >= limits.maxHeadBytes()) {
                throw new HttpException(431, "request head over " + limits.maxHeadBytes() + " bytes");
            }
            return false;
        }
        scanned = 0;
        headLineStart = 0;
        headLines = 0;
        emptyLines = 0;
        int lf = indexOfLf(start, headEnd);
        parseStartLine(line(start, lf));
        headers = new Headers();
        int at = lf + 1;
        while (at < headEnd) {
            int next = indexOfLf(at, headEnd);
            String field = line(at, next);
            at = next + 1;
            if (field.isEmpty()) {
                break;
            }
            parseField(field);
        }
        start = headEnd;
        checkHead(headers);
        frameBody();
        return true;
    }

    private void parseField(String field) throws HttpException {
        if (field.charAt(0) == ' ' || field.charAt(0) == '\t') {
            throw new HttpException(400, "obsolete line folding in a header field");
        }
        int colon = field.indexOf(':');
        if (colon <= 0 || !isToken(field.substring(0, colon))) {
            throw new HttpException(400, "malformed header field");
        }
        String value = trimOws(field.substring(colon + 1));
        if (hasControl(value)) {
            throw new HttpException(400, "control character in header field " + field.substring(0, colon));
        }
        headers.add(field.substring(0, colon), value);
    }

    /** Decides how the body is framed; sets the state that reads it. */
    private void frameBody() throws HttpException {
        body = new byte[0];
        bodyLength = 0;
        if (bodyForbidden()) {
            state = State.HEAD;
            return;
        }
        String te = headers.get("Transfer-Encoding");
        java.util.List<String> lengths = headers.all("Content-Length");
        if (te != null) {
            if (!lengths.isEmpty()) {
                throw new HttpException(400, "both Transfer-Encoding and Content-Length");
            }
            java.util.List<String> codings = listElements(headers.all("Transfer-Encoding"));
            if (codings.isEmpty() || !codings.getLast().equalsIgnoreCase("chunked")) {
                throw new HttpException(400, "Transfer-Encoding must end in chunked");
            }
            if (codings.stream().filter(c -> c.equalsIgnoreCase("chunked")).count() > 1) {
                throw new HttpException(400, "chunked more than once in Transfer-Encoding"); // RFC 9112 6.1
            }
            body = new byte[256];
            state = State.CHUNK_SIZE;
            return;
        }
        if (!lengths.isEmpty()) {
            long length = -1;
            for (String value : String.join(",", lengths).split(",", -1)) {
                String v = trimOws(value);
                if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    throw new HttpException(400, "bad Content-Length '" + v + "'");
                }
                long parsed = Long.parseLong(v);
                if (length >= 0 && parsed != length) {
                    throw new HttpException(400, "conflicting Content-Length values");
                }
                length = parsed;
            }
            if (length > limits.maxBody()) {
                throw new HttpException(413, "body of " + length + " bytes, over " + limits.maxBody());
            }
            if (length > 0) {
                remaining = length;
                state = State.FIXED_BODY;
                return;
            }
        }
        // no framing: an empty body for a request, the rest of the connection for a response
        state = bodyUntilClose() && lengths.isEmpty() ? State.UNTIL_CLOSE : State.HEAD;
    }

    private M finish() {
        M message = build(headers, body);
        state = State.HEAD;
        headers = null;
        body = null;
        if (start == end) {
            buffer = NO_BYTES; // let go between messages
            start = end = 0;
        }
        return message;
    }

    /**
     * The LF that ends the line at {@code start}, looking no further than {@code limit}, or -1 if it has not
     * arrived. Resumes where the last search for this line stopped.
     */
    private int searchLf(int limit) {
        int from = start + scanned;
        int lf = indexOfLf(from, limit);
        int to = lf < 0 ? Math.max(from, limit) : lf + 1;
        scannedBytes += to - from;
        scanned = lf < 0 ? to - start : 0; // a found line is consumed at once: the next search starts afresh
        return lf;
    }

    private int indexOfLf(int from, int to) {
        for (int i = from; i < to; i++) {
            if (buffer[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** The line from {@code from} to the LF at {@code lf}, without its CR. */
    private String line(int from, int lf) {
        int to = lf > from && buffer[lf - 1] == '\r' ? lf - 1 : lf;
        return new String(buffer, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /** The elements of a comma-separated list field's values, without OWS; empty ones dropped (RFC 9110 5.6.1). */
    static java.util.List<String> listElements(java.util.List<String> values) {
        java.util.List<String> elements = new java.util.ArrayList<>();
        for (String value : values) {
            for (String element : value.split(",")) {
                String e = trimOws(element);
                if (!e.isEmpty()) {
                    elements.add(e);
                }
            }
        }
        return elements;
    }

    /**
     * {@code s} without the SP and HTAB at its ends: the only optional whitespace (RFC 9110 5.6.3). Not
     * {@link String#strip}, which also takes 0x0B, 0x0C and 0x1C-0x1F off and so let a Content-Length or
     * Transfer-Encoding carrying them pass as clean.
     */
    static String trimOws(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && isOws(s.charAt(from))) {
            from++;
        }
        while (to > from && isOws(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(from, to);
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    /** Whether {@code s} holds a control byte other than HTAB (0x00-0x1F, 0x7F). */
    static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 32 && c != '\t' || c == 127) {
                return true;
            }
        }
        return false;
    }

    static boolean isHex(int c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
