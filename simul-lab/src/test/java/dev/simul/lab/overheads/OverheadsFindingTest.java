package dev.simul.lab.overheads;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.simul.lab.report.Json;
import org.junit.jupiter.api.Test;

class OverheadsFindingTest {

    @Test
    void jsonKeepsTheContractFieldNames() throws Exception {
        OverheadsFinding finding = OverheadsFinding.of(ClaimsTest.typical());
        JsonNode json = Json.mapper().readTree(Json.mapper().writeValueAsString(finding));
        assertThat(json.fieldNames()).toIterable().containsExactly("units", "verdicts");
        JsonNode first = json.get("units").get(0);
        assertThat(first.fieldNames()).toIterable().containsExactly("model", "create_join_ns", "switch_ns",
                "bytes_per_idle_unit", "idle_units", "how_switch_was_timed", "how_memory_was_measured");
        assertThat(first.get("model").asText()).isEqualTo("method_call");
        assertThat(json.get("units").get(4).get("create_join_ns").asDouble()).isEqualTo(300_000_000);
        assertThat(json.get("verdicts")).hasSize(4);
    }

    @Test
    void rendersATitleATableAndTheVerdictsWithinTheWidth() {
        String text = OverheadsFinding.of(ClaimsTest.typical()).render();
        assertThat(text).startsWith("overheads: ");
        assertThat(text).contains("platform thread |").contains("worker process").contains("Seed 002: you can run");
        assertThat(text.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(100));
    }

    @Test
    void wrapsAtSpacesAndIndentsTheRest() {
        String text = OverheadsFinding.wrap("word ".repeat(30).strip(), "", "  ");
        assertThat(text.lines()).hasSize(2);
        assertThat(text.lines().toList().get(1)).startsWith("  word");
        assertThat(text.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(100));
    }
}
