package dev.simul.cli;

import java.io.PrintWriter;
import java.io.Writer;
import picocli.CommandLine;

/**
 * The runs the {@code simul} launcher records its AOT caches from (JDK 25, JEP 514): what start-up loads and links,
 * with no side effect. The user's own command is never the recording (it would run twice, and the JVM prints its
 * report on the cache onto stdout). Two caches, because a JVM maps and links every class its cache holds as it
 * starts: {@code quick} holds what {@link Simul#quick} needs ({@code --version}, {@code info}), and maps in a
 * fraction of the time of {@code full}, which holds every command's start-up through picocli.
 */
public final class Training {

    private Training() {
    }

    /** The argument vectors of the quick cache, answered without picocli. */
    static final String[][] QUICK = {{"--version"}, {"info"}};

    /** The argument vectors of the full cache, their output discarded: help builds every command's model. */
    static final String[][] FULL = {
            {"--version"}, {"info"}, {"info", "--json"}, {"--help"}, {"lab", "--help"}, {"demo", "--help"},
            {"demo", "countdown", "--help"}, {"demo", "simul", "--help"}, {"serve", "--help"}, {"fetch", "--help"},
            {}, {"lab", "--workers", "0"},
    };

    /** Runs {@link #QUICK} if the argument is {@code quick}, else {@link #FULL}; exits 0 whatever they return. */
    public static void main(String[] args) {
        PrintWriter none = new PrintWriter(Writer.nullWriter());
        if (args.length > 0 && args[0].equals("quick")) {
            for (String[] run : QUICK) {
                Simul.quick(run, none, none);
            }
            return;
        }
        for (String[] run : FULL) {
            CommandLine cli = Simul.commandLine(run);
            cli.setOut(none);
            cli.setErr(none);
            cli.execute(run);
        }
    }
}
