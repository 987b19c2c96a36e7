package dev.simul.cli;

import dev.simul.cluster.ClusterMember;
import dev.simul.cluster.ClusterMode;
import dev.simul.cluster.ClusterRunner;
import dev.simul.lab.Experiments;
import dev.simul.lab.experiment.Cell;
import dev.simul.lab.experiment.Experiment;
import dev.simul.lab.experiment.Finding;
import dev.simul.lab.experiment.ClusterSource;
import dev.simul.lab.experiment.RunnerSource;
import dev.simul.lab.experiment.Lab;
import dev.simul.lab.experiment.LabConfig;
import dev.simul.lab.machine.Machine;
import dev.simul.lab.report.CsvFormat;
import dev.simul.lab.report.JsonFormat;
import dev.simul.lab.report.LabReport;
import dev.simul.lab.report.MarkdownFormat;
import dev.simul.lab.report.ReportFormat;
import dev.simul.lab.report.RunContext;
import dev.simul.lab.report.TextFormat;
import dev.simul.lab.report.Verdict;
import dev.simul.lab.report.html.HtmlFormat;
import dev.simul.lab.workload.Downloads;
import dev.simul.lab.workload.Workload;
import dev.simul.lab.workload.Workloads;
import dev.simul.runner.Runners;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code simul lab}: runs the seeds' experiments in every mode and prints which model wins, and why. */
@Command(name = "lab", mixinStandardHelpOptions = true, subcommands = CompareCommand.class,
        description = {"Runs the experiments: the matrix (every (workload, mode) cell after a warm-up: median wall"
                + " time and speedup against sequential, then a verdict per workload computed from the numbers,"
                + " CPU time included), and those that measure one of the seeds' claims each, with verdicts from the"
                + " numbers.",
                "",
                "The report fits 100 columns: a row per workload and a column per mode (more modes than fit go to"
                + " a second table), a verdict per workload in three lines and, once, the notes they share;"
                + " --explain gives each verdict in full. Colour and a progress line only on a terminal; NO_COLOR"
                + " set to any non-empty value turns colour off. Without a terminal, stderr gets a line per measured cell."})
final class LabCommand implements Callable<Integer> {

    /** Member JVMs the cluster mode's cell starts when no cluster is given and --workers says nothing. */
    static final int DEFAULT_LOCAL_MEMBERS = 2;

    @Spec
    CommandSpec spec;

    @Option(names = "--experiments", split = ",", paramLabel = "E[,E...]",
            description = "experiments to run (default: ${DEFAULT-VALUE}; all: ${COMPLETION-CANDIDATES}; see below)",
            completionCandidates = ExperimentNames.class)
    List<String> experiments = Experiments.defaults();

    @Option(names = "--workloads", split = ",", paramLabel = "W[,W...]",
            description = "workloads to run (default: all)")
    List<String> workloads = Workloads.names();

    @Option(names = "--modes", split = ",", paramLabel = "M[,M...]",
            description = "modes to run (default: all: ${COMPLETION-CANDIDATES})", completionCandidates = Modes.class)
    List<String> modes = Runners.modes();

    @Option(names = "--workers", paramLabel = "N",
            description = "workers for threads (default: one per processor), processes (default: one per"
                    + " processor), the cluster's local members (default: 2) and the virtual-thread limit (default:"
                    + " none); at most 10,000, and 4 per processor for processes and local members")
    Integer workers;

    @Option(names = "--repeat", paramLabel = "K", defaultValue = "3",
            description = "measured runs per cell, after the warm-up (default: ${DEFAULT-VALUE})")
    int repeat;

    @Option(names = "--warmup", paramLabel = "S", defaultValue = "" + LabConfig.DEFAULT_WARMUP_S,
            description = "unmeasured runs per cell first: at least one and S seconds, then while the JIT is"
                    + " still compiling, up to 3 x S (default: ${DEFAULT-VALUE})")
    double warmup;

    @Option(names = "--scale", paramLabel = "F", defaultValue = "" + LabConfig.DEFAULT_SCALE,
            description = "size and duration factor; 1 = the seeds' sizes (default: ${DEFAULT-VALUE})")
    double scale;

    @Option(names = "--image-server", paramLabel = "URL",
            description = "the download workload downloads from this running 'simul serve' (e.g."
                    + " http://10.0.0.5:8000) instead of a server of its own in the lab's JVM")
    String imageServer;

    @Option(names = "--cluster", paramLabel = "HOST:PORT[,...]",
            description = "the cluster mode runs on this running cluster ('simul member') instead of on member JVMs"
                    + " the lab starts (--workers of them, default 2, one worker each); SIMUL_CLUSTER says the same")
    String cluster;

    @Option(names = "--cluster-name", paramLabel = "NAME", defaultValue = "simul",
            description = "the name of the cluster --cluster joins (default: ${DEFAULT-VALUE})")
    String clusterName;

    @Option(names = "--explain",
            description = "give each verdict's reasoning in full (what every mode's cell shows, the notes repeated"
                    + " per workload) instead of three lines, and each cell's CPU time as cores busy")
    boolean explain;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON")
    Path json;

    @Option(names = "--csv", paramLabel = "FILE", description = "also write every measured run as CSV")
    Path csv;

    @Option(names = "--markdown", paramLabel = "FILE",
            description = "also write the matrix and its verdicts as Markdown, for pasting into docs")
    Path markdown;

    @Option(names = "--html", paramLabel = "FILE",
            description = "also write the report as one self-contained HTML page: the machine, a chart per workload"
                    + " (wall time per mode, the spread of the runs, the speedup), the cores busy, the verdicts and a"
                    + " section with charts per experiment; it opens offline, on a phone and in print")
    Path html;

    /** Lists the experiments and workloads below the help of {@code lab}: they are known once their classes load. */
    static void addFooter(CommandLine lab) {
        List<String> lines = new ArrayList<>();
        lines.add("%nExperiments:");
        for (String name : Experiments.names()) {
            lines.add("  %-10s %s".formatted(name, Experiments.description(name)));
        }
        lines.add("%nWorkloads of the matrix (sizes and durations are the seeds' times --scale):");
        for (String name : Workloads.names()) {
            lines.add("  %-10s %s".formatted(name, Workloads.of(name).description()));
        }
        lab.getCommandSpec().usageMessage().footer(lines.toArray(String[]::new));
    }

    /** The experiment names, for picocli's help. */
    static final class ExperimentNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Experiments.names().iterator();
        }
    }

    /** The mode names, for picocli's help. */
    static final class Modes implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Runners.modes().iterator();
        }
    }

    @Override
    public Integer call() throws Exception {
        Options.checkNames(spec, "experiment", experiments, Experiments.names());
        Options.checkNames(spec, "workload", workloads, Workloads.names());
        Options.checkNames(spec, "mode", modes, Runners.modes());
        Options.checkWorkers(spec, "--workers", workers, modes);
        Options.checkPositive(spec, "--repeat", repeat);
        Options.checkScale(spec, scale);
        if (!(warmup >= 0) || warmup > 3600) {
            throw Options.usage(spec, "--warmup must be 0 to 3600 seconds, got " + warmup);
        }
        OutputFile.check(spec, "--json", json);
        OutputFile.check(spec, "--csv", csv);
        OutputFile.check(spec, "--markdown", markdown);
        OutputFile.check(spec, "--html", html);
        Options.checkDistinct(spec, json, "--json", csv, "--csv");
        Options.checkDistinct(spec, json, "--json", markdown, "--markdown");
        Options.checkDistinct(spec, csv, "--csv", markdown, "--markdown");
        Options.checkDistinct(spec, html, "--html", json, "--json");
        Options.checkDistinct(spec, html, "--html", csv, "--csv");
        Options.checkDistinct(spec, html, "--html", markdown, "--markdown");

        List<Workload> chosen = workloads.stream().distinct().map(Workloads::of).toList();
        if (imageServer != null) {
            Downloads remote = remoteDownloads();
            chosen = chosen.stream().map(w -> w.name().equals(remote.name()) ? remote : w).toList();
        }
        boolean matrix = experiments.contains(Experiments.MATRIX);
        List<String> members = matrix ? clusterMembers() : null;
        Machine machine = Machine.current();
        List<Cell> cells = List.of();
        Map<String, Finding> findings = new LinkedHashMap<>();
        try (ProgressLine progress = new ProgressLine(spec.commandLine().getErr())) {
            if (matrix) {
                try (ClusterSource clusterSource = members == null ? null : openCluster(members)) {
                    LabConfig config = new LabConfig(chosen, modes.stream().distinct().toList(), workers, repeat,
                            scale, warmup, clusterSource != null ? clusterSource : RunnerSource.REGISTRY);
                    cells = Lab.run(config, progress);
                }
            }
            for (String name : experiments.stream().distinct().filter(e -> !e.equals(Experiments.MATRIX)).toList()) {
                Experiment experiment = Experiments.of(name);
                findings.put(name, experiment.run(new Experiment.Context(scale, machine,
                        step -> progress.step(name, step))));
                progress.done(name);
            }
        }
        String date = OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString();
        RunContext context = RunContext.of(date, spec.commandLine().getParseResult().originalArgs(),
                experiments.stream().distinct().toList(), chosen.stream().map(Workload::name).toList(),
                modes.stream().distinct().toList(), workers, scale, repeat, warmup);
        LabReport report = new LabReport(date, scale, repeat, machine, cells,
                Verdict.of(cells, machine, Workloads::of), findings, context);
        PrintWriter out = spec.commandLine().getOut();
        // Colour for a person at a terminal only: never escape codes in a file or a pipe, nor with NO_COLOR set.
        new TextFormat(Terminal.colour(Terminal.stdout(), System.getenv()), explain).write(report, out);
        out.flush();
        outputs().forEach((file, format) -> write(file, w -> format.write(report, w)));
        return 0;
    }

    /**
     * The cluster the cluster mode runs on: the members of {@code --cluster} or {@code SIMUL_CLUSTER}, an empty list
     * for members the lab starts, or null when the cluster mode is not run.
     */
    private List<String> clusterMembers() {
        String given = cluster != null ? cluster : System.getenv(ClusterRunner.Options.ENVIRONMENT);
        if (!modes.contains(ClusterMode.NAME)) {
            if (cluster != null) {
                throw Options.usage(spec, "--cluster is for the cluster mode, which --modes leaves out");
            }
            return null;
        }
        if (clusterName.isBlank()) {
            throw Options.usage(spec, "--cluster-name must not be empty");
        }
        if (given == null || given.isBlank()) {
            return List.of();
        }
        try {
            return ClusterMember.parseAddresses(given);
        } catch (IllegalArgumentException e) {
            throw Options.usage(spec, (cluster != null ? "--cluster: " : ClusterRunner.Options.ENVIRONMENT + ": ")
                    + e.getMessage());
        }
    }

    /**
     * Starts the local members, or checks that the given cluster can be joined: a wrong address or name fails now,
     * not after the other modes ran.
     */
    private ClusterSource openCluster(List<String> members) throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        if (members.isEmpty()) {
            int count = workers != null ? workers : DEFAULT_LOCAL_MEMBERS;
            err.printf("simul lab: starting %d cluster member JVM%s on this machine...%n", count, count == 1 ? "" : "s");
            err.flush();
            return ClusterSource.local(count);
        }
        ClusterSource source = ClusterSource.remote(members, clusterName);
        try (var runner = source.open(ClusterMode.NAME, workers)) {
            err.printf("simul lab: the cluster mode runs on cluster '%s' at %s (%d workers)%n", clusterName,
                    String.join(",", members), runner.workers());
            err.flush();
        } catch (IllegalStateException e) {
            throw Options.usage(spec, "--cluster: " + e.getMessage());
        }
        return source;
    }

    /** The download workload on {@code --image-server}, whose index is read now: a wrong URL fails first. */
    private Downloads remoteDownloads() throws InterruptedException {
        URI base;
        try {
            base = new URI(imageServer);
        } catch (URISyntaxException e) {
            throw Options.usage(spec, "--image-server is not a URL: " + imageServer);
        }
        if (!("http".equals(base.getScheme()) || "https".equals(base.getScheme())) || base.getHost() == null) {
            throw Options.usage(spec, "--image-server must be an http:// or https:// URL with a host, got "
                    + imageServer);
        }
        if (!workloads.contains("download")) {
            throw Options.usage(spec, "--image-server is for the download workload, which --workloads leaves out");
        }
        Downloads downloads;
        try {
            downloads = Downloads.from(base);
        } catch (IOException | java.util.concurrent.TimeoutException e) {
            throw Options.usage(spec, "--image-server: cannot read its index: " + Options.reason(e));
        }
        int needed = downloads.tasks(scale);
        if (downloads.imagesOffered() < needed) {
            throw Options.usage(spec, "--image-server has %d images; --scale %s needs %d".formatted(
                    downloads.imagesOffered(), scale, needed));
        }
        return downloads;
    }

    /** The files the options ask for, each with the format it is written in, in the order of the options. */
    private Map<Path, ReportFormat> outputs() {
        Map<Path, ReportFormat> files = new LinkedHashMap<>();
        if (json != null) {
            files.put(json, new JsonFormat());
        }
        if (markdown != null) {
            files.put(markdown, new MarkdownFormat());
        }
        if (csv != null) {
            files.put(csv, new CsvFormat());
        }
        if (html != null) {
            files.put(html, new HtmlFormat());
        }
        return files;
    }

    private void write(Path file, OutputFile.Body body) {
        OutputFile.write(file, body);
        spec.commandLine().getErr().println("simul lab: wrote " + file);
    }
}
