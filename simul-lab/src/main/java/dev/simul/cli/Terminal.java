package dev.simul.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Whether simul's standard output and standard error are terminals, and whether its output may use colour. Escape
 * codes and a progress line rewritten in place are for a person at a terminal; a file, a pipe or a CI log gets plain
 * lines.
 *
 * <p>Each stream is asked for itself: {@link Console#isTerminal()} speaks for standard input and output together,
 * so it cannot tell {@code simul lab 2> log} (stderr a file) from a terminal. On Linux the link
 * {@code /proc/self/fd/N} names the stream's device ({@code /dev/pts/3}, or {@code pipe:[...]}, or a file); elsewhere
 * the console's answer stands for both streams.
 */
final class Terminal {

    /** The standard output stream's file descriptor. */
    static final int STDOUT = 1;
    /** The standard error stream's file descriptor. */
    static final int STDERR = 2;

    private Terminal() {
    }

    /** Whether standard output is a terminal. */
    static boolean stdout() {
        return isTerminal(STDOUT);
    }

    /** Whether standard error is a terminal. */
    static boolean stderr() {
        return isTerminal(STDERR);
    }

    /**
     * Whether output to a stream may use colour and bold: only on a {@code terminal}, not when {@code NO_COLOR} is
     * set to anything but the empty string (no-color.org), and not on a terminal that says it has no escape codes
     * ({@code TERM=dumb}).
     */
    static boolean colour(boolean terminal, Map<String, String> environment) {
        String noColour = environment.get("NO_COLOR");
        return terminal && (noColour == null || noColour.isEmpty()) && !"dumb".equals(environment.get("TERM"));
    }

    private static boolean isTerminal(int fd) {
        try {
            String device = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return device.startsWith("/dev/pts/") || device.startsWith("/dev/tty") || device.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            Console console = System.console(); // no /proc: not Linux
            return console != null && console.isTerminal();
        }
    }
}
