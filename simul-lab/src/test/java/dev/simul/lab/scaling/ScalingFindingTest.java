package dev.simul.lab.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.simul.lab.report.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Verdicts and JSON from fixed numbers: what a 2-processor machine could measure. */
class ScalingFindingTest {

    static final int[] WORKERS = {1, 2, 4, 8, 16};

    static ScalingFinding.Curve curve(String name, int tasks, double[] throughput, double[] cores) {
        List<ScalingFinding.Point> points = new ArrayList<>();
        for (int i = 0; i < WORKERS.length; i++) {
            points.add(ScalingFinding.Point.of(WORKERS[i], tasks, List.of(throughput[i]), List.of(cores[i])));
        }
        return new ScalingFinding.Curve(name, "test tasks", points);
    }

    static final double[] CPU_CORES = {1, 2, 2, 2, 2};
    static final double[] IO_CORES = {0.01, 0.01, 0.02, 0.03, 0.05};

    /** A CPU curve that peaks at the 2 cores and sags a little past them; sleeps that scale linearly. */
    static ScalingFinding typical() {
        var cpu = curve("cpu", 32, new double[] {10, 19.6, 19.4, 19.0, 18.5}, CPU_CORES);
        var io = curve("io", 4, new double[] {32, 64, 128, 255, 505}, IO_CORES);
        return ScalingFinding.of(2, 0.5, 3, cpu, io, 0.03, 0.8);
    }

    @Test
    void theCpuCurvePeaksAtTheCoresAndTheFitsSayWhy() {
        ScalingFinding f = typical();
        assertThat(f.cpuFit().bestWorkers()).isEqualTo(2);
        assertThat(f.verdicts().get(0)).startsWith("cpu peaks at 2 workers (1.96x one worker's throughput) = the 2 processors")
                .contains("at 16 workers it runs at 94% of the peak: workers beyond the cores only take turns")
                .doesNotContain("got at most");
        assertThat(f.cpuFit().amdahlSerialFraction()).isCloseTo(2 / 1.96 - 1, within(1e-9));
        assertThat(f.cpuFit().uslSigma()).isPositive();
        assertThat(f.cpuFit().uslKappa()).isPositive();
        assertThat(f.verdicts().get(1)).startsWith("USL fit: sigma=").contains("kappa=", "peaks at N*=",
                "Amdahl over 1 to 2 workers: serial fraction s=0.020, so at most 49x on any number of cores");
    }

    @Test
    void sleepsFollowLittlesLawAndWantAsManyWorkersAsWaits() {
        ScalingFinding f = typical();
        assertThat(f.ioFit().breakpointWorkers()).isNull();
        assertThat(f.ioFit().bestWorkers()).isEqualTo(16);
        assertThat(f.ioFit().littleThroughput().get(4)).isCloseTo(16 / 0.03, within(1e-9));
        assertThat(f.verdicts().get(2)).startsWith("io (sleeps of 30 ms) follows Little's law")
                .contains("every count up to 16 workers (at worst 95% of N / L)", "best: 16 workers");
        assertThat(f.verdicts().get(3)).contains("one worker per processor (2 workers here, on 2)",
                "(16 workers here, 8.00x the processors, and more would still help)");
    }

    @Test
    void aBreakpointIsNamedWithTheLastCountWhereTheLawHeld() {
        var cpu = curve("cpu", 32, new double[] {10, 20, 20, 20, 20}, CPU_CORES);
        var io = curve("io", 4, new double[] {32, 64, 128, 150, 160}, IO_CORES);
        ScalingFinding f = ScalingFinding.of(2, 0.5, 3, cpu, io, 0.03, 0.8);
        assertThat(f.ioFit().breakpointWorkers()).isEqualTo(8);
        assertThat(f.ioFit().bestWorkers()).isEqualTo(16); // 150 is not within 5% of 160
        assertThat(f.verdicts().get(2)).contains("follows Little's law up to 4 workers; at 8 workers it reaches 56%");
    }

    @Test
    void aMachineBusyElsewhereIsBlamedForAFlatCurve() {
        var cpu = curve("cpu", 32, new double[] {10, 10.5, 10.2, 10.4, 10.3}, new double[] {1, 1.1, 1, 1, 1});
        var io = curve("io", 4, new double[] {32, 64, 128, 255, 505}, IO_CORES);
        ScalingFinding f = ScalingFinding.of(2, 6.4, 3, cpu, io, 0.03, 0.8);
        assertThat(f.cpuFit().bestWorkers()).isEqualTo(1);
        assertThat(f.verdicts().get(0)).contains("cpu peaks at 1 worker (1.00x one worker's throughput), fewer than the 2 processors",
                "this JVM got at most 1.1 of the 2 processors", "the load average was 6.4");
    }

    @Test
    void oneProcessorHasNoAmdahlFit() {
        var cpu = curve("cpu", 32, new double[] {10, 10, 10, 10, 10}, new double[] {1, 1, 1, 1, 1});
        var io = curve("io", 4, new double[] {32, 64, 128, 255, 505}, IO_CORES);
        ScalingFinding f = ScalingFinding.of(1, -1, 3, cpu, io, 0.03, 0.8);
        assertThat(f.cpuFit().amdahlSerialFraction()).isNull();
        assertThat(f.verdicts().get(1)).contains("Amdahl: not fitted");
    }

    @Test
    void jsonCarriesTheCurvesTheFitsAndTheVerdicts() throws Exception {
        JsonNode json = Json.mapper().readTree(Json.mapper().writeValueAsString(typical()));
        assertThat(json.get("processors").asInt()).isEqualTo(2);
        assertThat(json.get("load_average").asDouble()).isEqualTo(0.5);
        assertThat(json.get("repeats").asInt()).isEqualTo(3);
        JsonNode point = json.get("cpu").get("points").get(1);
        assertThat(point.get("workers").asInt()).isEqualTo(2);
        assertThat(point.get("tasks").asInt()).isEqualTo(32);
        assertThat(point.get("throughput").asDouble()).isEqualTo(19.6);
        assertThat(point.get("cores_used").asDouble()).isEqualTo(2);
        assertThat(point.get("runs")).hasSize(1);
        JsonNode cpuFit = json.get("cpu_fit");
        for (String field : List.of("best_workers", "amdahl_serial_fraction", "amdahl_up_to", "usl_lambda",
                "usl_sigma", "usl_kappa", "usl_peak_workers", "usl_max_error_pct", "usl_throughput")) {
            assertThat(cpuFit.has(field)).as(field).isTrue();
        }
        JsonNode ioFit = json.get("io_fit");
        for (String field : List.of("best_workers", "latency_s", "fraction", "breakpoint_workers",
                "little_throughput", "ratio")) {
            assertThat(ioFit.has(field)).as(field).isTrue();
        }
        assertThat(ioFit.get("breakpoint_workers").isNull()).isTrue();
        assertThat(json.get("verdicts")).hasSize(4);
        assertThat(json.has("render")).isFalse();
    }

    @Test
    void rendersATableAndVerdictsWithinOneHundredColumns() {
        String text = typical().render();
        assertThat(text).startsWith("scaling: throughput against workers on 2 processors, median of 3 runs")
                .contains("workers | cpu tasks/s | speedup | cores | USL fit | io tasks/s | N / L | io / (N / L)",
                        "cpu peaks at 2 workers");
        assertThat(text.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(100));
    }
}
