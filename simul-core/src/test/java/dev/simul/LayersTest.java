package dev.simul;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simul.runner.Runner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package layers of simul-core, read from the compiled classes as jdeps would: the ground floor (the task API
 * and the runners' common part) depends on no mode, modes plug in from above, and no packages depend on each other
 * in a cycle.
 */
class LayersTest {

    /** Any reference a class file makes to a simul package: class entries, descriptors and signatures alike. */
    private static final Pattern REFERENCE = Pattern.compile("dev/simul/([a-z/]+)/[A-Z$]");

    @Test
    void theTaskAndRunnerPackagesDependOnNoOtherSimulPackage() throws IOException {
        Map<String, Set<String>> deps = dependencies();
        assertThat(deps.get("task")).as("dev.simul.task depends on").isEmpty();
        assertThat(deps.get("runner")).as("dev.simul.runner depends on").containsOnly("task");
    }

    @Test
    void noPackagesDependOnEachOtherInACycle() throws IOException {
        Map<String, Set<String>> deps = dependencies();
        List<String> cycles = new ArrayList<>();
        for (String start : deps.keySet()) {
            findCycle(start, start, deps, new ArrayList<>(List.of(start)), cycles);
        }
        assertThat(cycles).as("package cycles").isEmpty();
    }

    private static void findCycle(String start, String at, Map<String, Set<String>> deps, List<String> path,
                                  List<String> cycles) {
        for (String next : deps.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                cycles.add(String.join(" -> ", path) + " -> " + start);
            } else if (!path.contains(next) && next.compareTo(start) > 0) { // each cycle once, from its least package
                path.add(next);
                findCycle(start, next, deps, path, cycles);
                path.removeLast();
            }
        }
    }

    /** Package (below dev.simul, as "loop/sync" or "loop.sync") to the other simul packages its classes refer to. */
    private static Map<String, Set<String>> dependencies() throws IOException {
        Path classes;
        try {
            classes = Path.of(Runner.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .resolve("dev/simul");
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Set<String>> deps = new TreeMap<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String pkg = classes.relativize(file.getParent()).toString().replace('/', '.');
                Set<String> out = deps.computeIfAbsent(pkg, p -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
                while (m.find()) {
                    String other = m.group(1).replace('/', '.');
                    if (!other.equals(pkg)) {
                        out.add(other);
                    }
                }
            }
        }
        assertThat(deps).as("compiled packages").containsKeys("task", "runner", "loop", "process");
        return deps;
    }
}
