package dev.simul.process;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a worker does on its own, before the pool speaks to it. */
class WorkerMainTest {

    @Test
    void theWarmUpTakesALambdaThroughSerializationAndTheAllowListAndCallsIt() {
        // It fails silently in a worker (the first task then pays for the cold path): a change to the allow-list
        // or to how values are read that broke it would show only as a slower start, so it is checked here.
        assertThat(WorkerMain.warmUp()).isTrue();
    }
}
