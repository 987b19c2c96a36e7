package dev.simul.cluster;

import com.hazelcast.cluster.InitialMembershipEvent;
import com.hazelcast.cluster.InitialMembershipListener;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import dev.simul.process.RemoteTaskException;
import dev.simul.runner.AbstractRunner;
import dev.simul.runner.Promise;
import dev.simul.runner.Runner;
import dev.simul.serial.AllowList;
import dev.simul.serial.Serial;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The {@code cluster} mode: tasks run on the members of a Hazelcast cluster. With no member address it starts an
 * embedded member in this JVM, a cluster of one that runs the tasks on its own threads; given addresses, it joins
 * that cluster as a lite member (one that runs nothing) and the members run the tasks. Members run the submitter's
 * class path: Hazelcast's open-source edition ships no code, so a task's classes must be on every member.
 *
 * <p>What it adds to Hazelcast's executor: <b>failover per task</b>: a task whose member leaves the cluster before
 * answering goes to another member, up to {@link Options#retries()} more times (at least once: retry only
 * idempotent tasks), else fails alone with a {@link MemberLostException}; <b>balance by load</b>: tasks wait here
 * and go to the member with the most free room, at most two per worker thread of a member at once, so a member
 * that finishes early takes more and one that joins mid-way starts taking work; the <b>runner contract</b>:
 * {@code cancel(false)} lets a running task finish and stops one that has not begun, {@code cancel(true)}
 * interrupts it on its member, {@link #shutdownNow()} returns exactly the tasks that never began.
 *
 * <p>Data flow: submit -> {@code queue} -> {@link #pump()} -> a member's seat ({@link Job}, with the task
 * serialized by simul) -> the member's executor -> an {@link Job.Outcome} -> the handle. State lives under
 * {@code lock}: the queue, the seats (one per member that runs tasks) and the jobs in flight; Hazelcast's threads
 * (its callbacks and membership events) and submitters take the lock briefly, and nothing is sent or completed
 * while it is held.
 *
 * <p>Security: the same allow-list as the {@code processes} mode, on both sides ({@link AllowList}); members
 * bind 127.0.0.1 unless given a host and join only the addresses they are given. Hazelcast's open-source edition
 * has no TLS or authentication: whoever reaches a member's port can run code there, so run members on a private
 * network.
 */
public final class ClusterRunner extends AbstractRunner {

    /**
     * How a cluster runner runs.
     *
     * @param workers        the most tasks this runner runs at once: on an embedded member, its executor threads;
     *                       when joining a cluster, a cap over all its members, {@link Runner#UNBOUNDED} for as
     *                       many as they run (each member says how many)
     * @param members        addresses ({@code host:port}) of members of the cluster to join; empty for an embedded
     *                       member of its own
     * @param clusterName    the cluster's name (a member joins only a cluster of its name); an embedded cluster of
     *                       its own gets a unique one, so that nobody joins it by mistake
     * @param host           the address this JVM's member binds: 127.0.0.1 unless the cluster spans machines
     * @param retries        how many more times a task whose member left runs again elsewhere: set it only if the
     *                       tasks are idempotent
     * @param allowedClasses classes or packages ({@code com.acme.**}) that tasks and results may contain besides the
     *                       JDK's, simul's and what the submitted work carried, as in the {@code processes} mode
     * @param verbose        whether Hazelcast's own INFO lines show
     * @param log            where member changes are told, a line each
     */
    public record Options(int workers, List<String> members, String clusterName, String host, int retries,
                          List<String> allowedClasses, boolean verbose, Consumer<String> log) {

        /** The environment variable the command line reads member addresses from: {@code host:port,...}. */
        public static final String ENVIRONMENT = "SIMUL_CLUSTER";

        /**
         * An embedded member with a worker per processor (when joining: no cap), no retries, member changes told
         * on stderr.
         */
        public static Options defaults() {
            return new Options(Runtime.getRuntime().availableProcessors(), List.of(), Members.DEFAULT_CLUSTER_NAME,
                    "127.0.0.1", 0, List.of(), false, line -> System.err.println("simul cluster: " + line));
        }

        /**
         * The defaults, joining the members {@code SIMUL_CLUSTER} names if it is set.
         *
         * @throws IllegalArgumentException if it is set to something that is not {@code host:port,...}
         */
        public static Options fromEnvironment() {
            String value = System.getenv(ENVIRONMENT);
            Options options = defaults();
            return value == null || value.isBlank() ? options
                    : options.withMembers(Members.parseAddresses(value)).withWorkers(Runner.UNBOUNDED);
        }

        /** Checks every field. */
        public Options {
            if (workers < 1) {
                throw new IllegalArgumentException("workers must be at least 1, got " + workers);
            }
            if (retries < 0) {
                throw new IllegalArgumentException("retries must not be negative, got " + retries);
            }
            members = List.copyOf(members);
            allowedClasses = List.copyOf(allowedClasses);
            Objects.requireNonNull(clusterName, "clusterName");
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(log, "log");
            if (clusterName.isBlank() || host.isBlank()) {
                throw new IllegalArgumentException("the cluster name and host must not be empty");
            }
            AllowList.filterText(allowedClasses); // fails now on a malformed pattern
        }

        /** With {@code n} workers on the embedded member. */
        public Options withWorkers(int n) {
            return new Options(n, members, clusterName, host, retries, allowedClasses, verbose, log);
        }

        /** Joining the cluster of these members ({@code host:port}) instead of starting one. */
        public Options withMembers(List<String> addresses) {
            return new Options(workers, addresses, clusterName, host, retries, allowedClasses, verbose, log);
        }

        /** Under this cluster name. */
        public Options withClusterName(String name) {
            return new Options(workers, members, name, host, retries, allowedClasses, verbose, log);
        }

        /** Binding this address. */
        public Options withHost(String address) {
            return new Options(workers, members, clusterName, address, retries, allowedClasses, verbose, log);
        }

        /** Running a task up to {@code n} more times when its member leaves: for idempotent tasks only. */
        public Options withRetries(int n) {
            return new Options(workers, members, clusterName, host, n, allowedClasses, verbose, log);
        }

        /** Allowing these classes or packages to cross. */
        public Options withAllowedClasses(List<String> patterns) {
            return new Options(workers, members, clusterName, host, retries, patterns, verbose, log);
        }

        /** Showing Hazelcast's own INFO lines, or not. */
        public Options withVerbose(boolean on) {
            return new Options(workers, members, clusterName, host, retries, allowedClasses, on, log);
        }

        /** Telling member changes to {@code sink}. */
        public Options withLog(Consumer<String> sink) {
            return new Options(workers, members, clusterName, host, retries, allowedClasses, verbose, sink);
        }
    }

    /** How long a runner that joins a cluster waits for a member that runs tasks. */
    private static final Duration MEMBER_WAIT = Duration.ofSeconds(30);
    /** How long {@link #shutdownNow()} waits for members to say which sent tasks never began. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(3);
    /** Tasks in flight per worker thread of a member: one running, one waiting there, so no thread idles. */
    private static final int AHEAD = 2;

    /** A task and its current attempt. */
    private static final class Tracked {
        final Promise<?> promise;
        Job job;
        int attempts;
        Seat seat; // while in flight

        Tracked(Promise<?> promise, Job job) {
            this.promise = promise;
            this.job = job;
        }
    }

    /** A member that runs tasks, and how many of ours it holds. */
    private static final class Seat {
        final Member member;
        final String address;
        final int capacity;
        int inFlight;
        boolean closed; // left, or refused work

        Seat(Member member, int workers) {
            this.member = member;
            this.address = Members.address(member);
            this.capacity = workers * AHEAD;
        }
    }

    private final Options options;
    private final HazelcastInstance instance;
    private final IExecutorService tasks;
    private final IExecutorService control;
    private final AllowList.Filter filter;
    private final String runnerId = UUID.randomUUID().toString();
    private final AtomicLong sequence = new AtomicLong();
    private final boolean embedded;

    private final Object lock = new Object();
    private final ArrayDeque<Tracked> queue = new ArrayDeque<>();
    private final Map<UUID, Seat> seats = new LinkedHashMap<>();
    private final Map<String, Tracked> inFlight = new HashMap<>();
    private boolean draining;
    private boolean initialized;
    private final CountDownLatch gone = new CountDownLatch(1);

    /** An embedded member with {@code workers} worker threads. */
    public ClusterRunner(int workers) {
        this(Options.defaults().withWorkers(workers));
    }

    /**
     * Starts an embedded member, or joins the cluster of {@code options.members()} and waits (up to 30 s) until a
     * member that runs tasks is there.
     *
     * @throws IllegalStateException if no member that runs tasks shows up
     */
    public ClusterRunner(Options options) {
        this(options, Members.start(options.members().isEmpty()
                // A cluster of one under a name of its own, on any free port: nobody joins it by mistake.
                ? Members.config("simul-embedded-" + UUID.randomUUID(), options.host(), 0, List.of(),
                        embeddedWorkers(options), options.allowedClasses())
                // A lite member, which runs nothing, on any free port: it connects to the members itself, and a
                // port of its own keeps it from being taken for the runner that had that port a moment before.
                : Members.config(options.clusterName(), options.host(), 0, options.members(), 0,
                        options.allowedClasses()), options.verbose()));
    }

    private ClusterRunner(Options options, HazelcastInstance instance) {
        super(ClusterMode.NAME, options.members().isEmpty() ? embeddedWorkers(options)
                : Math.min(options.workers(), workersOf(instance, options)));
        this.options = options;
        this.instance = instance;
        this.embedded = options.members().isEmpty();
        this.tasks = instance.getExecutorService(Members.TASKS);
        this.control = instance.getExecutorService(Members.CONTROL);
        this.filter = AllowList.filter(AllowList.filterText(options.allowedClasses()));
        instance.getCluster().addMembershipListener(new Listener());
    }

    /** An embedded member's threads: a member cannot have unbounded threads, so that means one per processor. */
    private static int embeddedWorkers(Options options) {
        return options.workers() == Runner.UNBOUNDED ? Runtime.getRuntime().availableProcessors() : options.workers();
    }

    /** The workers of the members that run tasks, once one is there; shuts the instance down if none comes. */
    private static int workersOf(HazelcastInstance instance, Options options) {
        if (instance.getCluster().getMembers().size() == 1) { // Hazelcast has tried every address: nobody answered
            instance.shutdown();
            throw new IllegalStateException("could not join cluster '" + options.clusterName() + "' at "
                    + String.join(",", options.members()) + ": no member of that name answered there (check the"
                    + " addresses, the cluster name, and that members run: `simul member`)");
        }
        long deadline = System.nanoTime() + MEMBER_WAIT.toNanos();
        while (true) {
            int sum = 0;
            for (Member m : instance.getCluster().getMembers()) {
                sum += Members.workersOf(m);
            }
            if (sum > 0) {
                return sum;
            }
            if (System.nanoTime() - deadline > 0) {
                instance.shutdown();
                throw new IllegalStateException("no member of cluster '" + options.clusterName() + "' at "
                        + String.join(",", options.members()) + " runs tasks (waited " + MEMBER_WAIT.toSeconds()
                        + " s): start members with `simul member --join ...` and check the cluster name");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                instance.shutdown();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the cluster's members", e);
            }
        }
    }

    /** The members that run tasks now, as {@code host:port}. */
    public List<String> members() {
        synchronized (lock) {
            List<String> out = new ArrayList<>();
            for (Seat seat : seats.values()) {
                if (!seat.closed) {
                    out.add(seat.address);
                }
            }
            return out;
        }
    }

    // ---- submitting ----

    @Override
    protected void dispatch(Promise<?> promise) {
        AllowList.Learned learned = new AllowList.Learned();
        byte[] bytes;
        try {
            bytes = Serial.serialize(promise.task(), learned);
        } catch (IOException | RuntimeException e) {
            promise.fail(new java.io.NotSerializableException("the task cannot be sent to a member: " + e));
            return;
        }
        // What the task carried may come back in its result; the submitted code's package makes results too.
        filter.learnClasses(learned.classes());
        filter.learnPackages(learned.codePackages());
        Tracked tracked = new Tracked(promise, new Job(nextId(), bytes, List.copyOf(learned.classes()),
                options.allowedClasses()));
        MemberLostException none = null;
        synchronized (lock) {
            if (initialized && !hasSeat()) {
                none = noMember();
            } else {
                queue.add(tracked);
            }
        }
        if (none != null) {
            promise.fail(none);
            return;
        }
        promise.onDone(h -> cancelled(tracked));
        pump();
    }

    private String nextId() {
        return runnerId + ":" + sequence.incrementAndGet();
    }

    private boolean hasSeat() {
        for (Seat seat : seats.values()) {
            if (!seat.closed) {
                return true;
            }
        }
        return false;
    }

    private MemberLostException noMember() {
        return new MemberLostException("", "no member of cluster '" + options.clusterName()
                + "' runs tasks any more");
    }

    /** Sends queued tasks to the members with the most free room, while any has room. */
    private void pump() {
        List<Tracked> sends = new ArrayList<>();
        synchronized (lock) {
            while (!queue.isEmpty()) {
                if (draining) {
                    queue.clear();
                    break;
                }
                if (!embedded && inFlight.size() >= options.workers()) {
                    break; // this runner's cap over the cluster
                }
                Seat best = null;
                for (Seat seat : seats.values()) {
                    if (!seat.closed && seat.inFlight < seat.capacity
                            && (best == null || seat.capacity - seat.inFlight > best.capacity - best.inFlight)) {
                        best = seat;
                    }
                }
                if (best == null) {
                    break;
                }
                Tracked t = queue.poll();
                // The first attempt claims the promise; one cancelled or withdrawn meanwhile is dropped.
                if (t.promise.isDone() || (t.attempts == 0 && !t.promise.start())) {
                    continue;
                }
                t.attempts++;
                t.seat = best;
                best.inFlight++;
                inFlight.put(t.job.id(), t);
                sends.add(t);
            }
        }
        for (Tracked t : sends) {
            send(t, t.job, t.seat);
        }
    }

    private void send(Tracked t, Job job, Seat seat) {
        boolean interrupted = Thread.interrupted(); // Hazelcast would drop the call: see withdrawUnstarted
        try {
            tasks.submitToMember(job, seat.member, new ExecutionCallback<byte[]>() {
                @Override
                public void onResponse(byte[] outcome) {
                    answered(t, job, seat, outcome);
                }

                @Override
                public void onFailure(Throwable failure) {
                    failed(t, job, seat, failure);
                }
            });
        } catch (RuntimeException e) {
            failed(t, job, seat, e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Frees the job's place; false if it had been freed already (a job is answered once). */
    private boolean release(Job job, Seat seat) {
        synchronized (lock) {
            if (inFlight.remove(job.id()) == null) {
                return false;
            }
            seat.inFlight--;
            lock.notifyAll();
            return true;
        }
    }

    private void answered(Tracked t, Job job, Seat seat, byte[] outcome) {
        if (!release(job, seat)) {
            return;
        }
        try {
            complete(t.promise, outcome, seat.address);
        } finally {
            pump();
        }
    }

    @SuppressWarnings("unchecked")
    private void complete(Promise<?> promise, byte[] outcome, String member) {
        if (outcome.length == 0 || outcome[0] == Job.Outcome.SKIPPED_TAG) {
            return; // told to skip: its promise was cancelled or withdrawn
        }
        byte[] body = Arrays.copyOfRange(outcome, 1, outcome.length);
        if (outcome[0] == Job.Outcome.VALUE) {
            try {
                ((Promise<Object>) promise).complete(Job.Outcome.readValue(outcome));
            } catch (IOException e) {
                promise.fail(e);
            }
        } else if (outcome[0] == Job.Outcome.OK) {
            Object result;
            try {
                result = Serial.deserialize(body, filter, ClusterRunner.class.getClassLoader());
            } catch (IOException | ClassNotFoundException | RuntimeException e) {
                promise.fail(e);
                return;
            }
            ((Promise<Object>) promise).complete(result);
        } else {
            promise.fail(error(body, "on member " + member));
        }
    }

    /** A task's exception as {@link Job.Outcome#error} wrote it: rebuilt if allowed, else described. */
    private Throwable error(byte[] body, String where) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body))) {
            String className = in.readUTF();
            String message = in.readUTF();
            String trace = in.readUTF();
            byte[] serialized = in.readNBytes(in.readInt());
            if (serialized.length == 0) {
                return new RemoteTaskException(className, message, trace, where, "it is not serializable");
            }
            try {
                if (Serial.deserialize(serialized, filter, ClusterRunner.class.getClassLoader()) instanceof Throwable t) {
                    return t;
                }
                return new RemoteTaskException(className, message, trace, where, "it came back as something else");
            } catch (InvalidClassException refused) {
                return new RemoteTaskException(className, message, trace, where,
                        "its class is not allow-listed for deserialization (" + refused.getMessage() + ")");
            } catch (IOException | ClassNotFoundException | RuntimeException e) {
                return new RemoteTaskException(className, message, trace, where, "it could not be read back: " + e);
            }
        } catch (IOException e) {
            return new IOException("a member's answer could not be read", e);
        }
    }

    /** A job that got no answer: its member left (run it elsewhere, if retries allow) or it could not be sent. */
    private void failed(Tracked t, Job job, Seat seat, Throwable failure) {
        if (!release(job, seat)) {
            return;
        }
        boolean refused = failure instanceof RejectedExecutionException; // the member is shutting down: not run
        boolean lost = refused || memberLeft(failure);
        MemberLostException outOfRetries = null;
        try {
            if (!lost || t.promise.isDone()) {
                if (!t.promise.isDone()) {
                    t.promise.fail(failure);
                }
                return;
            }
            synchronized (lock) {
                seat.closed = true;
                if (refused && t.attempts > 0) {
                    t.attempts--; // it never ran: the attempt does not count
                }
                if (t.attempts > options.retries()) {
                    outOfRetries = new MemberLostException(seat.address, "member " + seat.address + " left the"
                            + " cluster while it ran the task (attempt " + t.attempts + " of "
                            + (options.retries() + 1) + ")");
                } else if (!hasSeat() || draining) {
                    outOfRetries = hasSeat() ? null : noMember();
                } else {
                    t.job = t.job.again(nextId());
                    queue.addFirst(t);
                }
            }
            if (outOfRetries != null) {
                t.promise.fail(outOfRetries);
            }
        } finally {
            pump();
        }
    }

    private static boolean memberLeft(Throwable failure) {
        for (Throwable c = failure; c != null; c = c.getCause()) {
            if (c instanceof MemberLeftException || c instanceof TargetNotMemberException) {
                return true;
            }
        }
        return false;
    }

    /** A done callback: a task cancelled while in flight is stopped on its member. */
    private void cancelled(Tracked t) {
        if (!t.promise.isCancelled()) {
            return;
        }
        Seat seat;
        String id;
        synchronized (lock) {
            if (t.seat == null || !inFlight.containsKey(t.job.id())) {
                return; // queued: pump drops it
            }
            seat = t.seat;
            id = t.job.id();
        }
        boolean interrupted = Thread.interrupted(); // Hazelcast would drop the call: see withdrawUnstarted
        try {
            control.submitToMember(new Control(new String[] {id}, t.promise.interruptRequested()), seat.member);
        } catch (RuntimeException e) {
            // the member left: the task stops with it
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- lifecycle ----

    /** Whether a task cancelled while it ran may still run on a member: the runner is not terminated before. */
    @Override
    protected boolean tasksRunning() {
        synchronized (lock) {
            for (Tracked t : inFlight.values()) {
                if (t.promise.isDone()) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * The queued tasks, and the sent ones that their members say will now never begin: only those never began.
     * Sent tasks that began, or whose member does not answer in time, are cancelled by {@link #shutdownNow()}.
     */
    @Override
    protected List<Promise<?>> withdrawUnstarted() {
        List<Promise<?>> withdrawn = new ArrayList<>();
        Map<Seat, List<Tracked>> sent = new LinkedHashMap<>();
        synchronized (lock) {
            draining = true;
            for (Tracked t : queue) {
                if (t.attempts == 0 && t.promise.start()) {
                    withdrawn.add(t.promise);
                }
            }
            queue.clear();
            for (Tracked t : inFlight.values()) {
                if (t.attempts == 1 && !t.promise.isDone()) { // a retried task may have run on a lost member
                    sent.computeIfAbsent(t.seat, s -> new ArrayList<>()).add(t);
                }
            }
        }
        // Hazelcast drops an invocation made from an interrupted thread without a word, and the caller's
        // interrupt is not ours: it is set aside for this wait, which is bounded, and put back after.
        boolean interrupted = Thread.interrupted();
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        for (Map.Entry<Seat, List<Tracked>> e : sent.entrySet()) {
            List<Tracked> ts = e.getValue();
            String[] ids = ts.stream().map(t -> t.job.id()).toArray(String[]::new);
            try {
                boolean[] neverBegins = control.submitToMember(new Control(ids, false), e.getKey().member)
                        .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                for (int i = 0; i < ids.length; i++) {
                    if (neverBegins[i]) {
                        withdrawn.add(ts.get(i).promise);
                    }
                }
            } catch (InterruptedException ie) {
                interrupted = true;
                break;
            } catch (ExecutionException | TimeoutException | RuntimeException unknown) {
                // cannot tell: shutdownNow cancels them as running
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return withdrawn;
    }

    /** Leaves the cluster (or stops the embedded member) once no task of ours runs on a member, on a thread of its own. */
    @Override
    protected void terminate() {
        Thread.ofPlatform().name("simul-cluster-close").daemon().start(() -> {
            try {
                synchronized (lock) {
                    while (!inFlight.isEmpty()) {
                        lock.wait();
                    }
                }
                instance.shutdown();
            } catch (InterruptedException e) {
                instance.getLifecycleService().terminate();
            } finally {
                gone.countDown();
            }
        });
    }

    @Override
    protected boolean awaitResources(long deadlineNanos) throws InterruptedException {
        return gone.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** Keeps the seats as members come and go: one line per change. */
    private final class Listener implements InitialMembershipListener {
        @Override
        public void init(InitialMembershipEvent event) {
            synchronized (lock) {
                for (Member m : event.getMembers()) {
                    seat(m);
                }
                initialized = true;
            }
            if (!embedded) {
                options.log().accept("joined cluster '" + options.clusterName() + "' as "
                        + Members.address(instance.getCluster().getLocalMember()) + "; members that run tasks: "
                        + String.join(", ", members()));
            }
        }

        @Override
        public void memberAdded(MembershipEvent event) {
            boolean runs;
            synchronized (lock) {
                runs = seat(event.getMember());
            }
            if (runs) {
                options.log().accept("member " + Members.address(event.getMember()) + " joined ("
                        + Members.workersOf(event.getMember()) + " workers)");
                pump();
            }
        }

        @Override
        public void memberRemoved(MembershipEvent event) {
            List<Tracked> stranded = List.of();
            Seat seat;
            synchronized (lock) {
                seat = seats.remove(event.getMember().getUuid());
                if (seat != null) {
                    seat.closed = true;
                    if (!hasSeat()) {
                        stranded = new ArrayList<>(queue);
                        queue.clear();
                    }
                }
            }
            if (seat != null) {
                options.log().accept("member " + seat.address + " left");
            }
            for (Tracked t : stranded) {
                t.promise.fail(noMember());
            }
        }

        /** Under the lock: a seat for {@code m} if it runs tasks; true if it does. */
        private boolean seat(Member m) {
            int workers = Members.workersOf(m);
            if (workers > 0) {
                seats.putIfAbsent(m.getUuid(), new Seat(m, workers));
            }
            return workers > 0;
        }
    }
}
