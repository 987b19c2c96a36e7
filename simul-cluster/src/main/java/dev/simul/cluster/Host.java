package dev.simul.cluster;

import com.hazelcast.core.HazelcastInstance;
import dev.simul.serial.AllowList;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a member that runs simul's tasks keeps: the jobs running now (so that a submitter can skip one that has not
 * begun or interrupt one that has), the allow-list filters its jobs are read through, and the class loader. One per
 * Hazelcast instance, in its user context, so that two members in one JVM (a test's) keep apart.
 *
 * <p>Invariant, kept under this object's lock: a job id is in {@code running} from the moment its job begins until
 * it ends, {@code skipped} holds the ids told to skip before they began, and {@code ended} the last ids that ended;
 * so a skip and a begin of one id are decided in one order, and an interrupt reaches only the thread of its job.
 */
final class Host {

    /** The key of this object in a Hazelcast instance's user context. */
    static final String KEY = "dev.simul.cluster.Host";
    /** How many ended ids are remembered, so that a late skip of a finished job is not taken for a never-begun one. */
    private static final int ENDED_KEPT = 65_536;

    private final List<String> allowed;
    private final ClassLoader loader;
    private final Map<String, AllowList.Filter> filters = new ConcurrentHashMap<>();
    private final Map<String, Thread> running = new HashMap<>();
    private final Set<String> skipped = new HashSet<>();
    private final Set<String> ended = new HashSet<>();
    private final ArrayDeque<String> endedOrder = new ArrayDeque<>();

    /**
     * @param allowed patterns of classes that every job may carry on this member, besides the JDK's and simul's
     *                ({@link AllowList})
     */
    Host(List<String> allowed, ClassLoader loader) {
        AllowList.filterText(allowed); // fails now on a malformed pattern
        this.allowed = List.copyOf(allowed);
        this.loader = loader;
    }

    /** The host of a member started by simul, or null for one that was not. */
    static Host of(HazelcastInstance instance) {
        return instance == null ? null : (Host) instance.getUserContext().get(KEY);
    }

    ClassLoader loader() {
        return loader;
    }

    /**
     * The filter for a job whose submitter allows {@code submitterAllowed}; it learns the classes each job names.
     * One filter per distinct pattern list, as a worker process keeps one filter for its pool.
     */
    AllowList.Filter filter(List<String> submitterAllowed) {
        String key = String.join(";", submitterAllowed);
        return filters.computeIfAbsent(key, k -> {
            List<String> all = new java.util.ArrayList<>(allowed);
            all.addAll(submitterAllowed);
            return AllowList.filter(AllowList.filterText(all));
        });
    }

    /** Called by a job on its thread as it begins: false if it was told to skip, and must not run. */
    synchronized boolean begin(String id) {
        if (skipped.remove(id)) {
            return false;
        }
        running.put(id, Thread.currentThread());
        return true;
    }

    /** Called by a job on its thread as it ends; clears an interrupt meant for it, which must not reach the next. */
    void end(String id) {
        synchronized (this) {
            running.remove(id);
            ended.add(id);
            endedOrder.add(id);
            if (endedOrder.size() > ENDED_KEPT) {
                ended.remove(endedOrder.poll());
            }
        }
        Thread.interrupted();
    }

    /**
     * Stops job {@code id}: if it has not begun it never will (true); if it runs, it is interrupted when
     * {@code interrupt} is set, else left to finish (false); if it ended, nothing happens (false).
     */
    synchronized boolean stop(String id, boolean interrupt) {
        Thread thread = running.get(id);
        if (thread != null) {
            if (interrupt) {
                thread.interrupt();
            }
            return false;
        }
        if (ended.contains(id)) {
            return false;
        }
        skipped.add(id);
        return true;
    }
}
