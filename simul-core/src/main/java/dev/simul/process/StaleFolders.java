package dev.simul.process;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The folders that pools leave in the temp folder when their JVM dies without closing them (SIGKILL, a crash):
 * each holds a dead socket. A pool names its folder after its own pid, {@code simul-pool-<pid>-<random>}
 * ({@link #prefix}), so that the next pool can tell whose it is and remove it ({@link #removeStale}).
 *
 * <p>Only what is certainly stale goes: a folder of this user's, not a link, named after a pid that is gone (or now
 * belongs to a process started after the folder was last written, a pid reused), whose socket nobody answers.
 * The last check covers a live pool whose pid this JVM cannot see (another pid namespace sharing the temp folder).
 * Nothing is followed through a link: a link in the folder is removed as a link.
 */
final class StaleFolders {

    /** The start of every pool folder's name. */
    static final String PREFIX = "simul-pool-";

    /** {@code simul-pool-<pid>-<random>}: what {@code Files.createTempDirectory(prefix(), ...)} makes. */
    private static final Pattern NAME = Pattern.compile("simul-pool-(\\d{1,19})-[^/]+");

    private StaleFolders() {
    }

    /** The prefix for this JVM's pool folders: {@code simul-pool-<this pid>-}. */
    static String prefix() {
        return PREFIX + ProcessHandle.current().pid() + "-";
    }

    /** The pid a pool folder's name gives, or -1 if it is not a pool folder of this naming. */
    static long ownerPid(String name) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            return -1;
        }
        try {
            return Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Removes the stale pool folders in {@code tmpDir} and returns how many it removed. Never throws: this is
     * housekeeping, and a pool works without it.
     */
    static int removeStale(Path tmpDir) {
        int removed = 0;
        String me = System.getProperty("user.name");
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmpDir, PREFIX + "*")) {
            for (Path folder : entries) {
                try {
                    if (isStale(folder, me)) {
                        delete(folder);
                        removed++;
                    }
                } catch (IOException | RuntimeException e) {
                    // another pool removing it too, or not ours to remove: leave it
                }
            }
        } catch (IOException | RuntimeException e) {
            // no temp folder to list
        }
        return removed;
    }

    /** Whether {@code folder} is a pool folder of user {@code me} whose pool is certainly gone. */
    static boolean isStale(Path folder, String me) throws IOException {
        long pid = ownerPid(folder.getFileName().toString());
        if (pid < 0 || pid == ProcessHandle.current().pid()) {
            return false;
        }
        PosixFileAttributes attributes = Files.readAttributes(folder, PosixFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isDirectory() || attributes.isSymbolicLink() || !attributes.owner().getName().equals(me)) {
            return false;
        }
        Instant written = attributes.lastModifiedTime().toInstant();
        Optional<ProcessHandle> owner = ProcessHandle.of(pid);
        if (owner.isPresent() && owner.get().isAlive()) {
            // Alive: the owner, unless that pid was reused by a process that started after the folder was written.
            Optional<Instant> started = owner.get().info().startInstant();
            if (started.isEmpty() || !started.get().isAfter(written)) {
                return false;
            }
        }
        return !answers(folder.resolve("s"));
    }

    /** Whether something listens on the socket at {@code socket}: a live pool that this JVM cannot see. */
    private static boolean answers(Path socket) {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(socket)) {
            return false;
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false; // refused: nobody listens
        }
    }

    /** Deletes {@code folder} and what it holds, never following a link (a link is deleted, not its target). */
    private static void delete(Path folder) throws IOException {
        Files.walkFileTree(folder, EnumSet.noneOf(java.nio.file.FileVisitOption.class), Integer.MAX_VALUE,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                        Files.deleteIfExists(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                        Files.deleteIfExists(dir);
                        return FileVisitResult.CONTINUE;
                    }
                });
    }
}
