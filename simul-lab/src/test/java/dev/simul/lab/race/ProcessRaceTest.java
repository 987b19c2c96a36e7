package dev.simul.lab.race;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessRaceTest {

    @Test
    void theWorkersCountInTheirOwnMemoryAndTheParentsCounterStaysZero() throws Exception {
        ProcessRace.Outcome outcome = ProcessRace.run(2, 4, 1_000);
        assertThat(outcome.parentCounter()).isZero();
        assertThat(outcome.increments()).isEqualTo(4_000);
        assertThat(outcome.workerCounters().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(4_000);
        assertThat(outcome.workerCounters().keySet()).doesNotContain(ProcessHandle.current().pid());
        RaceFinding.Case row = outcome.toCase();
        assertThat(row.actual()).isZero();
        assertThat(row.lost()).isNull();
    }
}
