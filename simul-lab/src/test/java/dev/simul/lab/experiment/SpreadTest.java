package dev.simul.lab.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The figures are numpy's {@code percentile} defaults and R's {@code quantile(type = 7)} on the same values. */
class SpreadTest {

    @Test
    void anOddCountHasItsMiddleValueAsMedianAndInterpolatedQuartiles() {
        assertThat(Spread.of(List.of(3.0, 1.0, 2.0))).isEqualTo(new Spread(1.0, 1.5, 2.0, 2.5, 3.0));
        assertThat(Spread.of(List.of(0.9, 0.5, 0.7, 0.6, 0.8))).isEqualTo(new Spread(0.5, 0.6, 0.7, 0.8, 0.9));
    }

    @Test
    void anEvenCountHasTheMeanOfItsMiddleValuesAsMedian() {
        assertThat(Spread.of(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(new Spread(1.0, 1.75, 2.5, 3.25, 4.0));
        assertThat(Spread.of(List.of(2.0, 1.0))).isEqualTo(new Spread(1.0, 1.25, 1.5, 1.75, 2.0));
        assertThat(Spread.of(List.of(0.1, 0.2)).median()).isEqualTo((0.1 + 0.2) / 2);
    }

    @Test
    void oneRunIsEveryFigure() {
        assertThat(Spread.of(List.of(0.42))).isEqualTo(new Spread(0.42, 0.42, 0.42, 0.42, 0.42));
    }

    @Test
    void noRunsHaveNoSpread() {
        assertThatThrownBy(() -> Spread.of(List.of())).isInstanceOf(IllegalArgumentException.class);
        Cell empty = new Cell("cpu", "threads", 2, 4, 1.0, 1.0, null, List.of(), 1, 1.0);
        assertThat(empty.wallSpread()).isNull();
        assertThat(empty.cpuSpread()).isNull();
    }

    @Test
    void aCellsSpreadIsItsRunsWallAndCpuSeconds() {
        Cell cell = new Cell("cpu", "threads", 2, 4, 2.0, 3.0, null,
                List.of(new Measurement(2.0, 3.0), new Measurement(1.0, 4.0), new Measurement(3.0, 2.0),
                        new Measurement(5.0, 1.0)), 1, 1.0);
        assertThat(cell.wallSpread()).isEqualTo(new Spread(1.0, 1.75, 2.5, 3.5, 5.0));
        assertThat(cell.cpuSpread()).isEqualTo(new Spread(1.0, 1.75, 2.5, 3.25, 4.0));
    }
}
