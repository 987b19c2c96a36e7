package dev.simul.lab.race;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simul.lab.Experiments;
import dev.simul.lab.experiment.Experiment;
import dev.simul.lab.machine.Machine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RaceExperimentTest {

    @Test
    void runsEveryModelAtATinyScale() throws Exception {
        List<String> steps = new ArrayList<>();
        RaceFinding finding = new RaceExperiment(2).run(new Experiment.Context(0.0001, Machine.current(), steps::add));
        assertThat(finding.cases()).extracting(RaceFinding.Case::model).containsExactly("threads", "threads",
                "threads", "threads", "loop", "loop", "loop", "processes");
        assertThat(finding.cases()).filteredOn(c -> c.lost() != null && !c.variant().equals("no synchronization")
                && !c.variant().equals("await inside")).allSatisfy(c -> assertThat(c.lost()).isZero());
        assertThat(finding.cases().getLast().actual()).isZero();
        assertThat(finding.verdicts()).hasSize(6);
        assertThat(finding.render()).startsWith("race: 2 threads");
        assertThat(steps).contains("threads: AtomicLong", "loop: await inside", "processes: 2 worker JVMs");
    }

    @Test
    void isRegisteredAndRunByDefault() {
        assertThat(Experiments.of("race")).isInstanceOf(RaceExperiment.class);
        assertThat(Experiments.defaults()).contains("race");
    }

    @Test
    void refusesFewerThanTwoThreads() {
        assertThatThrownBy(() -> new RaceExperiment(1)).isInstanceOf(IllegalArgumentException.class);
    }
}
