package dev.simul.cluster;

import dev.simul.runner.Runner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A cluster of member JVMs on this machine, started with this JVM's class path, under a cluster name of its own:
 * what the lab's {@code cluster} cell runs on when no cluster is given, so that tasks cross real sockets and
 * serialization as they would between machines, and what the tests kill members of. Members end with it: each
 * watches its standard input, which only this object holds open, so none outlives the JVM that started it.
 */
public final class LocalCluster implements AutoCloseable {

    /** How long a member JVM may take to join. */
    private static final Duration START_WAIT = Duration.ofSeconds(60);
    /** The lines of a member's output kept to explain why it failed to start. */
    private static final int KEPT_LINES = 20;
    /**
     * What Hazelcast asks of the JVM (access to JDK internals, for speed and its memory metrics), so that its
     * members neither warn nor run slower than they would as users start them.
     */
    static final List<String> JVM_OPTIONS = List.of("--add-modules", "java.se",
            "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.management/sun.management=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow");

    private final String clusterName = "simul-local-" + UUID.randomUUID();
    private final int workersEach;
    private final Map<String, Process> members = new LinkedHashMap<>(); // by address, in start order

    private LocalCluster(int workersEach) {
        this.workersEach = workersEach;
    }

    /**
     * Starts {@code count} member JVMs, each running {@code workersEach} tasks at once, and returns once all have
     * joined.
     *
     * @throws IOException if a member cannot start or join, with the end of its output
     */
    public static LocalCluster start(int count, int workersEach) throws IOException {
        if (count < 1 || workersEach < 1) {
            throw new IllegalArgumentException("a local cluster needs at least one member and one worker each");
        }
        LocalCluster cluster = new LocalCluster(workersEach);
        try {
            cluster.add(); // the first forms the cluster; the others join it together
            List<CompletableFuture<String>> rest = new ArrayList<>();
            for (int i = 1; i < count; i++) {
                rest.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return cluster.add();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }));
            }
            for (CompletableFuture<String> f : rest) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause()
                            : new IOException(e.getCause());
                }
            }
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        } catch (InterruptedException e) {
            cluster.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while members started", e);
        }
    }

    /**
     * Starts one more member, joining the others, and returns its address once it has joined.
     *
     * @throws IOException if it cannot start or join, with the end of its output
     */
    public String add() throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.addAll(List.of("-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                MemberMain.class.getName(), "--cluster-name", clusterName, "--workers", Integer.toString(workersEach)));
        List<String> join = addresses();
        if (!join.isEmpty()) {
            command.addAll(List.of("--join", String.join(",", join)));
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<String> listening = new CompletableFuture<>();
        ArrayDeque<String> tail = new ArrayDeque<>();
        Thread.ofPlatform().daemon().name("simul-local-member-output").start(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (!listening.isDone() && line.startsWith("listening ")) {
                        listening.complete(line.substring("listening ".length()).strip());
                    }
                    synchronized (tail) {
                        tail.add(line);
                        if (tail.size() > KEPT_LINES) {
                            tail.poll();
                        }
                    }
                }
            } catch (IOException e) {
                // the member is gone
            }
            listening.complete(null);
        });
        String address;
        try {
            address = listening.get(START_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while a member started", e);
        } catch (ExecutionException | TimeoutException e) {
            address = null;
        }
        if (address == null) {
            process.destroyForcibly();
            String output;
            synchronized (tail) {
                output = String.join("\n  ", tail);
            }
            throw new IOException("a local member did not start within " + START_WAIT.toSeconds() + " s"
                    + (output.isEmpty() ? "" : "; its last output:\n  " + output));
        }
        synchronized (members) {
            members.put(address, process);
        }
        return address;
    }

    /** The cluster's name, which its members and submitters share. */
    public String clusterName() {
        return clusterName;
    }

    /** The members' addresses ({@code host:port}), alive or not, in start order. */
    public List<String> addresses() {
        synchronized (members) {
            return List.copyOf(members.keySet());
        }
    }

    /** CPU time the members still running have used so far, where the OS tells (Linux, macOS, Windows). */
    public Duration cpuTime() {
        List<Process> all;
        synchronized (members) {
            all = new ArrayList<>(members.values());
        }
        Duration sum = Duration.ZERO;
        for (Process p : all) {
            sum = sum.plus(p.info().totalCpuDuration().orElse(Duration.ZERO));
        }
        return sum;
    }

    /** Options for a runner that submits to this cluster from this JVM and runs no task itself. */
    public ClusterRunner.Options runnerOptions() {
        return ClusterRunner.Options.defaults().withMembers(addresses()).withClusterName(clusterName)
                .withWorkers(Runner.UNBOUNDED);
    }

    /** Kills the member at {@code address} at once (SIGKILL on Unix), as a machine that dies would go. */
    public void kill(String address) {
        Process process;
        synchronized (members) {
            process = members.get(address);
        }
        if (process == null) {
            throw new IllegalArgumentException("no member at " + address);
        }
        process.destroyForcibly();
    }

    /** Stops every member and waits until they are gone. */
    @Override
    public void close() {
        List<Process> all;
        synchronized (members) {
            all = new ArrayList<>(members.values());
        }
        for (Process p : all) {
            p.destroyForcibly();
        }
        for (Process p : all) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
