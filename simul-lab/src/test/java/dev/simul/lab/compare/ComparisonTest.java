package dev.simul.lab.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ComparisonTest {

    /** A report with one cell per {@code workload/mode=run,run,...} entry. */
    static JsonNode report(String... cells) throws Exception {
        StringBuilder json = new StringBuilder("{\"results\": [");
        for (int i = 0; i < cells.length; i++) {
            String[] parts = cells[i].split("=");
            String[] names = parts[0].split("/");
            StringBuilder runs = new StringBuilder();
            for (String run : parts[1].split(",")) {
                runs.append(runs.isEmpty() ? "" : ",").append("{\"wall_s\": ").append(run).append(", \"cpu_s\": 0}");
            }
            json.append(i == 0 ? "" : ",").append("{\"workload\": \"").append(names[0]).append("\", \"mode\": \"")
                    .append(names[1]).append("\", \"runs\": [").append(runs).append("]}");
        }
        return new ObjectMapper().readTree(json.append("]}").toString());
    }

    @Test
    void aPlantedSlowdownIsFlaggedAndTheSameRunsAreNoDifference() throws Exception {
        JsonNode before = report("cpu/threads=0.40,0.41,0.42", "api/threads=1.20,1.21,1.20");
        JsonNode after = report("cpu/threads=0.80,0.81,0.79", "api/threads=1.20,1.22,1.19");
        Comparison c = Comparison.of(before, after, 0.1);
        assertThat(c.rows()).extracting(Comparison.Row::change)
                .containsExactly(Comparison.Change.SLOWER, Comparison.Change.SAME);
        assertThat(c.rows().getFirst().ratio()).isBetween(1.9, 2.0);
        assertThat(c.slowerBy(0.5)).isTrue();
        assertThat(c.slowerBy(1.5)).isFalse();
        assertThat(c.render()).contains("+95% slower", "~", "1 cell slower, 0 faster, 1 no difference");

        Comparison same = Comparison.of(before, before, 0.1);
        assertThat(same.rows()).allMatch(r -> r.change() == Comparison.Change.SAME && r.p() == 1.0);
        assertThat(same.slowerBy(0)).isFalse();
    }

    @Test
    void aSmallButSignificantDifferenceIsStillNoise() throws Exception {
        Comparison c = Comparison.of(report("cpu/threads=1.00,1.01,1.02"), report("cpu/threads=1.03,1.04,1.05"), 0.1);
        assertThat(c.rows().getFirst().p()).isEqualTo(0.1);
        assertThat(c.rows().getFirst().change()).isEqualTo(Comparison.Change.SAME);
    }

    @Test
    void tooFewRunsAreSaidToBeTooFew() throws Exception {
        Comparison c = Comparison.of(report("cpu/threads=1,1,1"), report("cpu/threads=2,2,2"), 0.05);
        assertThat(c.rows().getFirst().change()).isEqualTo(Comparison.Change.SAME);
        assertThat(c.render()).contains("With 3 runs a cell, no p-value can reach 0.05");
    }

    @Test
    void cellsOfOneRunOnlyAreListed() throws Exception {
        Comparison c = Comparison.of(report("cpu/threads=1", "cpu/loop=2"), report("cpu/threads=1", "cpu/auto=1"), 0.1);
        assertThat(c.onlyBefore()).containsExactly("cpu on loop");
        assertThat(c.onlyAfter()).containsExactly("cpu on auto");
        assertThat(c.render()).contains("only in the first: cpu on loop", "only in the second: cpu on auto");
    }

    @Test
    void whatIsNotAReportIsRefusedWithWhy() {
        ObjectMapper json = new ObjectMapper();
        assertThatThrownBy(() -> Comparison.of(json.readTree("{\"machine\": {}}"), report("a/b=1"), 0.1))
                .hasMessageContaining("the first file is not a lab report");
        assertThatThrownBy(() -> Comparison.of(report("a/b=1"), json.readTree("{\"results\": [{\"workload\": \"a\"}]}"),
                0.1)).hasMessageContaining("the second file has a result without");
        assertThatThrownBy(() -> Comparison.of(report("a/b=1"), report("a/b=1"), 1.5)).hasMessageContaining("alpha");
    }
}
