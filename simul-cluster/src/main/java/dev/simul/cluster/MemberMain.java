package dev.simul.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * A member JVM's entry point, for tests and for the lab's local members: {@code java -cp ... dev.simul.cluster.MemberMain
 * [--host H] [--port P] [--join host:port,...] [--cluster-name N] [--workers N] [--allow pattern]...}. It prints
 * {@code listening host:port} once it has joined, then runs until it is killed or its stdin ends, so that no member
 * outlives the process that started it. Users start members with {@code simul member}.
 */
public final class MemberMain {

    private MemberMain() {
    }

    /** Starts the member; exits 2 with one line on bad arguments. */
    public static void main(String[] args) throws Exception {
        ClusterMember.Options options = ClusterMember.Options.defaults();
        List<String> allowed = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                if (value == null) {
                    throw new IllegalArgumentException("missing value for " + args[i]);
                }
                options = switch (args[i++]) {
                    case "--host" -> new ClusterMember.Options(value, options.port(), options.join(),
                            options.clusterName(), options.workers(), options.allowed(), false, options.log());
                    case "--port" -> new ClusterMember.Options(options.host(), Integer.parseInt(value),
                            options.join(), options.clusterName(), options.workers(), options.allowed(), false,
                            options.log());
                    case "--join" -> new ClusterMember.Options(options.host(), options.port(),
                            Members.parseAddresses(value), options.clusterName(), options.workers(),
                            options.allowed(), false, options.log());
                    case "--cluster-name" -> new ClusterMember.Options(options.host(), options.port(),
                            options.join(), value, options.workers(), options.allowed(), false, options.log());
                    case "--workers" -> new ClusterMember.Options(options.host(), options.port(), options.join(),
                            options.clusterName(), Integer.parseInt(value), options.allowed(), false, options.log());
                    case "--allow" -> {
                        allowed.add(value);
                        yield new ClusterMember.Options(options.host(), options.port(), options.join(),
                                options.clusterName(), options.workers(), allowed, false, options.log());
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i - 1]);
                };
            }
        } catch (IllegalArgumentException e) {
            System.err.println("member: " + e.getMessage());
            System.exit(2);
            return;
        }
        ClusterMember member = ClusterMember.start(options);
        System.out.println("listening " + member.address());
        System.out.flush();
        Thread.ofPlatform().daemon().name("simul-member-stdin").start(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent's end of the pipe is open: keep running
                }
            } catch (java.io.IOException e) {
                // the pipe broke: the parent is gone
            }
            Runtime.getRuntime().halt(0); // the parent is gone: so is this member, at once
        });
        member.awaitStop();
    }
}
