package dev.simul.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A file a command writes after its work (the lab's {@code --json} and {@code --csv}), checked before the work so
 * that nothing measured is lost to a file that cannot be written. A regular file, or a new one, is written beside
 * itself under a temporary name and moved into place in one step: readers never see half a file, and the check can
 * be exact, since creating that temporary file is what the write will do (opening {@code /proc/version} for
 * writing succeeds; creating a file beside it does not). Anything else (a symbolic link such as {@code /dev/stdout},
 * a device, a pipe) is written in place, as before.
 */
final class OutputFile {

    private OutputFile() {
    }

    /** What writes the content. */
    interface Body {
        void write(Writer out) throws IOException;
    }

    /** Fails now, as a usage error naming {@code option}, if {@link #write} could not write {@code file} later. */
    static void check(CommandSpec spec, String option, Path file) {
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
            } else if (replaced(absolute)) {
                Files.delete(Files.createFile(temporary(absolute))); // what write() will do, then nothing left
            } else {
                FileChannel.open(absolute, StandardOpenOption.WRITE).close();
            }
        } catch (IOException | UnsupportedOperationException e) {
            problem = Options.reason(e);
        }
        if (problem != null) {
            throw Options.usage(spec, "cannot write " + option + " " + file + ": " + problem);
        }
    }

    /**
     * Writes {@code file} whole. If the temporary file cannot be moved into place, it is kept, and the exception's
     * message says where it is: what it holds is not lost.
     */
    static void write(Path file, Body body) {
        Path absolute = file.toAbsolutePath();
        if (!replaced(absolute)) {
            try (Writer out = Files.newBufferedWriter(absolute, StandardCharsets.UTF_8)) {
                body.write(out);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file + ": " + Options.reason(e), e);
            }
            return;
        }
        Path temporary = temporary(absolute);
        try {
            // Created with the default permissions (umask applies), unlike Files.createTempFile's owner-only ones.
            try (Writer out = Files.newBufferedWriter(Files.createFile(temporary), StandardCharsets.UTF_8)) {
                body.write(out);
            }
        } catch (IOException e) {
            delete(temporary);
            throw new UncheckedIOException("cannot write " + file + ": " + Options.reason(e), e);
        }
        try {
            if (Files.isRegularFile(absolute, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Files.setPosixFilePermissions(temporary, Files.getPosixFilePermissions(absolute));
                } catch (IOException | UnsupportedOperationException e) {
                    // the file keeps default permissions instead of the old one's
                }
            }
            Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + Options.reason(e) + "; what it was to"
                    + " hold is in " + temporary, e);
        }
    }

    /** Whether {@code file} is written beside itself and moved into place: a regular file (not a link) or none. */
    private static boolean replaced(Path file) {
        return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || !Files.exists(file, LinkOption.NOFOLLOW_LINKS);
    }

    /** A name beside {@code file}, hidden, and distinct for every process and call. */
    private static Path temporary(Path file) {
        return file.resolveSibling("." + file.getFileName() + "." + ProcessHandle.current().pid() + "."
                + System.nanoTime() + ".tmp");
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a temporary file; the error that matters is the caller's
        }
    }
}
