package dev.simul.testing;

import java.text.MessageFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what a class logs (through System.Logger, backed by java.util.logging) instead of printing it, so a
 * test can assert that a warning was logged and keep the build output clean.
 */
public final class LogCapture extends Handler implements AutoCloseable {

    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private LogCapture(Class<?> source) {
        logger = Logger.getLogger(source.getName());
        logger.addHandler(this);
        logger.setUseParentHandlers(false);
    }

    /** Starts capturing what {@code source} logs, until closed. */
    public static LogCapture of(Class<?> source) {
        return new LogCapture(source);
    }

    /** The records captured so far. */
    public List<LogRecord> records() {
        return records;
    }

    /** The captured messages, with their parameters filled in. */
    public List<String> messages() {
        return records.stream().map(r -> r.getParameters() == null ? r.getMessage()
                : MessageFormat.format(r.getMessage(), r.getParameters())).toList();
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setUseParentHandlers(true);
    }
}
