package dev.simul.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simul.runner.Handle;
import dev.simul.task.Wait;
import dev.simul.testkit.Signal;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Members of a real cluster (JVMs of their own on loopback) die and join while a map runs. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class FailoverTest {

    @TempDir
    Path folder;

    /** A task that tells which member ran it, by writing a file named after its input into that member's folder. */
    record Mark(String folder) implements Serializable {
        int square(int i) throws Exception {
            Path mine = Path.of(folder, Long.toString(ProcessHandle.current().pid()));
            Files.createDirectories(mine);
            Files.writeString(mine.resolve(i + "." + System.nanoTime()), "");
            Wait.sleep(Duration.ofMillis(2)); // long enough that the map is under way when a member dies
            return i * i;
        }
    }

    @Test
    void killingOneOfThreeMembersMidMapLosesNoTask() throws Exception {
        int n = 2_000;
        try (LocalCluster cluster = LocalCluster.start(3, 2);
             ClusterRunner runner = new ClusterRunner(cluster.runnerOptions().withRetries(2))) {
            assertThat(runner.members()).hasSize(3);
            Mark mark = new Mark(folder.toString());
            List<Integer> inputs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                inputs.add(i);
            }
            List<Handle<Integer>> handles = runner.submitAll(mark::square, inputs);
            String victim = cluster.addresses().get(1);
            int done = 0;
            for (Handle<Integer> h : handles) { // wait for a quarter of the map, then kill a member
                h.get();
                if (++done == n / 4) {
                    cluster.kill(victim);
                    break;
                }
            }
            for (int i = 0; i < n; i++) {
                assertThat(handles.get(i).get()).isEqualTo(i * i);
            }
            assertThat(runner.members()).hasSize(2).doesNotContain(victim);
            // Every task ran; a task ran twice only where its member died under it (at most 2 slots x 2 workers).
            List<String> ran = new ArrayList<>();
            try (var members = Files.list(folder)) {
                for (Path m : members.toList()) {
                    try (var files = Files.list(m)) {
                        files.forEach(f -> ran.add(f.getFileName().toString().split("\\.")[0]));
                    }
                }
            }
            assertThat(ran.stream().distinct().count()).isEqualTo(n);
            assertThat(ran.size() - n).isLessThanOrEqualTo(4);
        }
    }

    @Test
    void aMemberThatJoinsMidMapTakesTasks() throws Exception {
        Signal joined = Signal.in(folder, "joined");
        try (LocalCluster cluster = LocalCluster.start(1, 1);
             ClusterRunner runner = new ClusterRunner(cluster.runnerOptions())) {
            // The first member's two slots hold tasks that wait for the new member; the rest queue here.
            List<Integer> inputs = List.of(0, 1, 2, 3, 4, 5, 6, 7);
            List<Handle<Long>> handles = runner.submitAll(i -> {
                if (i < 2) {
                    joined.await();
                }
                return ProcessHandle.current().pid();
            }, inputs);
            String second = cluster.add();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!runner.members().contains(second) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(runner.members()).contains(second);
            List<Long> pids = new ArrayList<>();
            for (int i = 2; i < inputs.size(); i++) {
                pids.add(handles.get(i).get());
            }
            joined.fire();
            long first = handles.get(0).get();
            assertThat(pids).as("the queued tasks ran on the member that joined").allMatch(pid -> pid != first);
        }
    }
}
