package dev.simul.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.gadget.Gadget;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import dev.simul.serial.AllowList;
import dev.simul.serial.Serial;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
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

    /**
     * Sends {@code task} to the member through Hazelcast's executor, as anyone who reaches its port could, from a
     * member of the test's own that runs nothing; returns the answer, or the {@link ExecutionException} it failed with.
     */
    private static Object sendRaw(Callable<?> task) throws Exception {
        HazelcastInstance raw = Members.start(Members.config(cluster.clusterName(), "127.0.0.1", 0,
                cluster.addresses(), 0, List.of()), false);
        try {
            Member member = raw.getCluster().getMembers().stream().filter(m -> !m.isLiteMember()).findFirst()
                    .orElseThrow();
            try {
                return raw.getExecutorService(Members.TASKS).submitToMember(task, member).get(60, TimeUnit.SECONDS);
            } catch (ExecutionException refused) {
                return refused;
            }
        } finally {
            raw.shutdown();
        }
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
        byte[] outcome = (byte[]) sendRaw(new Job("gadget", bytes, List.of(), List.of()));
        assertThat(outcome[0]).isEqualTo(Job.Outcome.ERROR);
        assertThat(new String(outcome, StandardCharsets.UTF_8)).contains("com.example.gadget.Gadget");
        assertThat(ran).as("the gadget's readObject never ran").doesNotExist();
    }

    @Test
    void aRawCallableOfAClassNotAllowedIsRefusedByHazelcast() throws Exception {
        Path ran = folder.resolve("gadget-ran");
        assertThat(sendRaw(new Gadget(ran))).isInstanceOf(ExecutionException.class);
        assertThat(ran).as("the gadget's readObject never ran").doesNotExist();
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
