package dev.simul.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simul.runner.Mode;
import dev.simul.runner.Runners;
import org.junit.jupiter.api.Test;

class ClusterModeTest {

    @Test
    void aClustersWorkersAreCountedAndBoundedAsProcesses() {
        Mode cluster = Runners.mode(ClusterMode.NAME);
        assertThat(cluster.workerIsProcess()).isTrue();
        assertThat(cluster.maxWorkers())
                .isEqualTo(Mode.MAX_PROCESSES_PER_PROCESSOR * Runtime.getRuntime().availableProcessors());
    }
}
