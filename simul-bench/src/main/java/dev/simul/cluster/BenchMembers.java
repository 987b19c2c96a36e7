package dev.simul.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Benchmark-only access to how simul starts Hazelcast ({@link Members}, package-private), so that
 * {@code dev.simul.bench.ClusterBench} measures raw Hazelcast on exactly the configuration simul's runner uses. It
 * lives in simul-bench, in this package; it is not part of simul-cluster.
 */
public final class BenchMembers {

    private BenchMembers() {
    }

    /** A cluster of one, configured as {@code new ClusterRunner(Options.defaults().withWorkers(workers))} starts it. */
    public static HazelcastInstance embedded(int workers) {
        return Members.start(Members.config("simul-bench-raw-" + UUID.randomUUID(), "127.0.0.1", 0, List.of(),
                workers, List.of()), false);
    }

    /** A lite member joining {@code cluster}, configured as a joining {@link ClusterRunner} joins. */
    public static HazelcastInstance lite(LocalCluster cluster) {
        return Members.start(Members.config(cluster.clusterName(), "127.0.0.1", 0, cluster.addresses(), 0,
                List.of()), false);
    }

    /** The executor simul's tasks run on: its pool size is the member's workers. */
    public static IExecutorService tasks(HazelcastInstance instance) {
        return instance.getExecutorService(Members.TASKS);
    }

    /** The members of {@code instance}'s cluster that run tasks, in the cluster's order. */
    public static List<Member> workers(HazelcastInstance instance) {
        List<Member> out = new ArrayList<>();
        for (Member m : instance.getCluster().getMembers()) {
            if (Members.workersOf(m) > 0) {
                out.add(m);
            }
        }
        return out;
    }
}
