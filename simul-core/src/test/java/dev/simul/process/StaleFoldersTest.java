package dev.simul.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Which pool folders a new pool removes from the temp folder: only those certainly left by a dead pool. */
@EnabledOnOs({OS.LINUX, OS.MAC})
class StaleFoldersTest {

    @TempDir
    Path tmp;

    /** The pid of a process that has exited. */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    private Path poolFolder(long pid, String random) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("simul-pool-" + pid + "-" + random));
        Files.writeString(dir.resolve("s"), ""); // where the socket was
        return dir;
    }

    private String[] left() throws Exception {
        try (Stream<Path> entries = Files.list(tmp)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }

    @Test
    void theNamingGivesTheOwnersPid() {
        assertThat(StaleFolders.prefix()).isEqualTo("simul-pool-" + ProcessHandle.current().pid() + "-");
        assertThat(StaleFolders.ownerPid("simul-pool-1234-987654321")).isEqualTo(1234);
        assertThat(StaleFolders.ownerPid("simul-pool-987654321")).as("the old naming: no owner").isEqualTo(-1);
        assertThat(StaleFolders.ownerPid("simul-pool--1")).isEqualTo(-1);
        assertThat(StaleFolders.ownerPid("something-else-12-3")).isEqualTo(-1);
    }

    @Test
    void aFolderOfADeadPoolGoesWithItsContents() throws Exception {
        long dead = deadPid();
        poolFolder(dead, "111");

        assertThat(StaleFolders.removeStale(tmp)).isEqualTo(1);
        assertThat(left()).isEmpty();
    }

    @Test
    void aFolderOfALivePoolStays() throws Exception {
        long parent = ProcessHandle.current().parent().orElseThrow().pid(); // alive, and started before the folder
        poolFolder(parent, "222");
        poolFolder(ProcessHandle.current().pid(), "333"); // this JVM's own

        assertThat(StaleFolders.removeStale(tmp)).isZero();
        assertThat(left()).hasSize(2);
    }

    @Test
    void aFolderWhosePidWasReusedByALaterProcessGoes() throws Exception {
        Process later = new ProcessBuilder("sleep", "60").start();
        try {
            Path dir = poolFolder(later.pid(), "444");
            Files.setLastModifiedTime(dir, FileTime.from(Instant.now().minusSeconds(3600)));

            assertThat(StaleFolders.removeStale(tmp)).isEqualTo(1);
            assertThat(left()).isEmpty();
        } finally {
            later.destroyForcibly();
        }
    }

    @Test
    void aFolderWhoseSocketAnswersStaysThoughItsPidLooksDead() throws Exception {
        // A live pool in another pid namespace that shares the temp folder: its pid means nothing here.
        Path dir = Files.createDirectory(tmp.resolve("simul-pool-" + deadPid() + "-555"));
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(dir.resolve("s")));

            assertThat(StaleFolders.removeStale(tmp)).isZero();
            assertThat(left()).hasSize(1);
        }
    }

    @Test
    void linksAreNeverFollowed() throws Exception {
        long dead = deadPid();
        Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("precious"), "keep");
        // A link named like a dead pool's folder: not a folder, so not touched, nor what it points to.
        Files.createSymbolicLink(tmp.resolve("simul-pool-" + dead + "-666"), elsewhere);
        // A stale folder holding a link out: the link goes, its target stays.
        Path stale = poolFolder(dead, "777");
        Files.createSymbolicLink(stale.resolve("out"), elsewhere);

        assertThat(StaleFolders.removeStale(tmp)).isEqualTo(1);
        assertThat(left()).containsExactly("elsewhere", "simul-pool-" + dead + "-666");
        assertThat(Files.readString(elsewhere.resolve("precious"))).isEqualTo("keep");
    }

    @Test
    void foldersOfTheOldNamingAndOtherFilesStay() throws Exception {
        Files.createDirectory(tmp.resolve("simul-pool-12345678901234567")); // createTempDirectory("simul-pool-")
        Files.writeString(tmp.resolve("simul-pool-" + deadPid() + "-888"), "a file, not a folder");
        Files.createDirectory(tmp.resolve("unrelated"));

        assertThat(StaleFolders.removeStale(tmp)).isZero();
        assertThat(left()).hasSize(3);
    }

    @Test
    void aMissingTempFolderIsNoError() {
        assertThat(StaleFolders.removeStale(tmp.resolve("missing"))).isZero();
    }
}
