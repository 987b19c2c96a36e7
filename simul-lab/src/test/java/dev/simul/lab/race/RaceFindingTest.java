package dev.simul.lab.race;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.simul.lab.race.RaceFinding.Case;
import dev.simul.lab.report.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class RaceFindingTest {

    static final List<Case> CASES = List.of(
            new Case("threads", ThreadRace.UNSYNCHRONIZED.label, 4_000_000, 2_765_433, 1_234_567L, 40e6),
            new Case("threads", ThreadRace.ATOMIC.label, 4_000_000, 4_000_000, 0L, 30e6),
            new Case("threads", ThreadRace.LOCK.label, 4_000_000, 4_000_000, 0L, 10e6),
            new Case("threads", ThreadRace.ADDER.label, 4_000_000, 4_000_000, 0L, 50e6),
            new Case("loop", LoopRace.NO_AWAIT.label, 40_000, 40_000, 0L, 500e3),
            new Case("loop", LoopRace.AWAIT_INSIDE.label, 40_000, 10_000, 30_000L, 800e3),
            new Case("loop", LoopRace.LOCKED.label, 40_000, 40_000, 0L, 200e3),
            new Case("processes", "static counter per JVM", 4_000_000, 0, null, null));

    static final RaceFinding FINDING = RaceFinding.of(4, CASES, List.of(2_500_000L, 1_500_000L));

    @Test
    void lossesReadTheSameWayEveryTime() {
        assertThat(RaceFinding.lostSentence(CASES.getFirst())).isEqualTo("lost 1,234,567 of 4,000,000 updates (31%)");
        assertThat(RaceFinding.lostSentence(CASES.get(1))).isEqualTo("none of 4,000,000 updates was lost");
        assertThat(RaceFinding.lost(1, 4_000_000)).isEqualTo("1 (<1%)");
        assertThat(RaceFinding.lost(0, 4_000_000)).isEqualTo("0");
        assertThat(RaceFinding.share(3, 4)).isEqualTo("75%");
        assertThat(RaceFinding.rate(45.04e6)).isEqualTo("45.0 M");
        assertThat(RaceFinding.rate(871_300)).isEqualTo("871.3 k");
        assertThat(RaceFinding.rate(12)).isEqualTo("12");
    }

    @Test
    void verdictsAreComputedFromTheNumbers() {
        List<String> verdicts = FINDING.verdicts();
        assertThat(verdicts).hasSize(6);
        assertThat(verdicts.get(0)).startsWith("4 threads, no synchronization: lost 1,234,567 of 4,000,000 updates"
                + " (31%).").contains("another thread wrote between").doesNotContain("luck");
        assertThat(verdicts.get(1)).contains("With AtomicLong, ReentrantLock and LongAdder, no update was lost",
                "LongAdder was the fastest at 50.0 M increments/s, 5.0x ReentrantLock's 10.0 M",
                "the unguarded counter was no faster (40.0 M), only wrong");
        assertThat(verdicts.get(2)).contains("none of 40,000 updates was lost", "the 4 coroutines");
        assertThat(verdicts.get(3)).contains("lost 30,000 of 40,000 updates (75%)");
        assertThat(verdicts.get(4)).contains("none of 40,000 updates was lost", "200.0 k increments/s against 800.0 k");
        assertThat(verdicts.get(5)).contains("added 4,000,000 of 4,000,000",
                "in 2 worker JVMs: 2,500,000 + 1,500,000", "the parent's copy still reads 0");
    }

    @Test
    void noLossOnARunIsCalledLuckNotSafety() {
        Case lucky = new Case("threads", ThreadRace.UNSYNCHRONIZED.label, 4_000_000, 4_000_000, 0L, 40e6);
        String verdict = RaceFinding.of(4, List.of(lucky), List.of()).verdicts().getFirst();
        assertThat(verdict).contains("none of 4,000,000 updates was lost", "luck, not safety");
    }

    @Test
    void aGuardThatLostUpdatesIsCalledABug() {
        Case broken = new Case("threads", ThreadRace.LOCK.label, 100, 99, 1L, 1e6);
        assertThat(RaceFinding.of(2, List.of(broken), List.of()).verdicts().getFirst())
                .contains("updates were lost (ReentrantLock 1)", "a bug");
    }

    @Test
    void renderIsATitleATableAndTheVerdictsWithin100Columns() {
        String text = FINDING.render();
        assertThat(text).startsWith("race: 4 threads, 4 coroutines and 4 tasks in worker JVMs increment one counter\n")
                .contains("model     | variant", "1,234,567 (31%)", "not shared", "30,000 (75%)")
                .contains(RaceFinding.wrap(FINDING.verdicts().getLast()));
        assertThat(text.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(100));
    }

    @Test
    void wrapBreaksAtSpacesAndIndentsTheRest() {
        String words = "word ".repeat(60).strip();
        List<String> lines = RaceFinding.wrap(words).lines().toList();
        assertThat(lines).hasSizeGreaterThan(2).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(100));
        assertThat(lines.get(1)).startsWith("  word");
        assertThat(String.join(" ", lines).replaceAll(" +", " ")).isEqualTo(words);
    }

    @Test
    void jsonHasTheCasesTheWorkerCountersAndTheVerdicts() throws Exception {
        JsonNode json = Json.mapper().readTree(Json.mapper().writeValueAsString(FINDING));
        assertThat(json.fieldNames()).toIterable().containsExactlyInAnyOrder("threads", "cases", "worker_counters",
                "verdicts");
        JsonNode first = json.get("cases").get(0);
        assertThat(first.fieldNames()).toIterable().containsExactly("model", "variant", "expected", "actual", "lost",
                "ops_per_s");
        assertThat(first.get("lost").asLong()).isEqualTo(1_234_567);
        assertThat(json.get("cases").get(7).get("lost").isNull()).isTrue();
        assertThat(json.get("worker_counters").get(0).asLong()).isEqualTo(2_500_000);
        assertThat(json.get("verdicts")).hasSize(6);
    }
}
