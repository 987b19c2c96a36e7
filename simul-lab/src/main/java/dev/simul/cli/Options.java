package dev.simul.cli;

import dev.simul.runner.Mode;
import dev.simul.runner.Runners;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Checks shared by the commands; each failure is a usage error (exit 2) with one clear line. */
final class Options {

    private Options() {
    }

    static ParameterException usage(CommandSpec spec, String message) {
        // One line, whatever a cause's message brings along (a JSON parser's "at [Source: ...]" on a second line).
        return new ParameterException(spec.commandLine(), message.strip().replaceAll("\\s*\\R\\s*", " "));
    }

    /** Fails unless every name is in {@code known}. */
    static void checkNames(CommandSpec spec, String what, List<String> names, List<String> known) {
        for (String name : names) {
            if (!known.contains(name)) {
                throw usage(spec, "unknown " + what + " '" + name + "'; " + what + "s: " + String.join(", ", known));
            }
        }
        if (names.isEmpty()) {
            throw usage(spec, "no " + what + " given; " + what + "s: " + String.join(", ", known));
        }
    }

    static void checkPositive(CommandSpec spec, String option, Integer value) {
        if (value != null && value < 1) {
            throw usage(spec, option + " must be at least 1, got " + value);
        }
    }

    /**
     * The most workers any mode is given: far above what any of them runs well with (platform threads reserve a
     * stack each; a virtual-thread limit this high is no limit), so a count above it is a typo or a runaway script.
     */
    static final int MAX_WORKERS = 10_000;

    /**
     * The most workers {@code mode} is given: its own bound ({@link Mode#maxWorkers()}: a few per processor for a
     * mode whose workers are processes, such as processes and the lab's local cluster members), and
     * {@link #MAX_WORKERS} for every mode.
     */
    static int maxWorkers(String mode) {
        return Math.min(MAX_WORKERS, Runners.mode(mode).maxWorkers());
    }
    /**
     * Fails unless {@code value} is null or between 1 and the bound of every mode in {@code modes}, naming the
     * tightest bound it is over.
     */
    static void checkWorkers(CommandSpec spec, String option, Integer value, List<String> modes) {
        checkPositive(spec, option, value);
        if (value == null) {
            return;
        }
        String tightest = null;
        for (String mode : modes) {
            if (value > maxWorkers(mode) && (tightest == null || maxWorkers(mode) < maxWorkers(tightest))) {
                tightest = mode;
            }
        }
        if (tightest != null) {
            throw usage(spec, String.format(Locale.ROOT, "%s must be at most %,d for %s%s, got %d", option,
                    maxWorkers(tightest), tightest, Runners.mode(tightest).workerIsProcess()
                            ? " (" + Mode.MAX_PROCESSES_PER_PROCESSOR + " per processor)" : "", value));
        }
    }

    static void checkScale(CommandSpec spec, double scale) {
        if (!(scale > 0) || scale > 100) {
            throw usage(spec, "--scale must be above 0 and at most 100, got " + scale);
        }
    }

    /** Fails if two output options name the same file: the second would overwrite the first. */
    static void checkDistinct(CommandSpec spec, Path a, String optionA, Path b, String optionB) {
        if (a != null && b != null && a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
            throw usage(spec, optionA + " and " + optionB + " name the same file " + a);
        }
    }

    /** What went wrong with a file, in a few words. */
    static String reason(Exception e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "files cannot be created there";
        }
        if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
