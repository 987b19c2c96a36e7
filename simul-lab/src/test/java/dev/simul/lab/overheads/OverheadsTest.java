package dev.simul.lab.overheads;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simul.lab.Experiments;
import dev.simul.lab.experiment.Experiment;
import dev.simul.lab.machine.Machine;
import dev.simul.lab.overheads.OverheadsFinding.Unit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OverheadsTest {

    @Test
    void isRegisteredAndRunByDefault() {
        assertThat(Experiments.of("overheads")).isInstanceOf(Overheads.class);
        assertThat(Experiments.defaults()).contains("overheads");
    }

    /** A smoke test at a tiny scale: every model measured, every figure positive. No timing is asserted. */
    @Test
    void measuresEveryModelAtATinyScale() throws Exception {
        List<String> steps = new ArrayList<>();
        OverheadsFinding finding = new Overheads().run(new Experiment.Context(0.01, Machine.current(), steps::add));
        assertThat(finding.units()).extracting(Unit::model).containsExactly("method_call", "platform_thread",
                "virtual_thread", "coroutine", "worker_process");
        assertThat(finding.units()).allSatisfy(u -> {
            assertThat(u.createJoinNs()).isPositive();
            assertThat(u.switchNs()).isPositive();
            assertThat(u.bytesPerIdleUnit()).isPositive();
            assertThat(u.idleUnits()).isPositive();
        });
        assertThat(finding.verdicts()).hasSize(4);
        assertThat(steps).contains("method calls", "worker process: round trips");
    }

    @Test
    void samplesTakeTheMedian() {
        assertThat(Sampler.median(new double[] {5, 1, 3})).isEqualTo(3);
        assertThat(Sampler.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    }
}
