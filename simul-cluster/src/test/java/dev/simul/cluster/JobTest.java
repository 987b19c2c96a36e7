package dev.simul.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a member's answer is written and read back. */
class JobTest {

    @Test
    void plainResultsTravelAsThemselvesAndComeBackEqual() throws Exception {
        String lone = "a\uD800b"; // a lone surrogate, which UTF-8 cannot carry
        List<Object> values = Arrays.asList(null, 42, -7L, 2.5, Double.NaN, true, false, "", "hé 🎉", lone,
                "x".repeat(21_845));
        for (Object v : values) {
            byte[] outcome = Job.Outcome.ok(v);
            assertThat(outcome[0]).as(String.valueOf(v)).isEqualTo(Job.Outcome.VALUE);
            assertThat(Job.Outcome.readValue(outcome)).isEqualTo(v);
        }
    }

    @Test
    void anArrayListOfPlainValuesTravelsAsItself() throws Exception {
        ArrayList<Object> chunk = new ArrayList<>(Arrays.asList(1, null, "two", 3L, 4.0, true));
        byte[] outcome = Job.Outcome.ok(chunk);
        assertThat(outcome[0]).isEqualTo(Job.Outcome.VALUE);
        assertThat(Job.Outcome.readValue(outcome)).isEqualTo(chunk).isInstanceOf(ArrayList.class);
        assertThat(Job.Outcome.readValue(Job.Outcome.ok(new ArrayList<>()))).isEqualTo(List.of());
    }

    @Test
    void otherResultsAreSerialized() {
        assertThat(Job.Outcome.ok(new ArrayList<>(List.of(1, List.of(2))))[0]).as("nested").isEqualTo(Job.Outcome.OK);
        assertThat(Job.Outcome.ok(List.of(1, 2))[0]).as("not an ArrayList: its class is kept").isEqualTo(
                Job.Outcome.OK);
        assertThat(Job.Outcome.ok("x".repeat(21_846))[0]).isEqualTo(Job.Outcome.OK);
        assertThat(Job.Outcome.ok(new Object())[0]).as("not serializable").isEqualTo(Job.Outcome.ERROR);
    }
}
