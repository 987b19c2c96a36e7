package dev.simul.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Checks shared by the commands; each failure is a usage error (exit 2) with one clear line. */
final class Options {

    private Options() {
    }

    static ParameterException usage(CommandSpec spec, String message) {
        return new ParameterException(spec.commandLine(), message);
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

    static void checkScale(CommandSpec spec, double scale) {
        if (!(scale > 0) || scale > 100) {
            throw usage(spec, "--scale must be above 0 and at most 100, got " + scale);
        }
    }

    /** Fails now, before any work, if {@code file} could not be written later: nothing measured is then lost. */
    static void checkWritable(CommandSpec spec, String option, Path file) {
        if (file == null) {
            return;
        }
        Path absolute = file.toAbsolutePath();
        Path folder = absolute.getParent();
        String problem = null;
        if (Files.isDirectory(absolute)) {
            problem = "it is a folder";
        } else if (folder == null || !Files.isDirectory(folder)) {
            problem = "folder " + folder + " does not exist";
        } else if (Files.exists(absolute) ? !Files.isWritable(absolute) : !Files.isWritable(folder)) {
            problem = "permission denied";
        }
        if (problem != null) {
            throw usage(spec, "cannot write " + option + " " + file + ": " + problem);
        }
    }
}
