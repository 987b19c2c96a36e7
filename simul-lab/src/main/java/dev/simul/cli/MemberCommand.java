package dev.simul.cli;

import dev.simul.cluster.ClusterMember;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code simul member}: a member of a cluster that runs the {@code cluster} mode's tasks, until stopped. */
@Command(name = "member", mixinStandardHelpOptions = true,
        description = {"Starts a member of a Hazelcast cluster that runs the cluster mode's tasks until stopped"
                + " (Ctrl-C). It logs one line when it joins and one per member change (--verbose: Hazelcast's own"
                + " log). Submitters join it with SIMUL_CLUSTER=host:port or simul lab --cluster host:port.",
                "Members run tasks from their own class path: start them from the same simul build as the"
                        + " submitters. Hazelcast's open-source edition has no TLS or authentication: whoever reaches"
                        + " a member's port can run code on it, so keep members on a private network."})
final class MemberCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ParentCommand
    Simul parent;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "address to bind and announce: the one other machines reach this one at (default:"
                    + " ${DEFAULT-VALUE}, this machine only)")
    String host;

    @Option(names = "--port", defaultValue = "5701",
            description = "first port to try; the next free one is taken if it is in use (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--join", paramLabel = "HOST:PORT[,...]",
            description = "members of the cluster to join (default: none, start a cluster)")
    String join;

    @Option(names = "--cluster-name", paramLabel = "NAME", defaultValue = "simul",
            description = "the cluster's name: members and submitters join only a cluster of their name (default:"
                    + " ${DEFAULT-VALUE})")
    String clusterName;

    @Option(names = "--workers", paramLabel = "N",
            description = "tasks this member runs at once (default: one per processor, at most 10,000)")
    Integer workers;

    @Option(names = "--allow", split = ",", paramLabel = "PATTERN",
            description = "classes or packages (com.acme.**) tasks may carry besides the JDK's, simul's and those"
                    + " each submitter names (repeatable)")
    List<String> allowed = List.of();

    @Override
    public Integer call() throws Exception {
        if (port < 1 || port > 65535) {
            throw Options.usage(spec, "--port must be between 1 and 65535, got " + port);
        }
        Options.checkPositive(spec, "--workers", workers);
        if (workers != null && workers > Options.MAX_WORKERS) {
            throw Options.usage(spec, "--workers must be at most %,d, got %d".formatted(Options.MAX_WORKERS,
                    workers));
        }
        if (clusterName.isBlank()) {
            throw Options.usage(spec, "--cluster-name must not be empty");
        }
        checkHost();
        List<String> members;
        try {
            members = join == null ? List.of() : ClusterMember.parseAddresses(join);
            dev.simul.serial.AllowList.filterText(allowed);
        } catch (IllegalArgumentException e) {
            throw Options.usage(spec, (join != null && e.getMessage().contains("address") ? "--join: " : "--allow: ")
                    + e.getMessage());
        }
        PrintWriter err = spec.commandLine().getErr();
        ClusterMember.Options options = new ClusterMember.Options(host, port, members, clusterName,
                workers != null ? workers : Runtime.getRuntime().availableProcessors(), allowed, verbose(),
                line -> {
                    err.println("simul member: " + line);
                    err.flush();
                });
        try (ClusterMember member = ClusterMember.start(options)) {
            PrintWriter out = spec.commandLine().getOut();
            out.printf("member of cluster '%s' listening at %s with %d workers; Ctrl-C stops it%n", clusterName,
                    member.address(), options.workers());
            out.flush();
            member.awaitStop();
        }
        return 0;
    }

    /** Whether --verbose was given, before {@code member} or after it. */
    private boolean verbose() {
        return parent.verbose || spec.commandLine().getParseResult().hasMatchedOption("--verbose");
    }

    /** An address this machine has: the one it binds and tells the others to reach it at. */
    private void checkHost() {
        if (host.isBlank()) {
            throw Options.usage(spec, "--host must not be empty: 127.0.0.1 for this machine only, else the address"
                    + " other machines reach this one at");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw Options.usage(spec, "--host: no such address or host name: " + host);
        }
        if (address.isAnyLocalAddress()) {
            throw Options.usage(spec, "--host " + host + " is every address, and a member must tell the others one:"
                    + " give the address other machines reach this one at");
        }
    }
}
