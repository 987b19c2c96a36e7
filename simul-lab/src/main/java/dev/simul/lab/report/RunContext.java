package dev.simul.lab.report;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * What a lab report was measured with, so that two reports can be told apart and a run repeated: which simul (its
 * version and git commit), when, what was asked for, and the JVM. The JSON's {@code context}.
 *
 * <p>{@code date}, {@code scale} and {@code repeat} are also top-level keys of the report, where earlier readers
 * find them; here they sit with the rest of what a run depends on.
 *
 * @param simulVersion the Maven version simul was built as ({@code 0.1.0-SNAPSHOT}), or null if unknown
 * @param gitCommit    the commit of the checkout simul runs from (abbreviated hash), or null: not run from a git
 *                     checkout, or git missing or slow
 * @param gitDirty     whether that checkout had changes to tracked files not committed (the measured code is then
 *                     not quite {@code gitCommit}), or null where the commit is
 * @param date         when the lab ran (ISO-8601), as the report's {@code date}
 * @param arguments    the command line after {@code simul}, as given
 * @param experiments  the experiments asked for
 * @param workloads    the matrix's workloads asked for
 * @param modes        the matrix's modes asked for
 * @param workers      {@code --workers}, or null for each mode's and workload's default
 * @param scale        the size factor
 * @param repeat       measured runs per cell
 * @param warmupS      the warm-up asked for per cell, seconds
 * @param jvmVersion   the JVM's version ({@code 25.0.3+9-LTS})
 * @param jvmFlags     the JVM's command-line flags ({@code RuntimeMXBean.getInputArguments()})
 */
public record RunContext(String simulVersion, String gitCommit, Boolean gitDirty, String date,
                         List<String> arguments, List<String> experiments, List<String> workloads,
                         List<String> modes, Integer workers, double scale, int repeat, double warmupS,
                         String jvmVersion, List<String> jvmFlags) {

    /** How long git may take to answer: a hung or slow git costs a report no more than this, twice. */
    static final long GIT_TIMEOUT_MS = 2_000;

    public RunContext {
        arguments = List.copyOf(arguments);
        experiments = List.copyOf(experiments);
        workloads = List.copyOf(workloads);
        modes = List.copyOf(modes);
        jvmFlags = List.copyOf(jvmFlags);
    }

    /**
     * The context of a lab run in this JVM: simul's version and commit, and the JVM's, looked up now; the rest as
     * given. Never fails for want of git or of a version: those are then null.
     */
    public static RunContext of(String date, List<String> arguments, List<String> experiments,
                                List<String> workloads, List<String> modes, Integer workers, double scale,
                                int repeat, double warmupS) {
        Git git = Git.of(codeFolder());
        return new RunContext(dev.simul.lab.Version.built(), git.commit(), git.dirty(), date, arguments, experiments, workloads,
                modes, workers, scale, repeat, warmupS, Runtime.version().toString(),
                ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    /** The folder of simul's classes: the jar's folder ({@code simul-lab/target}), or the class folder; or null. */
    static Path codeFolder() {
        try {
            var source = RunContext.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return null;
            }
            Path at = Path.of(source.getLocation().toURI());
            return Files.isDirectory(at) ? at : at.getParent();
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The commit of the git checkout {@code folder} is in, asked of git itself at run time: cheaper than a Maven
     * plugin recording it at build time, and true to what runs (./simul rebuilds when a source changes, not when a
     * commit is made, so a commit recorded at build time would lag behind the checkout).
     *
     * @param commit the abbreviated hash of HEAD, or null
     * @param dirty  whether tracked files differ from it, or null
     */
    record Git(String commit, Boolean dirty) {

        static final Git UNKNOWN = new Git(null, null);

        static Git of(Path folder) {
            if (folder == null) {
                return UNKNOWN;
            }
            Answer head = run(folder, "rev-parse", "--short=12", "HEAD");
            if (head == null || head.exit() != 0 || !head.out().strip().matches("[0-9a-f]{7,40}")) {
                return UNKNOWN;
            }
            // Exit 1 when tracked files differ from HEAD; no output to read, however many files changed.
            Answer diff = run(folder, "diff", "--quiet", "HEAD", "--");
            Boolean dirty = diff == null || diff.exit() > 1 ? null : diff.exit() == 1;
            return new Git(head.out().strip(), dirty);
        }

        private record Answer(int exit, String out) {
        }

        /** How {@code git -C folder args} exited and what it printed, if within {@link #GIT_TIMEOUT_MS}; else null. */
        private static Answer run(Path folder, String... args) {
            List<String> command = new java.util.ArrayList<>(List.of("git", "-C", folder.toString()));
            command.addAll(List.of(args));
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
            // A GIT_DIR set by a caller (a hook, a script) would point git at another repository than simul's.
            builder.environment().keySet().removeIf(k -> k.startsWith("GIT_"));
            Process process = null;
            try {
                process = builder.start();
                process.getOutputStream().close();
                // The output is a line at most: it fits the pipe, so reading after the wait cannot block git.
                if (!process.waitFor(GIT_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                    return null;
                }
                String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                return new Answer(process.exitValue(), out);
            } catch (IOException e) { // no git on the PATH
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } finally {
                if (process != null) {
                    process.destroyForcibly();
                }
            }
        }
    }
}
