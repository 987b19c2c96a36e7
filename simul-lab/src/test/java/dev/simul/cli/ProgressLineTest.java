package dev.simul.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simul.lab.experiment.Cell;
import dev.simul.lab.experiment.Measurement;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Progress and colour decide by whether a person is at a terminal; a log or a pipe gets plain lines. */
class ProgressLineTest {

    static final Cell CELL = new Cell("cpu", "threads", 2, 4, 0.4, 0.8, 2.0,
            List.of(new Measurement(0.41, 0.8), new Measurement(0.4, 0.8), new Measurement(0.39, 0.8)), 1, 1.0);

    @Test
    void withoutATerminalEachMeasuredCellIsOnePlainLine() {
        StringWriter err = new StringWriter();
        try (ProgressLine progress = new ProgressLine(new PrintWriter(err), false)) {
            progress.starting("cpu", "threads", 1, 2, 0, 3);
            progress.starting("cpu", "threads", 1, 2, 1, 3);
            progress.measured(CELL);
            progress.step("race", "threads: AtomicLong");
            progress.done("race");
        }
        assertThat(err.toString()).isEqualTo("simul lab: cpu on threads: 0.40 s (3 runs)\nsimul lab: race done\n");
    }

    @Test
    void onATerminalOneLineIsRewrittenInPlaceAndClearedAtTheEnd() {
        StringWriter err = new StringWriter();
        try (ProgressLine progress = new ProgressLine(new PrintWriter(err), true)) {
            progress.starting("cpu", "threads", 1, 2, 0, 3);
            progress.measured(CELL);
            progress.step("race", "threads: AtomicLong");
        }
        assertThat(err.toString()).startsWith("\r[1/2] cpu on threads: warm-up").contains("\rrace: threads: AtomicLong")
                .doesNotContain("\n", "simul lab: cpu").endsWith("\r");
    }

    @Test
    void colourOnlyOnATerminalAndNeverWithNoColorSet() {
        assertThat(Terminal.colour(true, Map.of())).isTrue();
        assertThat(Terminal.colour(false, Map.of())).isFalse();
        assertThat(Terminal.colour(true, Map.of("NO_COLOR", "1"))).isFalse();
        assertThat(Terminal.colour(true, Map.of("NO_COLOR", "false"))).isFalse(); // any value: no-color.org
        assertThat(Terminal.colour(true, Map.of("NO_COLOR", ""))).isTrue(); // empty is unset
        assertThat(Terminal.colour(true, Map.of("TERM", "dumb"))).isFalse();
    }

    @Test
    void theTestsOwnStreamsAreNoTerminal() {
        // Surefire's fork writes to pipes: what a CI log sees.
        assertThat(Terminal.stdout()).isFalse();
        assertThat(Terminal.stderr()).isFalse();
    }
}
