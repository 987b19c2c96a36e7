package dev.simul.lab.report;

import dev.simul.lab.experiment.Cell;
import dev.simul.lab.machine.Machine;
import dev.simul.lab.text.Paragraph;
import dev.simul.lab.workload.Workload;
import dev.simul.runner.Mode;
import dev.simul.runner.Runners;
import dev.simul.runner.SequentialMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Which mode won a workload, by how much, and why, computed from the measured cells alone.
 *
 * <p>The "why" rests on one measured number: how busy the sequential run kept its one core (CPU seconds per wall
 * second). Near 1, the workload is CPU-bound and only parallelism (more cores at once) can speed it up; near 0, it
 * is I/O-bound: the time goes to waiting, and concurrency (overlapping the waits) speeds it up on any core count.
 *
 * <p>What a mode is (one thread, virtual threads, other JVMs) and what it costs comes from its {@link Mode}, never
 * from its name: a new mode brings its own text. Only the baseline of every speedup, {@code sequential}, is named.
 * What holds for every workload (a mode's trade-off, how the nature is judged, runs too short to judge) is not in
 * the verdicts' {@link #brief}: {@link #notes} says it once for the whole matrix.
 *
 * @param workload   the workload
 * @param winner     the mode with the lowest median wall time
 * @param speedup    the winner's speedup against sequential, or null without a sequential cell
 * @param nature     "CPU-bound", "I/O-bound" or "mixed"
 * @param busy       CPU seconds per wall second of the run the nature was judged on
 * @param headline   who won and by how much
 * @param why        the reason, from the numbers, in full: every mode's cell explained, notes included
 * @param brief      the reason in at most {@link #BRIEF_LINES} lines of {@link Paragraph#WIDTH} columns (indented
 *                   by two): the nature and what stands out in this workload's row, without the notes
 */
public record Verdict(String workload, String winner, Double speedup, String nature, double busy, String headline,
                      String why, String brief) {

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
    /** The brief's most lines, below its headline, in a terminal of {@link Paragraph#WIDTH} columns. */
    public static final int BRIEF_LINES = 2;
    /** How the brief's lines are indented under the headline. */
    public static final String INDENT = "  ";

    /** A verdict whose brief is its why in full, for verdicts made before briefs existed. */
    public Verdict(String workload, String winner, Double speedup, String nature, double busy, String headline,
                   String why) {
        this(workload, winner, speedup, nature, busy, headline, why, why);
    }

    /**
     * One verdict per workload, in the order the cells list them.
     *
     * @param workloads the workload of each name, or null for one the lab does not know: what the seeds call it
     *                  is checked against the measurement, and its notes on the loop mode are added
     */
    public static List<Verdict> of(List<Cell> cells, Machine machine, Function<String, Workload> workloads) {
        List<Verdict> verdicts = new ArrayList<>();
        byWorkload(cells).forEach((workload, row) -> verdicts.add(judge(workload, row, machine,
                workloads.apply(workload))));
        return verdicts;
    }

    /**
     * What the verdicts of {@code cells} have in common, said once: the trade-off of each measured mode that has
     * one ({@link Mode#note()}), how the nature was judged, and which runs were too short to judge it well.
     * Empty without cells.
     */
    public static List<String> notes(List<Cell> cells) {
        List<String> notes = new ArrayList<>();
        if (cells.isEmpty()) {
            return notes;
        }
        Set<String> modes = new LinkedHashSet<>();
        cells.forEach(c -> modes.add(c.mode()));
        if (modes.contains(SequentialMode.NAME)) {
            notes.add("CPU-bound or I/O-bound is judged from how busy the sequential run kept its one core: near"
                    + " 100% it computes, and only parallelism (more cores at once) helps; near 0% it waits, and"
                    + " concurrency (overlapping the waits) helps on any number of cores.");
        }
        for (String name : modes) {
            Mode mode = mode(name);
            if (mode != null && mode.note() != null) {
                notes.add(mode.note());
            }
        }
        List<String> shortRuns = new ArrayList<>();
        byWorkload(cells).forEach((workload, row) -> {
            Cell judged = cell(row, SequentialMode.NAME);
            if (judged == null) {
                judged = row.stream().min(Comparator.comparingDouble(Cell::wallS)).orElseThrow();
            }
            if (judged.wallS() < SHORT_RUN_S) {
                shortRuns.add(workload);
            }
        });
        if (!shortRuns.isEmpty()) {
            notes.add(("Short runs (%s): under %.1f s, CPU time comes in 10 ms ticks and includes JIT compilation,"
                    + " so the CPU-bound or I/O-bound call is rough; use a larger --scale.")
                    .formatted(String.join(", ", shortRuns), SHORT_RUN_S));
        }
        return notes;
    }

    private static Map<String, List<Cell>> byWorkload(List<Cell> cells) {
        Map<String, List<Cell>> byWorkload = new LinkedHashMap<>();
        for (Cell cell : cells) {
            byWorkload.computeIfAbsent(cell.workload(), k -> new ArrayList<>()).add(cell);
        }
        return byWorkload;
    }

    /** The registered mode called {@code name}, or null for one not on the class path (a report read elsewhere). */
    static Mode mode(String name) {
        return Runners.modes().contains(name) ? Runners.mode(name) : null;
    }

    private static boolean is(Cell cell, java.util.function.Predicate<Mode> property) {
        Mode mode = mode(cell.mode());
        return mode != null && property.test(mode);
    }

    private static Verdict judge(String workload, List<Cell> row, Machine machine, Workload known) {
        List<Cell> ranked = row.stream().sorted(Comparator.comparingDouble(Cell::wallS)).toList();
        Cell winner = ranked.getFirst();
        Cell sequential = cell(row, SequentialMode.NAME);

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
            default -> mixed(winner, busy, sequential != null) + floor(sequential, winner, machine, false);
        };
        why += onOneThread(row, nature, sequential, known);
        why += slowerThanSequential(row, sequential);
        why += inOtherJvms(row);
        why += choices(row);
        String seeds = "";
        if (known != null && !known.expectedNature().equals(nature)) {
            seeds = "The seeds call this job " + known.expectedNature() + "; measured here on the JVM, it is "
                    + nature + ".";
            why += " " + seeds;
        }
        if (judged.wallS() < SHORT_RUN_S) {
            why += " These runs are short (under %.1f s): CPU time comes in 10 ms ticks and includes JIT compilation,"
                    .formatted(SHORT_RUN_S) + " so the CPU-bound or I/O-bound call is rough; use a larger --scale.";
        }
        String brief = brief(workload, row, winner, sequential, nature, busy, machine, seeds);
        return new Verdict(workload, winner.mode(), winner.speedup(), nature, busy, headline.toString(), why, brief);
    }

    /**
     * The why in at most {@link #BRIEF_LINES} lines: the nature first, then what stands out in the row, each
     * sentence kept only if it still fits (a later, shorter one may); what every workload shares is in the notes.
     */
    private static String brief(String workload, List<Cell> row, Cell winner, Cell sequential, String nature,
                                double busy, Machine machine, String seeds) {
        // Each sentence in the order they matter, each as its forms to try, the fullest first.
        List<List<String>> sentences = new ArrayList<>();
        String measured = sequential != null ? "the sequential run kept one core %.0f%% busy".formatted(busy * 100)
                : "%.0f%% busy per worker".formatted(busy * 100);
        boolean won = winner != sequential;
        int cpus = machine.logicalCpus();
        int cap = Math.min(Math.min(winner.tasks(), winner.workers()), cpus);
        // What CPU-bound or I/O-bound implies is in the notes: the brief gives the measurement and the winner's part.
        sentences.add(List.of(switch (nature) {
            case Workload.CPU_BOUND -> won
                    ? "CPU-bound: %s; %s kept %.1f of %d CPUs busy (%dx at most here)."
                            .formatted(measured, winner.mode(), winner.coresBusy(), cpus, cap)
                    : "CPU-bound: %s, and no mode beat it: parallelism needs both cores and workers."
                            .formatted(measured);
            case Workload.IO_BOUND -> won
                    ? "I/O-bound: %s; %s overlapped the waits, with %s of CPU in %s."
                            .formatted(measured, winner.mode(), seconds(winner.cpuS()), seconds(winner.wallS()))
                    : "I/O-bound: %s, yet no mode beat it: the waits did not overlap.".formatted(measured);
            default -> "Mixed: %s; %s overlapped computing and waiting, %.1f cores busy."
                    .formatted(measured, winner.mode(), winner.coresBusy());
        }));
        if (nature.equals(Workload.MIXED) && sequential != null && won) {
            sentences.add(List.of(floor(sequential, winner, machine, true).strip()));
        }
        if (!seeds.isEmpty()) {
            sentences.add(List.of("The seeds call it " + seeds.substring(seeds.indexOf("call this job ") + 14)));
        }
        if (sequential != null) {
            List<String> slower = new ArrayList<>();
            for (Cell c : row.stream().sorted(Comparator.comparingDouble(Cell::wallS).reversed()).toList()) {
                if (c == sequential || c.speedup() == null || c.speedup() >= 1 - TIE || is(c, Mode::otherJvms)) {
                    continue;
                }
                double cpu = sequential.cpuS() > 0 ? c.cpuS() / sequential.cpuS() : 1;
                slower.add("%s %.2fx (%s)".formatted(c.mode(), c.speedup(), cpu > 1 + MORE_CPU
                        ? "+%.0f%% CPU".formatted((cpu - 1) * 100) : "same CPU: waited"));
            }
            if (!slower.isEmpty()) {
                // The slowest first; when they do not all fit, the slowest few and how many more.
                List<String> forms = new ArrayList<>(List.of("Slower than sequential: " + String.join(", ", slower)
                        + "."));
                for (int k = slower.size() - 1; k >= 1; k--) {
                    forms.add("Slower than sequential: %s and %d more.".formatted(
                            String.join(", ", slower.subList(0, k)), slower.size() - k));
                }
                sentences.add(forms);
            }
        }
        Cell inJvm = fastestInThisJvm(row);
        if (inJvm != null) {
            List<String> away = new ArrayList<>();
            for (Cell c : row) {
                if (is(c, Mode::otherJvms) && c.wallS() - inJvm.wallS() > TIE * inJvm.wallS()) {
                    away.add("%s +%s".formatted(c.mode(), seconds(c.wallS() - inJvm.wallS())));
                }
            }
            if (!away.isEmpty()) {
                sentences.add(List.of("Other JVMs cost time over %s: %s (see notes).".formatted(inJvm.mode(),
                        String.join(", ", away))));
            }
        }
        for (Cell c : row) {
            if (c.decision() != null) {
                String picked = c.decision().contains(":") ? c.decision().substring(0, c.decision().indexOf(':'))
                        : c.decision();
                sentences.add(List.of("%s picked %s.".formatted(c.mode(), picked)));
            }
        }
        if (nature.equals(Workload.CPU_BOUND)) {
            for (Cell c : row) {
                if (c != sequential && is(c, Mode::oneThread) && sequential != null && c.speedup() != null) {
                    sentences.add(List.of("%s: %.2fx on its one thread.".formatted(c.mode(), c.speedup())));
                }
            }
        }
        String brief = sentences.getFirst().getFirst();
        for (List<String> forms : sentences.subList(1, sentences.size())) {
            for (String form : forms) {
                if (lines(brief + " " + form) <= BRIEF_LINES) {
                    brief = brief + " " + form;
                    break;
                }
            }
        }
        return brief;
    }

    /** How many lines {@code text} takes wrapped under a headline. */
    static int lines(String text) {
        return (int) Paragraph.indented(text, Paragraph.WIDTH, INDENT).lines().count();
    }

    private static String cpuBound(Cell winner, Cell sequential, double busy, Machine machine) {
        int cpus = machine.logicalCpus();
        int cap = Math.min(Math.min(winner.tasks(), winner.workers()), cpus);
        String measured = busyPhrase(sequential != null, busy);
        if (winner == sequential) {
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

    /**
     * For mixed work, the least time any mode could take, from the sequential run: its CPU time spread over every
     * CPU, plus one task's wait (the last task to compute still waits after, or before, its computing). A winner
     * near it leaves nothing for another mode, however it schedules, to win.
     */
    private static String floor(Cell sequential, Cell winner, Machine machine, boolean brief) {
        if (sequential == null || sequential == winner || sequential.tasks() < 1) {
            return "";
        }
        int cpus = machine.logicalCpus();
        double cpu = Math.min(sequential.cpuS(), sequential.wallS());
        double oneWait = (sequential.wallS() - cpu) / sequential.tasks();
        double floor = cpu / cpus + oneWait;
        if (brief) {
            return "Floor: %s CPU / %d CPUs + one task's wait = %s; %s took %s.".formatted(seconds(cpu), cpus,
                    seconds(floor), winner.mode(), seconds(winner.wallS()));
        }
        return (" No mode can take much less than the work's CPU time spread over the %d CPUs plus one task's wait:"
                + " %s / %d + %s = %s (from the sequential run); %s took %s, %s.").formatted(cpus, seconds(cpu), cpus,
                seconds(oneWait), seconds(floor), winner.mode(), seconds(winner.wallS()),
                winner.wallS() < floor * (1 + TIE) ? "at it" : "%.0f%% above it".formatted(
                        (winner.wallS() / floor - 1) * 100));
    }

    private static String mixed(Cell winner, double busy, boolean fromSequential) {
        String measured = busyPhrase(fromSequential, busy);
        return ("Mixed (%s): part computing, part waiting for the OS. %s overlapped both and kept %.1f cores busy.")
                .formatted(measured, winner.mode(), winner.coresBusy());
    }

    /**
     * What the cells of modes that run every task on one thread ({@link Mode#oneThread()}: the loop) show, the
     * baseline aside; with what the workload says about such a mode, if anything.
     */
    private static String onOneThread(List<Cell> row, String nature, Cell sequential, Workload known) {
        StringBuilder out = new StringBuilder();
        for (Cell c : row) {
            if (c == sequential || !is(c, Mode::oneThread)) {
                continue;
            }
            String vs = sequential != null ? " (%.2fx sequential)".formatted(c.speedup()) : "";
            String note = known != null && known.oneThreadNote() != null ? " " + known.oneThreadNote() : "";
            if (nature.equals(Workload.CPU_BOUND) && note.isEmpty()) {
                out.append(" %s took %s%s: its tasks share one thread, so CPU work runs one task after another;"
                        .formatted(c.mode(), seconds(c.wallS()), vs) + " that is concurrency, not parallelism.");
            } else {
                out.append(" %s took %s%s on its one thread.".formatted(c.mode(), seconds(c.wallS()), vs))
                        .append(note);
            }
        }
        return out.toString();
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
            boolean virtual = is(c, Mode::virtualThreads);
            if (virtual && added > 0) {
                // Platform threads only: the scheduler's carriers, alive from the warm-up, and any it added.
                out.append("; the JDK started up to %d platform thread%s beside its carriers, to stand in for virtual"
                        .formatted(added, added == 1 ? "" : "s") + " threads blocked in the OS (file I/O holds a"
                        + " carrier)");
            } else if (!virtual && added > c.workers()) {
                out.append("; up to %d threads ran at once for its %d worker%s".formatted(added, c.workers(),
                        c.workers() == 1 ? "" : "s"));
            }
            out.append('.');
        }
        return out.toString();
    }

    /**
     * What the cells of modes that run tasks in other JVMs ({@link Mode#otherJvms()}: processes, the cluster) show
     * against the fastest mode that runs them in parallel in this JVM: on the JVM both run CPU work in parallel, so
     * the difference is the cost of the other JVMs ({@link Mode#overhead()}), the price of what they buy
     * ({@link Mode#note()}).
     */
    private static String inOtherJvms(List<Cell> row) {
        Cell here = fastestInThisJvm(row);
        if (here == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (Cell c : row) {
            Mode mode = mode(c.mode());
            if (mode == null || !mode.otherJvms()) {
                continue;
            }
            double extra = c.wallS() - here.wallS();
            out.append(" %s (%d worker%s) took %s".formatted(c.mode(), c.workers(), c.workers() == 1 ? "" : "s",
                    seconds(c.wallS())));
            if (Math.abs(extra) <= TIE * here.wallS()) {
                out.append(", level with %s (%s).".formatted(here.mode(), seconds(here.wallS())));
            } else if (extra < 0) {
                out.append(", %s less than %s (%s).".formatted(seconds(-extra), here.mode(), seconds(here.wallS())));
            } else {
                out.append(", %s more than %s".formatted(seconds(extra), here.mode()));
                out.append(mode.overhead() != null ? ": the cost of " + mode.overhead() + "." : ".");
                if (mode.note() != null) {
                    out.append(' ').append(mode.note());
                }
            }
        }
        return out.toString();
    }

    /**
     * The fastest cell of a mode that runs tasks in parallel in this JVM (neither on one thread nor in other
     * JVMs), the reference for what leaving the JVM costs; null when the row has none.
     */
    private static Cell fastestInThisJvm(List<Cell> row) {
        return row.stream().filter(c -> {
            Mode mode = mode(c.mode());
            return mode != null && !mode.oneThread() && !mode.otherJvms();
        }).min(Comparator.comparingDouble(Cell::wallS)).orElse(null);
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
