package dev.simul.http;

/**
 * What one HTTP request may hold; a request past a limit is refused (414, 431 or 413) as soon as it passes it.
 *
 * @param maxRequestLine bytes in the request line
 * @param maxHeadBytes   bytes in the request line and header fields together
 * @param maxHeaders     header fields
 * @param maxBody        bytes in the body, after de-chunking
 */
public record HttpLimits(int maxRequestLine, int maxHeadBytes, int maxHeaders, long maxBody) {

    /** Defaults close to common servers': 8 KiB request line, 16 KiB head, 100 fields, 10 MiB body. */
    public static final HttpLimits DEFAULT = new HttpLimits(8 * 1024, 16 * 1024, 100, 10L * 1024 * 1024);

    public HttpLimits {
        if (maxRequestLine < 16 || maxHeadBytes < maxRequestLine || maxHeaders < 0 || maxBody < 0) {
            throw new IllegalArgumentException("unreasonable limits: " + this);
        }
    }
}
