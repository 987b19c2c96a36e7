package dev.simul.cli;

import java.io.PrintWriter;
import java.io.Writer;
import picocli.CommandLine;

/**
 * The run the {@code simul} launcher records its AOT cache from (JDK 25, JEP 514): what start-up loads and links
 * for every command, with no side effect, so that a cache recorded once serves them all. The user's own command is
 * never the recording (it would run twice, and the JVM prints its report on the cache onto stdout).
 */
public final class Training {

    private Training() {
    }

    /** The argument vectors run, their output discarded: help builds every command's model. */
    static final String[][] RUNS = {
            {"--version"}, {"info"}, {"info", "--json"}, {"--help"}, {"lab", "--help"}, {"demo", "--help"},
            {"demo", "countdown", "--help"}, {"demo", "simul", "--help"}, {"serve", "--help"}, {"fetch", "--help"},
            {}, {"lab", "--workers", "0"},
    };

    /** Runs {@link #RUNS}; exits 0 whatever they return. */
    public static void main(String[] args) {
        PrintWriter none = new PrintWriter(Writer.nullWriter());
        for (String[] run : RUNS) {
            CommandLine cli = Simul.commandLine(run);
            cli.setOut(none);
            cli.setErr(none);
            cli.execute(run);
        }
    }
}
