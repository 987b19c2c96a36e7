package dev.simul.cluster;

import dev.simul.runner.Runner;
import dev.simul.testkit.ConcurrentRunnerContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The runner contract on a cluster of 3 member JVMs of 2 workers each: every runner joins from this JVM, which runs
 * no task, so every task crosses a socket, Hazelcast's serialization and simul's allow-list on a member.
 */
class MembersContractTest extends ConcurrentRunnerContract {

    private static LocalCluster cluster;

    @BeforeAll
    static void startMembers() throws Exception {
        cluster = LocalCluster.start(3, 2);
    }

    @AfterAll
    static void stopMembers() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A runner that runs at most {@code workers} tasks at once on the cluster's six workers. */
    @Override
    protected Runner newRunner(int workers) {
        return new ClusterRunner(cluster.runnerOptions().withWorkers(workers).withLog(line -> { }));
    }
}
