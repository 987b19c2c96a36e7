package dev.simul.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code simul} command line. Errors in the user's input print one line on stderr and exit with 2; other
 * failures print one line and exit with 1; neither prints a stack trace unless SIMUL_DEBUG is set.
 *
 * <p>Start-up matters for a command line: picocli builds a command's model from its annotations when the command is
 * added, which loads the command's class and what its fields name. So only the subcommand the arguments name is
 * added ({@link #commandLine(String...)}); help, an unknown command or no command get them all.
 */
@Command(name = "simul", mixinStandardHelpOptions = true, versionProvider = Simul.Version.class,
        description = "Concurrency and parallelism on the JVM: one task API over every execution model, and a lab"
                + " that measures which model wins for which workload.")
public final class Simul implements Callable<Integer> {

    /** What --version prints: the version Maven built, as the lab's JSON context records it. */
    static final String VERSION = "simul " + java.util.Objects.requireNonNullElse(
            dev.simul.lab.Version.built(), "(version unknown)");

    /** Gives picocli {@link #VERSION}, which is known only at run time. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {VERSION};
        }
    }

    /** Exit code for bad input. */
    static final int USAGE = 2;

    /** The subcommands, in the order help lists them. */
    static final List<String> COMMANDS = List.of("lab", "info", "demo", "serve", "fetch", "member", "help");

    /** The loop's debugging warnings (a slow callback, the coroutine fallback) are for developers: see --verbose. */
    static final String LOOP_LOGGER = "dev.simul.loop";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "also show the event loop's debugging warnings (slow callbacks and the like) and"
                    + " Hazelcast's own log")
    boolean verbose;

    @Override
    public Integer call() {
        throw Options.usage(spec, "name a command: " + String.join(", ", COMMANDS));
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        Integer status = quick(args, out, new PrintWriter(System.err, true));
        System.exit(status != null ? status : execute(args));
    }

    /**
     * Answers the argument vectors that need no parsing ({@code --version}, {@code -V}, {@code info} and
     * {@code info --json}, exactly) without picocli, and returns their exit status; null for any other, which
     * picocli parses. Loading picocli costs some 150 ms, half of a short command's time: its classes are Java 5
     * class files, which the JDK verifies the slow way and its AOT cache cannot hold. The tests check that both
     * ways print the same.
     */
    static Integer quick(String[] args, PrintWriter out, PrintWriter err) {
        List<String> vector = List.of(args);
        if (vector.equals(List.of("--version")) || vector.equals(List.of("-V"))) {
            out.println(VERSION);
            out.flush();
            return 0;
        }
        if (vector.equals(List.of("info")) || vector.equals(List.of("info", "--json"))) {
            try {
                InfoCommand.print(out, vector.size() == 2);
                return 0;
            } catch (Exception e) {
                err.println("simul info: error: " + message(e)); // as the execution exception handler says it
                err.flush();
                return 1;
            }
        }
        return null;
    }

    /** Runs the command line and returns its exit status (tests call this). */
    public static int execute(String... args) {
        return commandLine(args).execute(args);
    }

    /** The command line with every subcommand, as help shows it. */
    static CommandLine commandLine() {
        return commandLine("help");
    }

    /** The command line for these arguments: with the one subcommand they name, or with all of them. */
    static CommandLine commandLine(String... args) {
        CommandLine cli = new CommandLine(new Simul());
        String named = null;
        int i = 0;
        while (i < args.length && args[i].equals("--verbose")) {
            i++;
        }
        if (i < args.length) {
            named = args[i];
        }
        boolean versionOnly = i == args.length - 1 && (named.equals("--version") || named.equals("-V"));
        if (named != null && COMMANDS.contains(named) && !named.equals("help")) {
            add(cli, named);
        } else if (!versionOnly) {
            COMMANDS.forEach(name -> add(cli, name));
        }
        cli.setParameterExceptionHandler((e, ignored) -> {
            CommandLine cmd = e.getCommandLine();
            PrintWriter err = cmd.getErr();
            err.println(cmd.getCommandSpec().qualifiedName() + ": " + e.getMessage()
                    + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return USAGE;
        });
        cli.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            boolean usage = e instanceof IllegalArgumentException;
            err.println(cmd.getCommandSpec().qualifiedName() + ": " + (usage ? "" : "error: ") + message(e));
            if (System.getenv("SIMUL_DEBUG") != null) {
                e.printStackTrace(err);
            }
            err.flush();
            return usage ? USAGE : 1;
        });
        cli.setExecutionStrategy(Simul::run);
        return cli;
    }

    /**
     * Runs the parsed command, with the loop's WARNINGs (a callback that ran over 100 ms, the coroutine fallback)
     * kept off the user's terminal unless --verbose: they are for whoever debugs the loop, and would land in the
     * middle of a progress bar. Its SEVEREs (a failure nobody retrieved) still show. The core's defaults stay as
     * they are for library users, and are back once the command returns (tests run many in one JVM).
     */
    private static int run(CommandLine.ParseResult parseResult) {
        if (parseResult.isVersionHelpRequested() || parseResult.isUsageHelpRequested()) {
            return new CommandLine.RunLast().execute(parseResult); // no logging to set up for what prints text
        }
        Logger loop = Logger.getLogger(LOOP_LOGGER); // held until the command returns: loggers are kept weakly
        Level before = loop.getLevel();
        if (!verbose(parseResult)) {
            loop.setLevel(Level.SEVERE);
        }
        try {
            return new CommandLine.RunLast().execute(parseResult);
        } finally {
            loop.setLevel(before);
        }
    }

    private static void add(CommandLine cli, String name) {
        switch (name) {
            case "lab" -> {
                cli.addSubcommand(new LabCommand());
                LabCommand.addFooter(cli.getSubcommands().get("lab"));
            }
            case "info" -> cli.addSubcommand(new InfoCommand());
            case "demo" -> cli.addSubcommand(new DemoCommand());
            case "serve" -> cli.addSubcommand(new ServeCommand());
            case "fetch" -> cli.addSubcommand(new FetchCommand());
            case "member" -> cli.addSubcommand(new MemberCommand());
            case "help" -> cli.addSubcommand(new CommandLine.HelpCommand());
            default -> throw new IllegalArgumentException(name);
        }
    }

    /** Whether --verbose was given, before the subcommand or after it. */
    private static boolean verbose(CommandLine.ParseResult parseResult) {
        for (CommandLine.ParseResult r = parseResult; r != null; r = r.subcommand()) {
            if (r.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** The message of the exception that says what went wrong, below the wrappers that only carry it. */
    private static String message(Throwable e) {
        Throwable root = e;
        while (root instanceof java.util.concurrent.ExecutionException && root.getCause() != null) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return m == null || m.isBlank() ? root.getClass().getSimpleName() : m;
    }
}
