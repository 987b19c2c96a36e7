package dev.simul.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simul.lab.compare.Comparison;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code simul lab compare}: two lab runs side by side, and whether each cell changed beyond the noise. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Compares two reports of simul lab --json, cell by cell: the ratio of the medians, and whether"
                + " the difference is beyond the noise (Mann-Whitney U on the cells' runs, p <= --alpha, and more than"
                + " 5%% apart). Exits 0, or 1 with --fail-above when a cell got slower by more than that.")
final class CompareCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BEFORE.json", description = "the earlier run")
    Path before;

    @Parameters(index = "1", paramLabel = "AFTER.json", description = "the later run")
    Path after;

    @Option(names = "--alpha", paramLabel = "A", defaultValue = "0.1",
            description = "significance level (default: ${DEFAULT-VALUE}; with 3 runs a cell, 0.1 is the smallest"
                    + " p-value a change can reach)")
    double alpha;

    @Option(names = "--fail-above", paramLabel = "PCT",
            description = "exit 1 when a cell got slower, beyond the noise, by more than PCT percent (for CI)")
    Double failAbove;

    @Override
    public Integer call() {
        if (!(alpha > 0 && alpha < 1)) {
            throw Options.usage(spec, "--alpha must be between 0 and 1, got " + alpha);
        }
        if (failAbove != null && !(failAbove >= 0)) {
            throw Options.usage(spec, "--fail-above must be a percentage of 0 or more, got " + failAbove);
        }
        Comparison comparison;
        try {
            comparison = Comparison.of(read(before), read(after), alpha);
        } catch (IllegalArgumentException e) {
            throw Options.usage(spec, e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(comparison.render());
        out.flush();
        return failAbove != null && comparison.slowerBy(failAbove / 100) ? 1 : 0;
    }

    private JsonNode read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw Options.usage(spec, file + ": no such file");
        }
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (JacksonException e) {
            throw Options.usage(spec, file + " is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw Options.usage(spec, file + ": cannot read it: " + e.getMessage());
        }
    }
}
