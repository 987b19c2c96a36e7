package dev.simul.lab.race;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simul.lab.race.RaceFinding.Case;
import org.junit.jupiter.api.Test;

/** One loop thread switches only at an await, so these counts are exact on every run. */
class LoopRaceTest {

    private static final int COROUTINES = 4;
    private static final long EACH = 1_000;

    @Test
    void withNoAwaitInsideNothingIsLost() throws Exception {
        Case c = LoopRace.NO_AWAIT.run(COROUTINES, EACH);
        assertThat(c.actual()).isEqualTo(COROUTINES * EACH);
        assertThat(c.lost()).isZero();
    }

    @Test
    void withAnAwaitInsideEveryRoundCountsOnce() throws Exception {
        // Each round, every coroutine reads the same value before any writes it back: n increments become one.
        Case c = LoopRace.AWAIT_INSIDE.run(COROUTINES, EACH);
        assertThat(c.actual()).isEqualTo(EACH);
        assertThat(c.lost()).isEqualTo((COROUTINES - 1) * EACH);
    }

    @Test
    void theLockHeldAcrossTheAwaitLosesNothing() throws Exception {
        Case c = LoopRace.LOCKED.run(COROUTINES, EACH);
        assertThat(c.actual()).isEqualTo(COROUTINES * EACH);
        assertThat(c.lost()).isZero();
    }
}
