package dev.simul.lab.demo;

import dev.simul.loop.LoopRunner;
import static org.assertj.core.api.Assertions.assertThat;

import dev.simul.runner.Runner;
import dev.simul.runner.Runners;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExhibitionTest {

    @Test
    void theSeedsExhibitionLastsTwelveHoursOrOne() {
        assertThat(Exhibition.SEED.synchronousLength()).isEqualTo(Duration.ofHours(12));
        assertThat(Exhibition.SEED.concurrentLength()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void everyGameIsPlayedToTheEndInBothModes() throws Exception {
        Exhibition small = new Exhibition(3, 2, Duration.ofMillis(1), Duration.ofMillis(2));
        for (Runner runner : new Runner[] {Runners.sequential(), new LoopRunner()}) {
            try (runner) {
                assertThat(small.play(runner, 1.0)).isPositive(); // play() checks every game ran all its moves
            }
        }
    }
}
