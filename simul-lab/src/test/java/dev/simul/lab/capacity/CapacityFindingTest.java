package dev.simul.lab.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.simul.lab.report.Json;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Verdicts and JSON from fixed numbers. */
class CapacityFindingTest {

    static final ThreadLimits LIMITS = new ThreadLimits(192_735L, 400L, 96_367L, 1L << 20);
    static final Capacity.Budget BUDGET = new Capacity.Budget(2L << 30, Duration.ofSeconds(20));

    static CapacityFinding.Step step(int units, double startS, long resident, long heap, String memory) {
        return CapacityFinding.Step.of(new Held(units, units, startS, startS / 2, new Meter.Sample(resident, heap),
                null), memory);
    }

    static CapacityFinding.ModelResult model(String name, String memory, Stop stop, CapacityFinding.Step... steps) {
        return CapacityFinding.ModelResult.of(name, memory, List.of(steps), stop);
    }

    static CapacityFinding typical() {
        return CapacityFinding.of(BUDGET, 0.4, LIMITS, List.of(
                model("platform threads", "resident", new Stop(Stop.CAP, "the experiment's cap"),
                        step(1_000, 0.05, 63_488_000L, 200_000, "resident"),
                        step(10_000, 0.6, 634_880_000L, 2_000_000, "resident")),
                model("virtual threads", "heap", new Stop(Stop.STEPS, "it held every step"),
                        step(1_000, 0.01, 2_000_000, 1_126_000, "heap"),
                        step(1_000_000, 1.2, 1_300_000_000L, 1_126_000_000L, "heap")),
                model("coroutines", "heap", new Stop(Stop.TIME, "the next step would take too long"),
                        step(1_000, 0.01, 1_000_000, 600_000, "heap"),
                        step(100_000, 0.9, 70_000_000, 60_000_000, "heap")),
                model("worker processes", "resident", new Stop(Stop.CAP, "4 per processor"),
                        step(1, 0.6, 47_000_000, 10_000, "resident"))));
    }

    @Test
    void eachModelIsSummedUpFromItsLargestHeldStep() {
        CapacityFinding f = typical();
        assertThat(f.models().get(1).held()).isEqualTo(1_000_000);
        assertThat(f.models().get(1).bytesPerUnit()).isEqualTo(1126.0); // the heap's: virtual threads live there
        assertThat(f.models().get(0).bytesPerUnit()).isEqualTo(63_488.0); // the resident set's
        assertThat(f.verdicts().get(0)).isEqualTo("platform threads: stopped at 10,000 (cap) in 0.60 s at 62.0 KiB"
                + " each (resident); virtual threads: 1,000,000 sleeping in 1.20 s at 1.10 KiB each (heap);"
                + " coroutines: stopped at 100,000 (time) in 0.90 s at 600 B each (heap); worker processes: stopped"
                + " at 1 (cap) in 0.60 s at 44.8 MiB each (resident).");
    }

    @Test
    void theClaimHoldsByTheRatioOfUnitsAndOfMemory() {
        assertThat(typical().verdicts().get(1)).isEqualTo("So 'you can run many many more async tasks than"
                + " threads' holds: 1,000,000 virtual threads, 100x as many as platform threads (10,000), each at"
                + " 1/56 the memory of a platform thread; 1,000,000 platform threads would need about 59.1 GiB and"
                + " more threads than the kernel allows (threads-max 192,735). Platform threads stopped first (cap).");
    }

    @Test
    void theClaimIsNotJudgedWhereTheStepsCannotTellTheModelsApart() {
        var platform = model("platform threads", "resident", new Stop(Stop.STEPS, "all"),
                step(10, 0.01, 600_000, 1_000, "resident"));
        var virtual = model("virtual threads", "heap", new Stop(Stop.STEPS, "all"),
                step(10, 0.01, 20_000, 11_000, "heap"));
        CapacityFinding f = CapacityFinding.of(BUDGET, -1, LIMITS, List.of(platform, virtual));
        assertThat(f.verdicts().get(1)).contains("does not show at this scale");
        var none = model("platform threads", "resident", new Stop(Stop.LIMIT, "creating thread 1 failed"),
                CapacityFinding.Step.of(new Held(10, 0, 0, 0, null, new Stop(Stop.LIMIT, "x")), "resident"));
        CapacityFinding g = CapacityFinding.of(BUDGET, -1, LIMITS, List.of(none, virtual));
        assertThat(g.models().getFirst().held()).isZero();
        assertThat(g.verdicts().get(0)).startsWith("platform threads: none held (limit: creating thread 1 failed)");
        assertThat(g.verdicts().get(1)).contains("cannot be judged");
    }

    @Test
    void jsonCarriesBudgetsLimitsModelsAndSteps() throws Exception {
        JsonNode json = Json.mapper().readTree(Json.mapper().writeValueAsString(typical()));
        assertThat(json.get("memory_budget_bytes").asLong()).isEqualTo(2L << 30);
        assertThat(json.get("time_budget_s").asDouble()).isEqualTo(20);
        assertThat(json.get("load_average").asDouble()).isEqualTo(0.4);
        assertThat(json.get("limits").get("threads_max").asLong()).isEqualTo(192_735);
        assertThat(json.get("limits").get("max_user_processes").asLong()).isEqualTo(96_367);
        assertThat(json.get("limits").get("threads_in_use").asLong()).isEqualTo(400);
        assertThat(json.get("limits").get("stack_bytes").asLong()).isEqualTo(1L << 20);
        JsonNode virtual = json.get("models").get(1);
        assertThat(virtual.get("model").asText()).isEqualTo("virtual threads");
        assertThat(virtual.get("memory").asText()).isEqualTo("heap");
        assertThat(virtual.get("held").asInt()).isEqualTo(1_000_000);
        assertThat(virtual.get("bytes_per_unit").asDouble()).isEqualTo(1126);
        assertThat(virtual.get("start_s").asDouble()).isEqualTo(1.2);
        assertThat(virtual.get("stop").asText()).isEqualTo("steps");
        assertThat(virtual.get("why").asText()).isEqualTo("it held every step");
        JsonNode step = virtual.get("steps").get(1);
        for (String field : List.of("units", "started", "held", "start_s", "release_s", "resident_delta_bytes",
                "heap_delta_bytes", "bytes_per_unit")) {
            assertThat(step.has(field)).as(field).isTrue();
        }
        assertThat(json.get("verdicts")).hasSize(2);
    }

    @Test
    void rendersATableAndReasonsWithinOneHundredColumns() {
        String text = typical().render();
        assertThat(text).startsWith("capacity: concurrent sleeping units per model\n")
                .contains("model            | units     | start  | release | heap/unit | resident/unit | held",
                        "virtual threads stopped at 1,000,000 (steps): it held every step.");
        assertThat(text.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(100));
    }

    @Test
    void aDeltaThatShrankReadsAsAboutNothingNotAsANegativeSize() {
        // The resident set moved by more than a thousand small units cost: the delta is noise, not memory freed.
        CapacityFinding finding = CapacityFinding.of(BUDGET, 0.4, LIMITS, List.of(
                model("coroutines", "heap", new Stop(Stop.STEPS, "it held every step"),
                        step(1_000, 0.01, -1_200_000_000L, 650_000, "heap"))));
        String row = finding.render().lines().filter(line -> line.startsWith("coroutines")).findFirst().orElseThrow();
        assertThat(row).contains(" ~0 |").doesNotContain("-1");
    }
}
