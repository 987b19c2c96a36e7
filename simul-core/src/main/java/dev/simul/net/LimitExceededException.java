package dev.simul.net;

import java.io.IOException;

/** Input went past a size limit: a line, a header or a body longer than allowed. */
public class LimitExceededException extends IOException {

    /** With a message saying which limit. */
    public LimitExceededException(String message) {
        super(message);
    }
}
