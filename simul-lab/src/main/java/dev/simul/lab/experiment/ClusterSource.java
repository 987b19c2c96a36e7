package dev.simul.lab.experiment;

import dev.simul.cluster.ClusterMode;
import dev.simul.cluster.ClusterRunner;
import dev.simul.cluster.LocalCluster;
import dev.simul.runner.Runner;
import java.io.IOException;
import java.util.List;

/**
 * The lab's runners when it runs the {@code cluster} cell: that cell's runners join a cluster of member JVMs and
 * run no task in the lab's JVM, so every task crosses sockets and serialization as it would between machines;
 * every other mode comes from the registry. The cluster is either started here on this machine, one member JVM
 * per worker with one worker each (as {@code processes} starts one JVM per worker), or one already running.
 */
public final class ClusterSource implements RunnerSource, AutoCloseable {

    private final ClusterRunner.Options options;
    private final LocalCluster local; // null for a cluster of someone else's

    private ClusterSource(ClusterRunner.Options options, LocalCluster local) {
        this.options = options.withLog(line -> { }); // a run's join and leave are not news
        this.local = local;
    }

    /**
     * Starts {@code members} member JVMs on this machine, one worker each, and returns once they have formed
     * their cluster.
     *
     * @throws IOException if one cannot start
     */
    public static ClusterSource local(int members) throws IOException {
        LocalCluster cluster = LocalCluster.start(members, 1);
        return new ClusterSource(cluster.runnerOptions(), cluster);
    }

    /** The running cluster of these members ({@code host:port}) under {@code clusterName}. */
    public static ClusterSource remote(List<String> members, String clusterName) {
        return new ClusterSource(ClusterRunner.Options.defaults().withMembers(members).withClusterName(clusterName)
                .withWorkers(Runner.UNBOUNDED), null);
    }

    /** The members' addresses when they were started here, else the addresses given. */
    public List<String> members() {
        return local != null ? local.addresses() : options.members();
    }

    /** A cluster runner joining the cluster, at most {@code workers} tasks at once if given; else the registry's. */
    @Override
    public Runner open(String mode, Integer workers) {
        // The one mode this source exists for; worker counts and bounds come from the mode (Mode.workerIsProcess).
        if (!mode.equals(ClusterMode.NAME)) {
            return REGISTRY.open(mode, workers);
        }
        // The local members are the workers: --workers counted them already.
        int cap = workers == null || local != null ? Runner.UNBOUNDED : workers;
        return new ClusterRunner(options.withWorkers(cap));
    }

    /** The local members' CPU time: they outlive every run, so the lab's own children's time leaves them out. */
    @Override
    public long outsideCpuNanos() {
        return local == null ? 0 : local.cpuTime().toNanos();
    }

    /** Stops the members started here; a cluster of someone else's is left as it was. */
    @Override
    public void close() {
        if (local != null) {
            local.close();
        }
    }
}
