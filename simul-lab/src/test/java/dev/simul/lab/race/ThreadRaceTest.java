package dev.simul.lab.race;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simul.lab.race.RaceFinding.Case;
import org.junit.jupiter.api.Test;

class ThreadRaceTest {

    private static final int THREADS = 4;
    private static final long EACH = 20_000;

    @Test
    void guardedCountersLoseNothing() throws Exception {
        for (ThreadRace variant : new ThreadRace[] {ThreadRace.ATOMIC, ThreadRace.LOCK, ThreadRace.ADDER}) {
            Case c = variant.run(THREADS, EACH);
            assertThat(c.actual()).as(variant.label).isEqualTo(THREADS * EACH);
            assertThat(c.lost()).as(variant.label).isZero();
        }
    }

    @Test
    void theUnguardedCounterLosesSomeOrNoneButNeverGains() throws Exception {
        // Whether a run loses updates depends on the scheduler: only the bounds are certain.
        Case c = ThreadRace.UNSYNCHRONIZED.run(THREADS, EACH);
        assertThat(c.expected()).isEqualTo(THREADS * EACH);
        assertThat(c.lost()).isBetween(0L, THREADS * EACH).isEqualTo(c.expected() - c.actual());
        assertThat(c.model()).isEqualTo("threads");
        assertThat(c.opsPerS()).isPositive();
    }
}
