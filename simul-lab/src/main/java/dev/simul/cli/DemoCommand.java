package dev.simul.cli;

import dev.simul.runner.SequentialMode;
import dev.simul.loop.LoopRunner;
import dev.simul.lab.demo.Exhibition;
import dev.simul.lab.experiment.Experiment;
import dev.simul.lab.machine.Machine;
import dev.simul.lab.race.RaceExperiment;
import dev.simul.lab.workload.Countdown;
import dev.simul.runner.Runner;
import dev.simul.runner.Runners;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code simul demo}: the seeds' small demonstrations, one mode at a time. */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "The seeds' demonstrations.",
        subcommands = {DemoCommand.CountdownDemo.class, DemoCommand.SimulDemo.class, DemoCommand.RaceDemo.class})
final class DemoCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw Options.usage(spec, "name a demo: countdown, simul, race");
    }

    /** Seed 000: countdown(5) and countup(5), showing the interleaving a mode produces. */
    @Command(name = "countdown", mixinStandardHelpOptions = true,
            description = "Seed 000: countdown(5) and countup(5) with 0.25 s sleeps, printed as they run, showing"
                    + " the interleaving the mode produces.")
    static final class CountdownDemo implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--mode", paramLabel = "M", defaultValue = SequentialMode.NAME,
                description = "a mode: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})",
                completionCandidates = LabCommand.Modes.class)
        String mode;

        @Option(names = "--workers", paramLabel = "N", description = "workers (default: the mode's default; at most 10,000, and 4 per processor for"
                        + " processes)")
        Integer workers;

        @Option(names = "--scale", paramLabel = "F", defaultValue = "1",
                description = "duration factor (default: ${DEFAULT-VALUE}: 0.25 s per step)")
        double scale;

        @Override
        public Integer call() throws Exception {
            Options.checkNames(spec, "mode", List.of(mode), Runners.modes());
            Options.checkWorkers(spec, "--workers", workers, List.of(mode));
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

    /** Seed 004: Judit Polgar's chess exhibition, played synchronously and on the event loop. */
    @Command(name = "simul", mixinStandardHelpOptions = true,
            description = "Seed 004's chess exhibition: 24 boards, 5 s per master move, 55 s per opponent move, 30"
                    + " move pairs; played one board at a time and on the event loop, time-scaled.")
    static final class SimulDemo implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--scale", paramLabel = "F", defaultValue = "0.0001",
                description = "time factor (default: ${DEFAULT-VALUE}: the 12 h exhibition takes about 4 s)")
        double scale;

        @Override
        public Integer call() throws Exception {
            if (!(scale > 0) || scale > 1) {
                throw Options.usage(spec, "--scale must be above 0 and at most 1, got " + scale);
            }
            Exhibition game = Exhibition.SEED;
            PrintWriter out = spec.commandLine().getOut();
            out.printf("Seed 004's simul: Judit Polgar plays %d opponents, %d move pairs each; her move takes %d s,"
                    + " theirs %d s.%nTime-scaled by %s: 1 h of the exhibition takes %.2f s here.%n", game.boards(),
                    game.movePairs(), game.masterMove().toSeconds(), game.opponentMove().toSeconds(),
                    java.math.BigDecimal.valueOf(scale).stripTrailingZeros().toPlainString(), 3600 * scale);
            out.flush();
            Duration sync;
            try (Runner runner = Runners.sequential()) {
                sync = game.play(runner, scale);
            }
            report(out, "synchronous, one board at a time:      ", sync, game.synchronousLength());
            Duration loop;
            try (Runner runner = new LoopRunner()) {
                loop = game.play(runner, scale);
            }
            report(out, "on the loop, moving from board to board:", loop, game.concurrentLength());
            double expected = (double) game.synchronousLength().toNanos() / game.concurrentLength().toNanos();
            out.printf("The loop finished %.1fx sooner (expected %.0fx): Judit's own moves cannot overlap, but the"
                    + " opponents' thinking does, on one thread.%n", (double) sync.toNanos() / loop.toNanos(),
                    expected);
            out.flush();
            return 0;
        }

        private void report(PrintWriter out, String label, Duration measured, Duration expected) {
            out.printf("%s %.2f s measured = %.2f h at scale 1 (expected %.1f h)%n", label,
                    measured.toNanos() / 1e9, measured.toNanos() / 1e9 / scale / 3600, expected.toSeconds() / 3600.0);
            out.flush();
        }
    }

    /** Seeds 002 and 004: a shared counter, guarded or not, in threads, on the loop and in worker JVMs. */
    @Command(name = "race", mixinStandardHelpOptions = true,
            description = "Seeds 002 and 004: threads, coroutines and worker JVMs increment one counter, guarded"
                    + " and not; prints the updates lost, as the lab's race experiment does.")
    static final class RaceDemo implements Callable<Integer> {

        /** The most threads: each is a platform thread doing its share of the increments, one after another. */
        static final int MAX_THREADS = 1_000;

        @Spec
        CommandSpec spec;

        @Option(names = "--threads", paramLabel = "N",
                description = "threads, coroutines and tasks (default: one per processor, at least 4; 2 to 1,000)")
        Integer threads;

        @Option(names = "--scale", paramLabel = "F", defaultValue = "0.3",
                description = "size factor (default: ${DEFAULT-VALUE}, as simul lab: 600,000 increments per thread)")
        double scale;

        @Override
        public Integer call() throws Exception {
            Options.checkScale(spec, scale);
            if (threads != null && (threads < 2 || threads > MAX_THREADS)) {
                throw Options.usage(spec, "--threads must be 2 to 1,000, got " + threads);
            }
            RaceExperiment race = threads == null ? new RaceExperiment() : new RaceExperiment(threads);
            String report;
            try (ProgressLine progress = new ProgressLine(spec.commandLine().getErr())) {
                report = race.run(new Experiment.Context(scale, Machine.current(),
                        step -> progress.step(race.name(), step))).render(); // on a terminal only, and cleared
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print(report);
            out.flush();
            return 0;
        }
    }
}
