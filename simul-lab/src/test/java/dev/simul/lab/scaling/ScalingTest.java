package dev.simul.lab.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simul.lab.Experiments;
import dev.simul.lab.experiment.Experiment;
import dev.simul.lab.machine.Machine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The experiment end to end at a tiny scale: its structure, never its speed. */
class ScalingTest {

    @Test
    void workerCountsDoubleUpToEightTimesTheProcessorsAndIncludeThem() {
        assertThat(Scaling.workerCounts(1)).containsExactly(1, 2, 4, 8);
        assertThat(Scaling.workerCounts(2)).containsExactly(1, 2, 4, 8, 16);
        assertThat(Scaling.workerCounts(6)).containsExactly(1, 2, 4, 6, 8, 16, 32, 48);
    }

    @Test
    void sizesFollowTheScale() {
        assertThat(Scaling.cpuSteps(0.3)).isEqualTo(15_000_000);
        assertThat(Scaling.cpuSteps(1e-9)).isEqualTo(1_000);
        assertThat(Scaling.ioLatency(0.3)).isEqualTo(Duration.ofMillis(30));
        assertThat(Scaling.ioLatency(0.001)).isEqualTo(Duration.ofMillis(1));
    }

    @Test
    void isNamedAndNotRunByDefault() {
        assertThat(Experiments.of("scaling")).isInstanceOf(Scaling.class);
        assertThat(Experiments.defaults()).doesNotContain("scaling");
    }

    @Test
    void runsEveryWorkerCountForBothCurvesAtATinyScale() throws Exception {
        Machine machine = Machine.current();
        List<String> progress = new ArrayList<>();
        var finding = (ScalingFinding) new Scaling().run(new Experiment.Context(0.0005, machine, progress::add));
        List<Integer> counts = Scaling.workerCounts(machine.availableToJvm());
        assertThat(finding.processors()).isEqualTo(machine.availableToJvm());
        assertThat(finding.repeats()).isEqualTo(Scaling.REPEATS);
        for (ScalingFinding.Curve c : List.of(finding.cpu(), finding.io())) {
            assertThat(c.points()).extracting(ScalingFinding.Point::workers).containsExactlyElementsOf(counts);
            assertThat(c.points()).allSatisfy(p -> {
                assertThat(p.throughput()).isPositive();
                assertThat(p.runs()).hasSize(Scaling.REPEATS);
                assertThat(p.tasks()).isGreaterThanOrEqualTo(p.workers()); // every worker has a task
            });
        }
        assertThat(finding.cpu().points()).allSatisfy(p -> assertThat(p.tasks()).isEqualTo(2 * counts.getLast()));
        assertThat(finding.cpuFit().uslThroughput()).hasSize(counts.size());
        assertThat(finding.cpuFit().uslSigma()).isGreaterThanOrEqualTo(0);
        assertThat(finding.cpuFit().uslKappa()).isGreaterThanOrEqualTo(0);
        assertThat(finding.ioFit().latencyS()).isEqualTo(0.001);
        assertThat(finding.verdicts()).hasSize(4);
        assertThat(progress).first().isEqualTo("warm-up");
        assertThat(progress).contains("round 1/3: cpu, 1 workers");
        assertThat(finding.render().lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(100));
    }
}
