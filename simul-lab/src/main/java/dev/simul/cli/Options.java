package dev.simul.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
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

    static void checkScale(CommandSpec spec, double scale) {
        if (!(scale > 0) || scale > 100) {
            throw usage(spec, "--scale must be above 0 and at most 100, got " + scale);
        }
    }

    /**
     * Fails now, before any work, if {@code file} could not be written later, so that nothing measured is lost:
     * an existing file must open for writing (it is not truncated), a new one must be creatable (a probe file is
     * created and deleted beside it).
     */
    static void checkWritable(CommandSpec spec, String option, Path file) {
        if (file == null) {
            return;
        }
        Path absolute = file.toAbsolutePath();
        Path folder = absolute.getParent();
        String problem = null;
        try {
            if (Files.isDirectory(absolute)) {
                problem = "it is a folder";
            } else if (folder == null || !Files.isDirectory(folder)) {
                problem = "folder " + folder + " does not exist";
            } else if (Files.exists(absolute)) {
                FileChannel.open(absolute, StandardOpenOption.WRITE).close();
            } else {
                Files.delete(Files.createTempFile(folder, ".simul-", ".probe"));
            }
        } catch (IOException | UnsupportedOperationException e) {
            problem = reason(e);
        }
        if (problem != null) {
            throw usage(spec, "cannot write " + option + " " + file + ": " + problem);
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
