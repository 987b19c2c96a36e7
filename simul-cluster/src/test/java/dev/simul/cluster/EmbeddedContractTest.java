package dev.simul.cluster;

import dev.simul.runner.Runner;
import dev.simul.runner.Runners;
import dev.simul.testkit.ConcurrentRunnerContract;

/** The runner contract on an embedded member: a cluster of one in this JVM, as {@code Runners.of("cluster")} gives. */
class EmbeddedContractTest extends ConcurrentRunnerContract {

    @Override
    protected Runner newRunner(int workers) {
        return Runners.of(ClusterMode.NAME, workers);
    }
}
