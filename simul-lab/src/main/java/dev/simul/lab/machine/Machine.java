package dev.simul.lab.machine;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The machine as seed 001 explains it with {@code lscpu}: sockets hold cores, cores run hardware threads, and the
 * OS schedules on logical CPUs (sockets x cores per socket x threads per core). Read from /sys and /proc on Linux;
 * elsewhere the topology fields are null and only what the JVM knows is filled in.
 *
 * @param cpuModel        the processor's model name, or null
 * @param sockets         physical packages, or null if unknown
 * @param coresPerSocket  cores in each socket, or null if unknown
 * @param threadsPerCore  hardware threads per core, or null if unknown
 * @param logicalCpus     logical CPUs the OS has online
 * @param availableToJvm  processors this JVM may use (cgroup and affinity limits applied)
 * @param memoryBytes     physical memory
 * @param os              OS name and version
 * @param arch            CPU architecture
 * @param jvm             JVM vendor, name and version
 */
public record Machine(String cpuModel, Integer sockets, Integer coresPerSocket, Integer threadsPerCore,
                      int logicalCpus, int availableToJvm, long memoryBytes, String os, String arch, String jvm) {

    /** Describes the machine this JVM runs on. */
    public static Machine current() {
        return read(Path.of("/"));
    }

    /** Describes the machine whose /sys and /proc are under {@code root} (tests pass a fake tree). */
    static Machine read(Path root) {
        Topology topology = Topology.read(root);
        int available = Runtime.getRuntime().availableProcessors();
        Long memInfo = memTotal(root);
        return new Machine(cpuModel(root), topology.sockets, topology.coresPerSocket, topology.threadsPerCore,
                topology.logical > 0 ? topology.logical : available, available,
                memInfo != null ? memInfo : memoryFromJvm(),
                System.getProperty("os.name") + " " + System.getProperty("os.version"), System.getProperty("os.arch"),
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                        + System.getProperty("java.runtime.version"));
    }

    /** Physical memory as the JVM's management beans see it, if /proc/meminfo does not say: they are slow to load. */
    private static long memoryFromJvm() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
    }

    /** Physical cores, or null if unknown. */
    public Integer cores() {
        return sockets != null ? sockets * coresPerSocket : null;
    }

    /** The model and topology in one line, for report headers. */
    public String summary() {
        String model = cpuModel != null ? cpuModel : arch;
        String topo = sockets != null
                ? sockets + " socket" + (sockets > 1 ? "s" : "") + " x " + coresPerSocket + " cores x "
                        + threadsPerCore + " thread" + (threadsPerCore > 1 ? "s" : "")
                : "topology unknown";
        return "%s, %s = %d logical CPUs, %.1f GiB, %s".formatted(model, topo, logicalCpus,
                memoryBytes / (double) (1L << 30), jvm);
    }

    private record Topology(Integer sockets, Integer coresPerSocket, Integer threadsPerCore, int logical) {

        static final Topology UNKNOWN = new Topology(null, null, null, 0);

        /** Counts distinct packages and (package, core) pairs over the online CPUs in /sys. */
        static Topology read(Path root) {
            Path cpus = root.resolve("sys/devices/system/cpu");
            Pattern cpuDir = Pattern.compile("cpu\\d+");
            Set<String> packages = new HashSet<>();
            Set<String> cores = new HashSet<>();
            int logical = 0;
            try (Stream<Path> dirs = Files.list(cpus)) {
                for (Path dir : dirs.filter(d -> cpuDir.matcher(d.getFileName().toString()).matches()).toList()) {
                    Path topology = dir.resolve("topology");
                    if (!Files.isDirectory(topology) || "0".equals(readTrimmed(dir.resolve("online")))) {
                        continue; // offline CPUs have no topology
                    }
                    String pkg = readTrimmed(topology.resolve("physical_package_id"));
                    String core = readTrimmed(topology.resolve("core_id"));
                    if (pkg == null || core == null) {
                        return UNKNOWN;
                    }
                    logical++;
                    packages.add(pkg);
                    cores.add(pkg + ":" + core);
                }
            } catch (IOException e) {
                return UNKNOWN;
            }
            if (logical == 0) {
                return UNKNOWN;
            }
            return new Topology(packages.size(), cores.size() / packages.size(), logical / cores.size(), logical);
        }
    }

    private static String readTrimmed(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            return null;
        }
    }

    private static String cpuModel(Path root) {
        try {
            Matcher m = Pattern.compile("(?m)^model name\\s*:\\s*(.+)$").matcher(
                    Files.readString(root.resolve("proc/cpuinfo")));
            return m.find() ? m.group(1).trim() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static Long memTotal(Path root) {
        try {
            for (String line : Files.readAllLines(root.resolve("proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall back to the JVM's figure
        }
        return null;
    }

    /** The lines {@code simul info} prints, as lscpu would label them. */
    public List<String> describe() {
        return List.of(
                "CPU model:           " + (cpuModel != null ? cpuModel : "unknown"),
                "Architecture:        " + arch,
                "Socket(s):           " + orUnknown(sockets),
                "Core(s) per socket:  " + orUnknown(coresPerSocket),
                "Thread(s) per core:  " + orUnknown(threadsPerCore),
                "CPU(s):              " + logicalCpus + " logical (sockets x cores x threads)",
                "Available to JVM:    " + availableToJvm,
                "Memory:              " + "%.1f GiB".formatted(memoryBytes / (double) (1L << 30)),
                "OS:                  " + os,
                "JVM:                 " + jvm);
    }

    private static String orUnknown(Integer value) {
        return value != null ? value.toString() : "unknown";
    }
}
