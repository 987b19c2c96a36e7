package dev.simul.lab.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MachineTest {

    @Test
    void readsTheTopologyFromSys(@TempDir Path root) throws IOException {
        // 2 sockets x 2 cores x 2 hardware threads = 8 logical CPUs, plus one offline CPU
        int cpu = 0;
        for (int pkg = 0; pkg < 2; pkg++) {
            for (int core = 0; core < 2; core++) {
                for (int thread = 0; thread < 2; thread++) {
                    Path topo = root.resolve("sys/devices/system/cpu/cpu" + cpu++ + "/topology");
                    Files.createDirectories(topo);
                    Files.writeString(topo.resolve("physical_package_id"), pkg + "\n");
                    Files.writeString(topo.resolve("core_id"), core + "\n");
                }
            }
        }
        Path offline = root.resolve("sys/devices/system/cpu/cpu8");
        Files.createDirectories(offline);
        Files.writeString(offline.resolve("online"), "0\n");
        Files.createDirectories(root.resolve("proc"));
        Files.writeString(root.resolve("proc/cpuinfo"), "processor\t: 0\nmodel name\t: Test CPU 9000\n");
        Files.writeString(root.resolve("proc/meminfo"), "MemTotal:       16384 kB\nMemFree: 1 kB\n");

        Machine m = Machine.read(root);
        assertThat(m.sockets()).isEqualTo(2);
        assertThat(m.coresPerSocket()).isEqualTo(2);
        assertThat(m.threadsPerCore()).isEqualTo(2);
        assertThat(m.logicalCpus()).isEqualTo(8);
        assertThat(m.cores()).isEqualTo(4);
        assertThat(m.cpuModel()).isEqualTo("Test CPU 9000");
        assertThat(m.memoryBytes()).isEqualTo(16384L * 1024);
        assertThat(m.summary()).startsWith("Test CPU 9000, 2 sockets x 2 cores x 2 threads = 8 logical CPUs");
    }

    @Test
    void fallsBackToWhatTheJvmKnows(@TempDir Path empty) {
        Machine m = Machine.read(empty);
        assertThat(m.sockets()).isNull();
        assertThat(m.cores()).isNull();
        assertThat(m.logicalCpus()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(m.memoryBytes()).isPositive();
        assertThat(m.describe()).anyMatch(line -> line.startsWith("Socket(s):") && line.endsWith("unknown"));
    }
}
