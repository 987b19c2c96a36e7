package dev.simul.lab.report;

import dev.simul.cluster.ClusterMode;
import dev.simul.runner.ThreadsMode;
import dev.simul.runner.VirtualMode;
import dev.simul.runner.SequentialMode;
import dev.simul.process.ProcessesMode;
import dev.simul.loop.LoopMode;
import dev.simul.lab.experiment.Cell;
import dev.simul.lab.machine.Machine;
import dev.simul.lab.workload.Workload;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Which mode won a workload, by how much, and why, computed from the measured cells alone.
 *
 * <p>The "why" rests on one measured number: how busy the sequential run kept its one core (CPU seconds per wall
 * second). Near 1, the workload is CPU-bound and only parallelism (more cores at once) can speed it up; near 0, it
 * is I/O-bound: the time goes to waiting, and concurrency (overlapping the waits) speeds it up on any core count.
 *
 * @param workload   the workload
 * @param winner     the mode with the lowest median wall time
 * @param speedup    the winner's speedup against sequential, or null without a sequential cell
 * @param nature     "CPU-bound", "I/O-bound" or "mixed"
 * @param busy       CPU seconds per wall second of the run the nature was judged on
 * @param headline   who won and by how much
 * @param why        the reason, from the numbers
 */
public record Verdict(String workload, String winner, Double speedup, String nature, double busy, String headline,
                      String why) {

    /** A sequential run busier than this is CPU-bound. */
    static final double CPU_BOUND_BUSY = 0.6;
    /** A sequential run less busy than this is I/O-bound. */
    static final double IO_BOUND_BUSY = 0.2;
    /** Below this wall time, CPU time in 10 ms ticks (and JIT work) makes the nature uncertain. */
    static final double SHORT_RUN_S = 0.5;
    /** CPU time more than this fraction above the sequential run's is work the mode added. */
    static final double MORE_CPU = 0.2;
    /** Two medians closer than this fraction are a tie on a shared, noisy machine. */
    static final double TIE = 0.05;

    /**
     * One verdict per workload, in the order the cells list them.
     *
     * @param workloads the workload of each name, or null for one the lab does not know: what the seeds call it
     *                  is checked against the measurement, and its notes on the loop mode are added
     */
    public static List<Verdict> of(List<Cell> cells, Machine machine, Function<String, Workload> workloads) {
        Map<String, List<Cell>> byWorkload = new LinkedHashMap<>();
        for (Cell cell : cells) {
            byWorkload.computeIfAbsent(cell.workload(), k -> new ArrayList<>()).add(cell);
        }
        List<Verdict> verdicts = new ArrayList<>();
        byWorkload.forEach((workload, row) -> verdicts.add(judge(workload, row, machine,
                workloads.apply(workload))));
        return verdicts;
    }

    private static Verdict judge(String workload, List<Cell> row, Machine machine, Workload known) {
        List<Cell> ranked = row.stream().sorted(Comparator.comparingDouble(Cell::wallS)).toList();
        Cell winner = ranked.getFirst();
        Cell sequential = row.stream().filter(c -> c.mode().equals(SequentialMode.NAME)).findFirst().orElse(null);

        StringBuilder headline = new StringBuilder(workload + ": " + winner.mode() + " wins");
        if (sequential != null && winner != sequential) {
            headline.append(", %.2fx sequential (%s vs %s)".formatted(winner.speedup(), seconds(winner.wallS()),
                    seconds(sequential.wallS())));
        } else {
            headline.append(" (%s)".formatted(seconds(winner.wallS())));
        }
        List<String> ties = new ArrayList<>();
        for (Cell other : ranked.subList(1, ranked.size())) {
            double behind = other.wallS() / winner.wallS() - 1;
            if (behind < TIE) {
                ties.add(other.mode());
            }
        }
        if (!ties.isEmpty()) {
            headline.append("; tied within %.0f%% with %s".formatted(TIE * 100, String.join(", ", ties)));
        } else if (ranked.size() > 1 && ranked.get(1) != sequential) {
            Cell second = ranked.get(1);
            headline.append("; %.0f%% ahead of %s".formatted((second.wallS() / winner.wallS() - 1) * 100,
                    second.mode()));
        }

        // Judge the nature on the sequential run (one task at a time, so busy <= 1 means "fraction of one core").
        // Without it, on the winner, per worker that could run at once.
        Cell judged = sequential != null ? sequential : winner;
        int parallel = sequential != null ? 1 : Math.max(1, Math.min(winner.workers(), machine.logicalCpus()));
        double busy = judged.coresBusy() / parallel;
        String nature = busy >= CPU_BOUND_BUSY ? Workload.CPU_BOUND
                : busy <= IO_BOUND_BUSY ? Workload.IO_BOUND : Workload.MIXED;
        String why = switch (nature) {
            case Workload.CPU_BOUND -> cpuBound(winner, sequential, busy, machine);
            case Workload.IO_BOUND -> ioBound(winner, busy, sequential != null);
            default -> mixed(winner, busy, sequential != null);
        };
        why += onTheLoop(row, nature, sequential, known);
        why += slowerThanSequential(row, sequential);
        why += inProcesses(row);
        why += inCluster(row);
        why += choices(row);
        if (known != null && !known.expectedNature().equals(nature)) {
            why += " The seeds call this job " + known.expectedNature() + "; measured here on the JVM, it is "
                    + nature + ".";
        }
        if (judged.wallS() < SHORT_RUN_S) {
            why += " These runs are short (under %.1f s): CPU time comes in 10 ms ticks and includes JIT compilation,"
                    .formatted(SHORT_RUN_S) + " so the CPU-bound or I/O-bound call is rough; use a larger --scale.";
        }
        return new Verdict(workload, winner.mode(), winner.speedup(), nature, busy, headline.toString(), why);
    }

    private static String cpuBound(Cell winner, Cell sequential, double busy, Machine machine) {
        int cpus = machine.logicalCpus();
        int cap = Math.min(Math.min(winner.tasks(), winner.workers()), cpus);
        String measured = busyPhrase(sequential != null, busy);
        if (winner.mode().equals(SequentialMode.NAME)) {
            return "CPU-bound (" + measured + "): computing, not waiting. No mode beat sequential: parallelism needs"
                    + " both cores and workers, and this machine has " + cpus + " logical CPU" + (cpus > 1 ? "s" : "")
                    + ".";
        }
        String why = ("CPU-bound (%s): the tasks compute, they do not wait, so only parallelism helps. %s kept %.1f of"
                + " %d logical CPUs busy; %d tasks on %d workers and %d CPUs cap the speedup at %dx. The JVM has no"
                + " GIL: its threads run CPU work in parallel, which CPython's threads cannot.")
                .formatted(measured, winner.mode(), winner.coresBusy(), cpus, winner.tasks(), winner.workers(), cpus,
                        cap);
        if (sequential != null && winner.speedup() > cap * (1 + TIE) && winner.cpuS() < sequential.cpuS()) {
            why += " It beat that cap because it also used less CPU in all (%s vs %s): the sequential run did more"
                    .formatted(seconds(winner.cpuS()), seconds(sequential.cpuS()))
                    + " work for the same job.";
        }
        return why;
    }

    private static String ioBound(Cell winner, double busy, boolean fromSequential) {
        String measured = busyPhrase(fromSequential, busy);
        if (winner.mode().equals(SequentialMode.NAME)) {
            return "I/O-bound (" + measured + "), yet no mode beat sequential: the waits did not overlap.";
        }
        return ("I/O-bound (%s): the time goes to waiting. Overlapping the waits brings the wall time down to the"
                + " longest task: concurrency is what helps, and it needs no extra cores (%s used %.2f CPU-s in"
                + " %s).").formatted(measured, winner.mode(), winner.cpuS(), seconds(winner.wallS()));
    }

    private static String mixed(Cell winner, double busy, boolean fromSequential) {
        String measured = busyPhrase(fromSequential, busy);
        return ("Mixed (%s): part computing, part waiting for the OS. %s overlapped both and kept %.1f cores busy.")
                .formatted(measured, winner.mode(), winner.coresBusy());
    }

    /** What the loop mode's cell shows, for a workload whose row has one. */
    private static String onTheLoop(List<Cell> row, String nature, Cell sequential, Workload known) {
        Cell loop = row.stream().filter(c -> c.mode().equals(LoopMode.NAME)).findFirst().orElse(null);
        if (loop == null) {
            return "";
        }
        String vs = sequential != null ? " (%.2fx sequential)".formatted(loop.speedup()) : "";
        String note = known != null && known.onTheLoop() != null ? " " + known.onTheLoop() : "";
        if (nature.equals(Workload.CPU_BOUND) && note.isEmpty()) {
            return " The loop took %s%s: its coroutines share one thread, so CPU work runs one task after another;"
                    .formatted(seconds(loop.wallS()), vs) + " coroutines give concurrency, not parallelism.";
        }
        return " The loop took %s%s on its one thread.".formatted(seconds(loop.wallS()), vs) + note;
    }

    /**
     * Why a mode that runs tasks at once took longer than the sequential run, from its figures: more CPU means the
     * way it ran them cost work; the same CPU means the work did not grow, its tasks waited. The platform threads it
     * added say what ran meanwhile: helper threads, or, for virtual threads, carriers the JDK started to stand in for
     * virtual threads blocked in the OS (a file write holds its carrier).
     */
    private static String slowerThanSequential(List<Cell> row, Cell sequential) {
        if (sequential == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (Cell c : row) {
            if (c == sequential || c.speedup() == null || c.speedup() >= 1 - TIE) {
                continue;
            }
            out.append(" %s took %s, %.2fx sequential, ".formatted(c.mode(), seconds(c.wallS()), c.speedup()));
            double cpu = sequential.cpuS() > 0 ? c.cpuS() / sequential.cpuS() : 1;
            if (cpu > 1 + MORE_CPU) {
                out.append("with %.0f%% more CPU (%s against %s): running the tasks this way cost work of its own"
                        .formatted((cpu - 1) * 100, seconds(c.cpuS()), seconds(sequential.cpuS())));
            } else {
                out.append(("with about the same CPU (%s against %s): the work did not grow, its tasks waited, on"
                        + " each other or on what they share (the disk, the cores)")
                        .formatted(seconds(c.cpuS()), seconds(sequential.cpuS())));
            }
            int added = c.peakThreadsAdded();
            if (c.mode().equals(VirtualMode.NAME) && added > 0) {
                // Platform threads only: the scheduler's carriers, alive from the warm-up, and any it added.
                out.append("; the JDK started up to %d platform thread%s beside its carriers, to stand in for virtual"
                        .formatted(added, added == 1 ? "" : "s") + " threads blocked in the OS (file I/O holds a"
                        + " carrier)");
            } else if (!c.mode().equals(VirtualMode.NAME) && added > c.workers()) {
                out.append("; up to %d threads ran at once for its %d worker%s".formatted(added, c.workers(),
                        c.workers() == 1 ? "" : "s"));
            }
            out.append('.');
        }
        return out.toString();
    }

    /**
     * What the processes mode's cell shows against threads: on the JVM both run CPU work in parallel, so the
     * difference is the cost of worker JVMs (start-up, shipping tasks and results), the price of their isolation.
     */
    private static String inProcesses(List<Cell> row) {
        Cell processes = cell(row, ProcessesMode.NAME);
        return processes == null ? "" : againstThreads(row, processes, "Worker processes", (" the cost of starting"
                + " %d worker JVMs and shipping every task and result between processes. On the JVM threads already"
                + " compute in parallel; processes buy isolation (a crash, a leak or a hang stays in its worker), not"
                + " speed.").formatted(processes.workers()));
    }

    /**
     * What the cluster mode's cell shows against threads: its tasks run on other JVMs (other machines, given a
     * cluster of them), so the difference is joining the cluster and every task and result crossing sockets.
     */
    private static String inCluster(List<Cell> row) {
        Cell cluster = cell(row, ClusterMode.NAME);
        return cluster == null ? "" : againstThreads(row, cluster, "The cluster's %d workers".formatted(
                cluster.workers()), " joining the cluster, and every task and result crossing Hazelcast's sockets"
                + " and serialization. A cluster adds other machines' cores and outlives a member's death; it does"
                + " not make one machine faster.");
    }

    /** "{@code who} took ..., level with / less than / more than threads", with {@code why} it took more. */
    private static String againstThreads(List<Cell> row, Cell cell, String who, String whyMore) {
        Cell threads = cell(row, ThreadsMode.NAME);
        if (threads == null) {
            return "";
        }
        double extra = cell.wallS() - threads.wallS();
        String took = " %s took %s".formatted(who, seconds(cell.wallS()));
        if (Math.abs(extra) <= TIE * threads.wallS()) {
            return took + ", level with threads (%s).".formatted(seconds(threads.wallS()));
        }
        if (extra < 0) {
            return took + ", %s less than threads (%s).".formatted(seconds(-extra), seconds(threads.wallS()));
        }
        return took + ", %s more than threads:".formatted(seconds(extra)) + whyMore;
    }

    /**
     * One sentence per cell whose runner chose its model and size ({@code auto}): what it picked and why, in its own
     * words, and how its time compares with the fastest other mode's.
     */
    static String choices(List<Cell> row) {
        StringBuilder out = new StringBuilder();
        for (Cell chooser : row) {
            if (chooser.decision() == null) {
                continue;
            }
            out.append(" %s picked %s".formatted(chooser.mode(), chooser.decision()));
            row.stream().filter(c -> !c.mode().equals(chooser.mode())).min(Comparator.comparingDouble(Cell::wallS))
                    .ifPresent(best -> {
                        double behind = chooser.wallS() / best.wallS() - 1;
                        String compared = Math.abs(behind) < TIE ? "level with"
                                : "%.0f%% %s".formatted(Math.abs(behind) * 100, behind > 0 ? "behind" : "ahead of");
                        out.append("; it took %s, %s the fastest other mode, %s (%s)".formatted(
                                seconds(chooser.wallS()), compared, best.mode(), seconds(best.wallS())));
                    });
            out.append('.');
        }
        return out.toString();
    }

    private static Cell cell(List<Cell> row, String mode) {
        return row.stream().filter(c -> c.mode().equals(mode)).findFirst().orElse(null);
    }

    /** The measurement the nature was judged on, in words. */
    private static String busyPhrase(boolean fromSequential, double busy) {
        return (fromSequential ? "the sequential run kept one core %.0f%% busy" : "%.0f%% busy per worker")
                .formatted(busy * 100) + (busy > 1.005 ? ", the JVM's JIT and GC threads included" : "");
    }

    /** Seconds as the report prints them: "12.3 s", "0.42 s", "85 ms". */
    public static String seconds(double s) {
        return s >= 10 ? "%.1f s".formatted(s) : s >= 0.1 ? "%.2f s".formatted(s) : "%.0f ms".formatted(s * 1000);
    }
}
