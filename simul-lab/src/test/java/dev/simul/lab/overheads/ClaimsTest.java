package dev.simul.lab.overheads;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simul.lab.overheads.OverheadsFinding.Unit;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClaimsTest {

    static Unit unit(String model, double createJoinNs, double switchNs, Long bytes) {
        return new Unit(model, createJoinNs, switchNs, bytes, 1000, "a switch", "measured");
    }

    /** Figures like a 2-core VM's: processes dear, coroutines dearer than a call, platform threads fat. */
    static List<Unit> typical() {
        return List.of(
                unit("method_call", 2.5, 2.5, 24L),
                unit("platform_thread", 100_000, 5_000, 32_768L),
                unit("virtual_thread", 2_000, 1_000, 1_000L),
                unit("coroutine", 500, 100, 640L),
                unit("worker_process", 300_000_000, 50_000, 50L << 20));
    }

    @Test
    void processesCostMoreToStartAndToSwitchTo() {
        String v = Claims.judge(typical()).get(0);
        assertThat(v).startsWith("Seeds 002 and 004: processes cost more").contains("Holds: a worker process costs"
                + " 3,000x a platform thread to create, start and join (300 ms against 100 us)")
                .contains("a task's round trip to it costs 10x a thread switch (50 us against 5.0 us)")
                .contains("idle, it holds 50 MiB, 1,600x a parked platform thread");
    }

    @Test
    void aProcessThatStartsAsFastAsAThreadIsSaidSo() {
        String v = Claims.processes(unit("worker_process", 90_000, 4_000, null),
                unit("platform_thread", 100_000, 5_000, null));
        assertThat(v).contains("Does not hold: a worker process costs 1.1x less than a platform thread")
                .contains("1.3x less than a thread switch").doesNotContain("idle");
        assertThat(Claims.processes(unit("worker_process", 90_000, 6_000, null),
                unit("platform_thread", 100_000, 5_000, null))).contains("Holds for switching, not for start-up");
    }

    @Test
    void aCoroutineSwitchDearerThanACallDoesNotHold() {
        String v = Claims.judge(typical()).get(1);
        assertThat(v).isEqualTo("Seed 002: async tasks switch at very low cost, cheaper than function calls."
                + " Does not hold: a coroutine switch costs 40x a method call (100 ns against 2.5 ns), not less;"
                + " 50x less than a platform-thread switch (5.0 us).");
    }

    @Test
    void aCoroutineSwitchCheaperThanACallHolds() {
        String v = Claims.cheaperThanCalls(unit("coroutine", 1, 2.0, null), unit("method_call", 1, 2.5, null),
                unit("platform_thread", 1, 5_000, null));
        assertThat(v).contains("Holds: a coroutine switch costs 1.3x less than a method call (2.0 ns against 2.5 ns);"
                + " 2,500x less than a platform-thread switch");
        assertThat(Claims.cheaperThanCalls(unit("coroutine", 1, 2.5, null), unit("method_call", 1, 2.45, null),
                unit("platform_thread", 1, 5_000, null))).contains("costs about as much as a method call");
    }

    @Test
    void theCheapestSwitchIsRankedFromTheNumbers() {
        assertThat(Claims.judge(typical()).get(2)).isEqualTo("Seed 002: async tasks have the cheapest switching"
                + " mechanism of all. Holds: a coroutine switches in 100 ns, against 1.0 us for a virtual thread"
                + " (10x), 5.0 us for a platform thread (50x) and 50 us for a round trip to a worker process (500x).");
        List<Unit> virtualWins = List.of(unit("platform_thread", 1, 5_000, null),
                unit("virtual_thread", 1, 80, null), unit("coroutine", 1, 100, null));
        assertThat(Claims.cheapestSwitch(virtualWins, virtualWins.get(2))).contains("Does not hold: a virtual"
                + " thread switches in 80 ns, 1.3x less than a coroutine (100 ns); against 5.0 us for a platform"
                + " thread (63x)");
        List<Unit> tied = List.of(unit("virtual_thread", 1, 99, null), unit("coroutine", 1, 100, null));
        assertThat(Claims.cheapestSwitch(tied, tied.get(1))).contains("A tie: a virtual thread switches in 99 ns,"
                + " about as much as a coroutine (100 ns)");
    }

    @Test
    void manyMoreCoroutinesThanThreadsHoldsAgainstPlatformThreadsOnly() {
        String v = Claims.judge(typical()).get(3);
        assertThat(v).contains("Holds against platform threads: an idle coroutine holds 640 B, a parked platform"
                + " thread 32 KiB (51x), so 1 GiB holds about 1.7 million coroutines against 33,000 threads")
                .contains("but not against virtual threads, which are threads too: one holds 1000 B, 1.6x a coroutine");
    }

    @Test
    void fewTimesMoreIsOnlyInPart() {
        String partly = Claims.manyMore(unit("coroutine", 1, 1, 4_000L), unit("platform_thread", 1, 1, 16_000L),
                unit("virtual_thread", 1, 1, 100_000L));
        assertThat(partly).contains("Holds only in part: more, not many many more").contains("(4.0x)")
                .contains("and against virtual threads too: one holds 98 KiB, 25x a coroutine");
        assertThat(Claims.manyMore(unit("coroutine", 1, 1, 20_000L), unit("platform_thread", 1, 1, 16_000L), null))
                .contains("Does not hold").contains("(1.3x less").doesNotContain("virtual");
        assertThat(Claims.manyMore(unit("coroutine", 1, 1, 600L), unit("platform_thread", 1, 1, null), null))
                .contains("Not judged: the memory of an idle platform thread could not be measured");
    }

    @Test
    void figuresAreFormattedToTwoOrThreeDigits() {
        assertThat(Claims.bytes(620)).isEqualTo("620 B");
        assertThat(Claims.bytes(4300)).isEqualTo("4.2 KiB");
        assertThat(Claims.bytes(45L << 20)).isEqualTo("45 MiB");
        assertThat(Claims.ratio(4.12)).isEqualTo("4.1x");
        assertThat(Claims.ratio(2400)).isEqualTo("2,400x");
        assertThat(Claims.count(26_214)).isEqualTo("26,000");
        assertThat(Claims.count(1_677_721)).isEqualTo("1.7 million");
    }
}
