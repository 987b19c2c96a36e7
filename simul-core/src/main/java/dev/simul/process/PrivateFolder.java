package dev.simul.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** This user's private folders under the simul cache: the workers' AOT caches and crash logs. */
final class PrivateFolder {

    private PrivateFolder() {
    }

    /**
     * A folder of this user's simul cache ($XDG_CACHE_HOME/simul/NAME, else ~/.cache/simul/NAME), created
     * 0700, or null if it cannot be made safe: it must be a real folder (not a link), owned by this user and
     * closed to everyone else, since what it holds (class archives, crash logs) is read back or is private.
     */
    static Path of(String name) {
        try {
            String xdg = System.getenv("XDG_CACHE_HOME");
            Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                    : Path.of(System.getProperty("user.home"), ".cache");
            Path dir = cache.resolve("simul").resolve(name);
            if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir.getParent());
                Files.createDirectory(dir,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            java.nio.file.attribute.PosixFileAttributes attributes = Files.readAttributes(dir,
                    java.nio.file.attribute.PosixFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isDirectory() || attributes.isSymbolicLink()
                    || !attributes.permissions().equals(PosixFilePermissions.fromString("rwx------"))
                    || !attributes.owner().getName().equals(System.getProperty("user.name"))) {
                return null;
            }
            return dir.toRealPath();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
