package dev.simul.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.gadget.Gadget;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import dev.simul.serial.AllowList;
import dev.simul.serial.Serial;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a member refuses: a cluster of another name, and classes that nothing allowed, before they are read. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SecurityTest {

    private static LocalCluster cluster;

    @TempDir
    Path folder;

    @BeforeAll
    static void startMember() throws Exception {
        cluster = LocalCluster.start(1, 1);
    }

    @AfterAll
    static void stopMember() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A member of the test's own in this JVM that runs nothing, joined to the cluster: it speaks Hazelcast raw. */
    private static HazelcastInstance liteMember() {
        return Members.start(Members.config(cluster.clusterName(), "127.0.0.1", Members.DEFAULT_PORT,
                cluster.addresses(), 0, List.of()), false);
    }

    private static Member taskMember(HazelcastInstance instance) {
        return instance.getCluster().getMembers().stream().filter(m -> !m.isLiteMember()).findFirst().orElseThrow();
    }

    @Test
    void aRunnerWithAnotherClusterNameDoesNotJoin() {
        assertThatThrownBy(() -> new ClusterRunner(cluster.runnerOptions().withClusterName("not-" + UUID.randomUUID())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cluster name");
    }

    @Test
    void aMemberWithAnotherClusterNameIsNotJoined() throws Exception {
        try (ClusterMember stranger = ClusterMember.start(new ClusterMember.Options("127.0.0.1", 0,
                cluster.addresses(), "not-" + UUID.randomUUID(), 1, List.of(), false, line -> { }));
             ClusterRunner runner = new ClusterRunner(cluster.runnerOptions())) {
            assertThat(runner.members()).containsExactlyElementsOf(cluster.addresses())
                    .doesNotContain(stranger.address());
        }
    }

    @Test
    void aJobCarryingAClassItDidNotDeclareIsRefusedBeforeItIsRead() throws Exception {
        Path ran = folder.resolve("gadget-ran");
        byte[] bytes = Serial.serialize(new Gadget(ran), new AllowList.Learned());
        HazelcastInstance raw = liteMember();
        try {
            IExecutorService tasks = raw.getExecutorService(Members.TASKS);
            byte[] outcome = tasks.submitToMember(new Job("gadget", bytes, List.of(), List.of()), taskMember(raw))
                    .get(60, TimeUnit.SECONDS);
            assertThat(outcome[0]).isEqualTo(Job.Outcome.ERROR);
            assertThat(new String(outcome, StandardCharsets.UTF_8)).contains("com.example.gadget.Gadget");
            assertThat(ran).as("the gadget's readObject never ran").doesNotExist();
        } finally {
            raw.shutdown();
        }
    }

    @Test
    void aRawCallableOfAClassNotAllowedIsRefusedByHazelcast() throws Exception {
        Path ran = folder.resolve("gadget-ran");
        HazelcastInstance raw = liteMember();
        try {
            IExecutorService tasks = raw.getExecutorService(Members.TASKS);
            assertThatThrownBy(() -> tasks.submitToMember(new Gadget(ran), taskMember(raw)).get(60, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
            assertThat(ran).as("the gadget's readObject never ran").doesNotExist();
        } finally {
            raw.shutdown();
        }
    }

    @Test
    void aGadgetReturnedAsAResultIsRefusedByTheSubmitter() throws Exception {
        Path ran = folder.resolve("gadget-ran");
        try (ClusterRunner runner = new ClusterRunner(cluster.runnerOptions())) {
            String where = ran.toString();
            // The task's code is allowed (it came from here); the class of what it returns was never sent.
            assertThatThrownBy(() -> runner.submit(() -> (Object) new Gadget(Path.of(where))).get())
                    .isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("com.example.gadget.Gadget");
            assertThat(ran).doesNotExist();
            assertThat(Files.exists(ran)).isFalse();
        }
    }
}
