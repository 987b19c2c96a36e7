package dev.simul.lab.report.html;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simul.lab.experiment.Cell;
import dev.simul.lab.experiment.Measurement;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpreadTest {

    @Test
    void fiveNumbersOfTheRunsWallTimes() {
        Cell cell = new Cell("cpu", "threads", 2, 4, 2.0, 2.0, null, List.of(new Measurement(3.0, 1),
                new Measurement(1.0, 1), new Measurement(2.0, 1), new Measurement(5.0, 1), new Measurement(4.0, 1)),
                1, 1.0);
        assertThat(Spread.ofWall(cell)).isEqualTo(new Spread(1.0, 2.0, 3.0, 4.0, 5.0, 5));
    }

    @Test
    void quartilesInterpolateBetweenRanks() {
        assertThat(Spread.quantile(List.of(1.0, 2.0), 0.25)).isEqualTo(1.25);
        assertThat(Spread.quantile(List.of(7.0), 0.75)).isEqualTo(7.0);
    }

    @Test
    void aCellWithoutRunsSpreadsOverItsMedian() {
        Cell cell = new Cell("cpu", "threads", 2, 4, 2.5, 2.0, null, List.of(), 1, 1.0);
        assertThat(Spread.ofWall(cell)).isEqualTo(new Spread(2.5, 2.5, 2.5, 2.5, 2.5, 0));
    }
}
