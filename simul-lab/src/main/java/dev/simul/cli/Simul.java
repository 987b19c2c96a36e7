package dev.simul.cli;

import dev.simul.lab.workload.Workloads;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code simul} command line. Errors in the user's input print one line on stderr and exit with 2; other
 * failures print one line and exit with 1; neither prints a stack trace unless SIMUL_DEBUG is set.
 */
@Command(name = "simul", mixinStandardHelpOptions = true, version = "simul 0.1.0",
        description = "Concurrency and parallelism on the JVM: one task API over every execution model, and a lab"
                + " that measures which model wins for which workload.",
        subcommands = {LabCommand.class, InfoCommand.class, DemoCommand.class, ServeCommand.class, FetchCommand.class,
                CommandLine.HelpCommand.class})
public final class Simul implements Runnable {

    /** Exit code for bad input. */
    static final int USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit status (tests call this). */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Simul());
        List<String> workloads = new ArrayList<>();
        workloads.add("%nWorkloads (sizes and durations are the seeds' times --scale):");
        for (String name : Workloads.names()) {
            workloads.add("  %-10s %s".formatted(name, Workloads.of(name).description()));
        }
        cli.getSubcommands().get("lab").getCommandSpec().usageMessage().footer(workloads.toArray(String[]::new));
        cli.setParameterExceptionHandler((e, args) -> {
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
        return cli;
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
