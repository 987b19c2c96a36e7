package dev.simul.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The pool's workers' command line, and the ahead-of-time cache that keeps their start-up short (JDK 25's AOT
 * cache: classes loaded and linked, and method profiles, so a worker starts in about 100 ms instead of 160-210;
 * in this user's cache folder, see {@link PrivateFolder}). The cache is made once, by one worker of the first
 * pool that finds none: that worker (the "trainer") records what it loads, tasks' classes included, and writes
 * the cache to a file of its own when it exits (this takes a second or so, once); the pool then moves that
 * file into place in one step, and every later worker maps it. Nobody else writes it, so two pools never race
 * on it.
 */
final class WorkerCommand {
    private final List<String> base;
    private final List<String> tail;
    private final Path archive;

    private WorkerCommand(List<String> base, List<String> tail, Path archive) {
        this.base = base;
        this.tail = tail;
        this.archive = archive;
    }

    static WorkerCommand of(List<String> jvmOptions) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("java.class.path");
        // Serial GC: a worker is one core's worth of work, and starts faster with it. No --add-exports:
        // it would turn off the archived module graph, and a worker's tasks run on plain threads.
        List<String> base = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-XX:-UsePerfData",
                "-XX:+ExitOnOutOfMemoryError", "-Xlog:aot=off,cds=off"));
        Path crashes = PrivateFolder.of("crashes"); // a JVM's crash log holds its command line and environment
        if (crashes != null) {
            base.add("-XX:ErrorFile=" + crashes.resolve("hs_err_pid%p.log"));
        }
        List<String> tail = new ArrayList<>(jvmOptions);
        tail.addAll(List.of("-cp", classPath, WorkerMain.class.getName()));
        List<Path> jars = jars(classPath);
        Path archive = jars == null ? null : archive(java, classPath, jars, jvmOptions);
        return new WorkerCommand(List.copyOf(base), List.copyOf(tail), archive);
    }

    /** Whether there is an archive to map. */
    boolean archived() {
        return archive != null && Files.isRegularFile(archive);
    }

    /** Whether a worker could make the archive: there is none yet, and the class path allows one. */
    boolean trainable() {
        return archive != null && !Files.exists(archive);
    }

    /** The command for a worker; {@code trainingOutput} is where a trainer writes its archive, else null. */
    List<String> command(Path trainingOutput) {
        List<String> command = new ArrayList<>(base);
        if (trainingOutput != null) {
            command.add("-XX:AOTCacheOutput=" + trainingOutput);
        } else if (archived()) {
            command.add("-XX:AOTCache=" + archive);
        }
        command.addAll(tail);
        return command;
    }

    /** A trainer's file, in the archive's folder. */
    Path trainingOutput() {
        return archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid() + "."
                + System.nanoTime() + ".tmp.aot");
    }

    /**
     * Puts a trainer's archive in place, if it wrote one and exited cleanly (a killed trainer may have left
     * half a file, which a JVM would silently ignore), and says whether it did; a failure only means no
     * archive yet.
     */
    boolean install(Path trained, boolean exitedCleanly) {
        try {
            if (exitedCleanly && Files.isRegularFile(trained) && Files.size(trained) > 0) {
                Files.move(trained, archive, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                return true;
            }
            return false;
        } catch (IOException e) {
            // another pool's trainer got there first (a cache all the same), or the folder went away
            return Files.isRegularFile(archive);
        } finally {
            try {
                Files.deleteIfExists(trained);
                // The JVM records into NAME.config first; a trainer killed before it wrote the cache leaves it.
                Files.deleteIfExists(trained.resolveSibling(trained.getFileName() + ".config"));
            } catch (IOException ignored) {
                // a temp file
            }
            prune(archive.getParent());
        }
    }

    /** The pid of the pool a trainer's file belongs to ({@code worker-HASH.aot.PID.NANOS.tmp.aot...}), or null. */
    static Long poolPid(String name) {
        String[] parts = name.split("\\.");
        try {
            return parts.length > 3 && parts[1].equals("aot") ? Long.parseLong(parts[2]) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Caches kept per user: the most recently written; older ones were for class paths since rebuilt. */
    static final int CACHES_KEPT = 8;

    /**
     * Keeps the {@link #CACHES_KEPT} newest caches, and drops the files of trainers whose pool is gone. Such a
     * file is named after its pool's pid ({@link #trainingOutput}), and a trainer's configuration file keeps
     * the time it started at until it exits: age alone would not tell a dead trainer from a slow one.
     */
    static void prune(Path dir) {
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            long now = System.currentTimeMillis();
            List<Path> caches = new ArrayList<>();
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.contains(".tmp.aot")) {
                    long age = now - Files.getLastModifiedTime(f).toMillis();
                    Long pool = poolPid(name);
                    boolean poolGone = pool != null && ProcessHandle.of(pool).map(p -> !p.isAlive()).orElse(true);
                    if (poolGone ? age > 60_000 : pool == null && age > 86_400_000) {
                        Files.deleteIfExists(f);
                    }
                } else if (name.startsWith("worker-") && name.endsWith(".aot") && !name.contains(".tmp")) {
                    caches.add(f);
                }
            }
            caches.sort(java.util.Comparator.comparingLong((Path f) -> {
                try {
                    return Files.getLastModifiedTime(f).toMillis();
                } catch (IOException e) {
                    return 0L;
                }
            }).reversed());
            for (Path old : caches.subList(Math.min(CACHES_KEPT, caches.size()), caches.size())) {
                Files.deleteIfExists(old);
            }
        } catch (IOException | RuntimeException e) {
            // pruning is housekeeping: the pool works without it
        }
    }

    /**
     * The jars the class path names, with those their manifests' Class-Path adds, and theirs in turn (resolved
     * against the naming jar's folder, as the JVM does), or null if any entry is not a jar: the JVM archives
     * classes from jars only.
     */
    static List<Path> jars(String classPath) {
        java.util.LinkedHashSet<Path> jars = new java.util.LinkedHashSet<>();
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            if (!entry.endsWith(".jar") || !addJar(Path.of(entry), jars)) {
                return null;
            }
        }
        return List.copyOf(jars);
    }

    /** Adds {@code jar} and what its manifest's Class-Path names; false if any of them is not a jar. */
    private static boolean addJar(Path jar, java.util.Set<Path> jars) {
        if (!jars.add(jar)) {
            return true; // named twice: the JVM reads it once
        }
        if (!Files.isRegularFile(jar)) {
            return false;
        }
        try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
            java.util.jar.Manifest manifest = file.getManifest();
            String more = manifest == null ? null
                    : manifest.getMainAttributes().getValue(java.util.jar.Attributes.Name.CLASS_PATH);
            for (String ref : more == null ? new String[0] : more.trim().split("\\s+")) {
                if (!ref.isEmpty() && (!ref.endsWith(".jar")
                        || !addJar(jar.toAbsolutePath().getParent().resolve(ref).normalize(), jars))) {
                    return false;
                }
            }
            return true;
        } catch (IOException | java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    /**
     * An AOT cache for this JDK, class path and options, in a folder only this user can write
     * (an archive someone else could replace would be code they could inject); null if there is none.
     */
    private static Path archive(String java, String classPath, List<Path> jars, List<String> jvmOptions) {
        Path dir = PrivateFolder.of("aot");
        if (dir == null) {
            return null;
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((java + "\n" + System.getProperty("java.vm.version") + "\n" + classPath + "\n"
                    + String.join(" ", jvmOptions)).getBytes(StandardCharsets.UTF_8));
            // A rebuilt jar at the same path makes a cache the JVM will not use: it gets a name of its own.
            for (Path jar : jars) {
                sha.update(("\n" + Files.size(jar) + " " + Files.getLastModifiedTime(jar).toMillis())
                        .getBytes(StandardCharsets.UTF_8));
            }
            return dir.resolve("worker-" + HexFormat.of().formatHex(sha.digest(), 0, 12) + ".aot");
        } catch (java.security.NoSuchAlgorithmException | IOException e) {
            return null;
        }
    }
}
