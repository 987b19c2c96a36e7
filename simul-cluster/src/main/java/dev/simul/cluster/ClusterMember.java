package dev.simul.cluster;

import com.hazelcast.cluster.InitialMembershipEvent;
import com.hazelcast.cluster.InitialMembershipListener;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * A member that runs simul's tasks for the cluster it joins ({@code simul member}), until it is closed. It runs
 * the submitters' tasks on its own class path: the tasks' classes must be on it.
 */
public final class ClusterMember implements AutoCloseable {

    /**
     * How a member runs.
     *
     * @param host        the address it binds and announces (127.0.0.1 unless the cluster spans machines)
     * @param port        the first port it tries (it takes the next free one after it), or 0 for 5701
     * @param join        addresses of members to join ({@code host:port}); none to start a cluster
     * @param clusterName the cluster's name: members and submitters join only a cluster of their name
     * @param workers     tasks it runs at once
     * @param allowed     classes or packages tasks may carry besides the JDK's, simul's and what each task names
     * @param verbose     whether Hazelcast's own INFO lines show
     * @param log         where it tells that it joined and each member change, a line each
     */
    public record Options(String host, int port, List<String> join, String clusterName, int workers,
                          List<String> allowed, boolean verbose, Consumer<String> log) {

        /** Checks every field. */
        public Options {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(clusterName, "clusterName");
            Objects.requireNonNull(log, "log");
            join = List.copyOf(join);
            allowed = List.copyOf(allowed);
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 to 65535, got " + port);
            }
            if (workers < 1) {
                throw new IllegalArgumentException("workers must be at least 1, got " + workers);
            }
            if (host.isBlank() || clusterName.isBlank()) {
                throw new IllegalArgumentException("the host and cluster name must not be empty");
            }
        }

        /** On 127.0.0.1 from port 5701, alone, in cluster "simul", a worker per processor, lines to stderr. */
        public static Options defaults() {
            return new Options("127.0.0.1", 0, List.of(), Members.DEFAULT_CLUSTER_NAME,
                    Runtime.getRuntime().availableProcessors(), List.of(), false, System.err::println);
        }
    }

    private final HazelcastInstance instance;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private ClusterMember(HazelcastInstance instance) {
        this.instance = instance;
    }

    /** Starts a member and joins (or forms) its cluster. */
    public static ClusterMember start(Options options) {
        HazelcastInstance instance = Members.start(Members.config(options.clusterName(), options.host(),
                options.port() == 0 ? Members.DEFAULT_PORT : options.port(), options.join(), options.workers(), options.allowed()), options.verbose());
        ClusterMember member = new ClusterMember(instance);
        instance.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleEvent.LifecycleState.SHUTDOWN) {
                member.stopped.countDown();
            }
        });
        String self = Members.address(instance.getCluster().getLocalMember());
        // Members that run tasks, told a line each; submitters (lite members, one per runner) come and go unsaid.
        instance.getCluster().addMembershipListener(new InitialMembershipListener() {
            @Override
            public void init(InitialMembershipEvent event) {
                options.log().accept("member " + self + " of cluster '" + options.clusterName() + "' runs tasks ("
                        + options.workers() + " workers); members: " + running(event.getMembers()));
            }

            @Override
            public void memberAdded(MembershipEvent event) {
                if (!event.getMember().isLiteMember()) {
                    options.log().accept("member " + Members.address(event.getMember()) + " joined; members: "
                            + running(event.getMembers()));
                }
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                if (!event.getMember().isLiteMember()) {
                    options.log().accept("member " + Members.address(event.getMember()) + " left; members: "
                            + running(event.getMembers()));
                }
            }
        });
        return member;
    }

    /**
     * Member addresses as users write them, {@code host:port,host:port} (a port left out is 5701), for
     * {@code --join}, {@code --cluster} and {@code SIMUL_CLUSTER}.
     *
     * @throws IllegalArgumentException naming the entry that is not an address
     */
    public static List<String> parseAddresses(String text) {
        return Members.parseAddresses(text);
    }

    private static long running(java.util.Set<com.hazelcast.cluster.Member> members) {
        return members.stream().filter(m -> !m.isLiteMember()).count();
    }

    /** Where it listens, {@code host:port}: what other members and submitters join. */
    public String address() {
        return Members.address(instance.getCluster().getLocalMember());
    }

    /** Blocks until the member has stopped (closed, or shut down by Hazelcast's shutdown hook). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** Leaves the cluster gracefully and stops. */
    @Override
    public void close() {
        instance.shutdown();
        stopped.countDown();
    }
}
