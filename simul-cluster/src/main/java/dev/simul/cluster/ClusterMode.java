package dev.simul.cluster;

import dev.simul.runner.Mode;
import dev.simul.runner.Runner;

/**
 * Registers the {@code cluster} mode: {@link ClusterRunner}, on an embedded member of its own, or on the cluster
 * whose members {@code SIMUL_CLUSTER} names ({@code host:port,...}).
 */
public final class ClusterMode extends Mode {

    /** The mode's name. */
    public static final String NAME = "cluster";

    /** Called by {@link java.util.ServiceLoader}. */
    public ClusterMode() {
        super(NAME, "the members of a Hazelcast cluster", 60);
    }

    /** One worker per available processor on an embedded member; as many as the members run when joining. */
    @Override
    public int defaultWorkers() {
        return ClusterRunner.Options.fromEnvironment().workers();
    }

    /**
     * True: the lab starts a member JVM per worker of this mode, and a cluster's workers live in member JVMs, so
     * worker counts are chosen and bounded as for {@code processes}. (An embedded member runs its workers as threads
     * of this JVM; bounding them alike costs nothing, for they run tasks the cluster way: past a few per processor
     * they only queue.)
     */
    @Override
    public boolean workerIsProcess() {
        return true;
    }

    @Override
    public Runner create(int workers) {
        return new ClusterRunner(ClusterRunner.Options.fromEnvironment().withWorkers(workers));
    }

    /** True: the cluster's members. */
    @Override
    public boolean otherJvms() {
        return true;
    }

    @Override
    public String overhead() {
        return "joining the cluster, and every task and result crossing Hazelcast's sockets and serialization";
    }

    @Override
    public String note() {
        return "The cluster's members are other JVMs: joining them, and every task and result crossing sockets and"
                + " serialization, cost time. A cluster adds other machines' cores and outlives a member's death;"
                + " it does not make one machine faster.";
    }
}
