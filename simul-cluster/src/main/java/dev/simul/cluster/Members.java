package dev.simul.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.simul.serial.AllowList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How simul starts a Hazelcast member, safe by default: it binds one address (127.0.0.1 unless told), joins only
 * the members it is given (multicast and auto-detection off), under a cluster name; phone-home off; Hazelcast's
 * Java deserialization filter lets in only Hazelcast's, the JDK's and simul's own classes, and what
 * they carry is read through simul's allow-list ({@link Job}); Hazelcast's own logging is quiet below errors
 * unless the application configured it.
 */
final class Members {

    /** The executor that runs tasks; its threads are the member's workers. */
    static final String TASKS = "simul-tasks";
    /** The executor that runs {@link Control}s, so that they never wait behind tasks. */
    static final String CONTROL = "simul-control";
    /** The member attribute that says how many tasks a member runs at once; a member without it runs none. */
    static final String WORKERS = "simul.workers";
    /** The cluster name when none is given. */
    static final String DEFAULT_CLUSTER_NAME = "simul";
    /** The first port tried when none is given (Hazelcast's). */
    static final int DEFAULT_PORT = 5701;

    /** Held so that the level set on it stays: the JDK keeps loggers only weakly. */
    private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");

    private Members() {
    }

    /**
     * A member's configuration.
     *
     * @param clusterName the cluster it forms or joins
     * @param host        the address it binds and announces
     * @param port        the first port it tries (up to 100 more after it), or 0 for any free port (a cluster of
     *                    one, which nobody joins)
     * @param join        addresses of members to join ({@code host:port}); none for a cluster of its own
     * @param workers     tasks it runs at once; 0 for a lite member that runs none (a submitter)
     * @param allowed     classes or packages its tasks may carry besides the JDK's and simul's ({@link AllowList})
     */
    static Config config(String clusterName, String host, int port, List<String> join, int workers,
                         List<String> allowed) {
        Config config = new Config();
        config.setClusterName(clusterName);
        config.setInstanceName("simul-" + UUID.randomUUID());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.local.localAddress", host);
        // Join at once rather than after Hazelcast's 5 s of waiting for more members to show up.
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
        // Nor wait, once joined, for a connection to every member, checked once a second: a connection opens when
        // first used anyway, and this wait cost each runner that joins a second.
        config.setProperty("hazelcast.connect.all.wait.seconds", "0");
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(port).setPortAutoIncrement(port != 0).setPortCount(100);
        JoinConfig joining = network.getJoin();
        joining.getMulticastConfig().setEnabled(false);
        joining.getAutoDetectionConfig().setEnabled(false);
        // Always TCP/IP, even for a member that starts a cluster: members must agree on how they join.
        joining.getTcpIpConfig().setEnabled(true).setMembers(List.copyOf(join));
        config.setLiteMember(workers == 0);
        if (workers > 0) {
            config.getMemberAttributeConfig().setAttribute(WORKERS, Integer.toString(workers));
        }
        config.getExecutorConfig(TASKS).setPoolSize(Math.max(1, workers)).setQueueCapacity(0)
                .setStatisticsEnabled(false);
        config.getExecutorConfig(CONTROL).setPoolSize(2).setQueueCapacity(0).setStatisticsEnabled(false);
        JavaSerializationFilterConfig filter = new JavaSerializationFilterConfig();
        // simul's own classes, as simul's allow-list trusts them (AllowList.JDK); a task's are read inside a Job.
        filter.getWhitelist().addPrefixes("dev.simul.");
        filter.getBlacklist().addClasses("java.net.URL"); // as simul's allow-list: see AllowList.JDK
        config.getSerializationConfig().setJavaSerializationFilterConfig(filter);
        ConcurrentHashMap<String, Object> context = new ConcurrentHashMap<>();
        context.put(Host.KEY, new Host(allowed, Thread.currentThread().getContextClassLoader() != null
                ? Thread.currentThread().getContextClassLoader() : Members.class.getClassLoader()));
        config.setUserContext(context);
        return config;
    }

    /** Starts a member; Hazelcast's own log lines below errors are hidden unless {@code verbose}. */
    static HazelcastInstance start(Config config, boolean verbose) {
        quiet(verbose);
        return Hazelcast.newHazelcastInstance(config);
    }

    /**
     * Hazelcast logs every step at INFO and warns of things simul chose (no join method for a cluster of one, no
     * access to JDK internals); keep that behind a flag, unless the application set a level itself. simul tells
     * member changes itself, a line each.
     */
    private static synchronized void quiet(boolean verbose) {
        if (verbose) {
            HAZELCAST_LOG.setLevel(Level.INFO);
        } else if (HAZELCAST_LOG.getLevel() == null) {
            HAZELCAST_LOG.setLevel(Level.SEVERE);
        }
    }

    /** How many tasks {@code member} runs at once: 0 for one that runs none (a submitter, a lite member). */
    static int workersOf(Member member) {
        String value = member.getAttribute(WORKERS);
        if (value == null || member.isLiteMember()) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(value));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** {@code host:port} of a member, as users write it. */
    static String address(Member member) {
        return member.getAddress().getHost() + ":" + member.getAddress().getPort();
    }

    /**
     * Parses {@code host:port,host:port} (a port may be left out: 5701), as {@code SIMUL_CLUSTER} and the command
     * line give it.
     *
     * @throws IllegalArgumentException naming the bad entry
     */
    static List<String> parseAddresses(String text) {
        List<String> out = new java.util.ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int colon = p.lastIndexOf(':');
            String host = colon < 0 ? p : p.substring(0, colon);
            if (host.isEmpty() || !host.matches("[A-Za-z0-9.\\-\\[\\]:]+")) {
                throw new IllegalArgumentException("not a member address: '" + p + "' (use host:port)");
            }
            if (colon >= 0) {
                int port;
                try {
                    port = Integer.parseInt(p.substring(colon + 1));
                } catch (NumberFormatException e) {
                    port = -1;
                }
                if (port < 1 || port > 65535) {
                    throw new IllegalArgumentException("not a port in '" + p + "' (1 to 65535)");
                }
            }
            out.add(p);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no member address in '" + text + "' (use host:port,host:port)");
        }
        return out;
    }
}
