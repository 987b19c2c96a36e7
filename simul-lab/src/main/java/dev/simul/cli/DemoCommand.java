package dev.simul.cli;

import dev.simul.lab.workload.Countdown;
import dev.simul.runner.Runner;
import dev.simul.runner.Runners;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code simul demo}: the seeds' small demonstrations, one mode at a time. */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "The seeds' demonstrations.",
        subcommands = DemoCommand.CountdownDemo.class)
final class DemoCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw Options.usage(spec, "name a demo: countdown");
    }

    /** Seed 000: countdown(5) and countup(5), showing the interleaving a mode produces. */
    @Command(name = "countdown", mixinStandardHelpOptions = true,
            description = "Seed 000: countdown(5) and countup(5) with 0.25 s sleeps, printed as they run, showing"
                    + " the interleaving the mode produces.")
    static final class CountdownDemo implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--mode", paramLabel = "M", defaultValue = Runners.SEQUENTIAL,
                description = "sequential, threads or virtual (default: ${DEFAULT-VALUE})")
        String mode;

        @Option(names = "--workers", paramLabel = "N", description = "workers (default: the mode's default)")
        Integer workers;

        @Option(names = "--scale", paramLabel = "F", defaultValue = "1",
                description = "duration factor (default: ${DEFAULT-VALUE}: 0.25 s per step)")
        double scale;

        @Override
        public Integer call() throws Exception {
            Options.checkNames(spec, "mode", List.of(mode), Runners.modes());
            Options.checkPositive(spec, "--workers", workers);
            Options.checkScale(spec, scale);
            PrintWriter out = spec.commandLine().getOut();
            try (Runner runner = workers == null ? Runners.of(mode) : Runners.of(mode, workers)) {
                out.printf("countdown(5) and countup(5) on the %s%n", runner);
                out.flush();
                long start = System.nanoTime();
                List<Countdown.Step> steps = Countdown.play(runner, scale, true);
                double total = (System.nanoTime() - start) / 1e9;
                int switches = Countdown.switches(steps);
                out.printf("total %.2f s: %s%n", total, switches <= 1
                        ? "one after the other: each call blocked its thread until it finished"
                        : "interleaved (" + switches + " switches between the two): while one sleeps, the other"
                                + " runs");
            }
            out.flush();
            return 0;
        }
    }
}
