package dev.simul.cli;

import dev.simul.lab.machine.Machine;
import dev.simul.lab.report.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code simul info}: the machine, as seed 001 reads it with lscpu. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Shows the machine as seed 001 explains it: sockets, cores per socket, hardware threads per"
                + " core, logical CPUs, memory, OS and JVM.")
final class InfoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    @Override
    public Integer call() throws Exception {
        print(spec.commandLine().getOut(), json);
        return 0;
    }

    /** Prints the machine, as text or as JSON ({@link Simul#main} calls this directly for a plain {@code info}). */
    static void print(PrintWriter out, boolean json) throws Exception {
        Machine machine = Machine.current();
        if (json) {
            out.println(Json.mapper().writeValueAsString(machine));
        } else {
            machine.describe().forEach(out::println);
            Integer cores = machine.cores();
            if (cores != null) {
                out.printf("%nAt one instant each core runs one hardware thread's instructions: up to %d tasks run in"
                        + " parallel here (%d cores x %d thread%s per core).%n", machine.logicalCpus(), cores,
                        machine.threadsPerCore(), machine.threadsPerCore() == 1 ? "" : "s");
            }
        }
        out.flush();
    }
}
