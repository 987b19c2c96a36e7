package dev.simul.lab.race;

import dev.simul.lab.experiment.Finding;
import dev.simul.lab.text.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the {@code race} experiment found: one row per (model, variant) that incremented a counter, and verdicts
 * computed from the counts.
 *
 * @param threads        threads, coroutines and tasks each model ran
 * @param cases          the rows: threads, then loop, then processes
 * @param workerCounters each worker JVM's own counter at the end of the processes case, in pid order
 * @param verdicts       the answers to the seeds' claims, from the numbers
 */
public record RaceFinding(int threads, List<Case> cases, List<Long> workerCounters, List<String> verdicts)
        implements Finding {

    /** Where the report wraps its lines. */
    private static final int WIDTH = 100;

    public RaceFinding {
        cases = List.copyOf(cases);
        workerCounters = List.copyOf(workerCounters);
        verdicts = List.copyOf(verdicts);
    }

    /**
     * One counter, incremented {@code expected} times in one model.
     *
     * @param model    {@code threads}, {@code loop} or {@code processes}
     * @param variant  how the increments were made
     * @param expected increments made
     * @param actual   the counter's value at the end (for processes: the parent's copy)
     * @param lost     expected - actual; null for processes, where nothing was lost but nothing was shared either
     * @param opsPerS  increments per second, from the first to the last; null for processes (mostly JVM start-up)
     */
    public record Case(String model, String variant, long expected, long actual, Long lost, Double opsPerS) {

        public Case {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(variant, "variant");
        }

        /** A case of a shared counter, from its counts and the nanoseconds its increments took. */
        static Case of(String model, String variant, long expected, long actual, long nanos) {
            return new Case(model, variant, expected, actual, expected - actual,
                    nanos > 0 ? expected * 1e9 / nanos : null);
        }
    }

    /** The finding of these cases, with its verdicts. */
    static RaceFinding of(int threads, List<Case> cases, List<Long> workerCounters) {
        return new RaceFinding(threads, cases, workerCounters, judge(threads, cases, workerCounters));
    }

    @Override
    public String render() {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("model", "variant", "expected", "actual", "lost", "increments/s"));
        for (Case c : cases) {
            rows.add(List.of(c.model(), c.variant(), count(c.expected()), count(c.actual()),
                    c.lost() == null ? "not shared" : lost(c.lost(), c.expected()),
                    c.opsPerS() == null ? "-" : rate(c.opsPerS())));
        }
        StringBuilder out = new StringBuilder();
        out.append("race: %d threads, %d coroutines and %d tasks in worker JVMs increment one counter%n"
                .formatted(threads, threads, threads));
        out.append(Table.render(rows, 2));
        out.append(wrap("expected = increments made; actual = the counter at the end (processes: the parent's"
                + " copy of the workers' static counter); lost = expected - actual")).append('\n');
        for (String verdict : verdicts) {
            out.append(wrap(verdict));
        }
        return out.toString();
    }

    /** The verdicts, one per question: threads unguarded, threads guarded, each loop variant, processes. */
    private static List<String> judge(int threads, List<Case> cases, List<Long> workerCounters) {
        List<String> verdicts = new ArrayList<>();
        find(cases, "threads", ThreadRace.UNSYNCHRONIZED.label).ifPresent(c -> verdicts.add(unguarded(threads, c)));
        List<Case> guarded = cases.stream().filter(c -> c.model().equals("threads")
                && !c.variant().equals(ThreadRace.UNSYNCHRONIZED.label)).toList();
        if (!guarded.isEmpty()) {
            verdicts.add(guarded(guarded, find(cases, "threads", ThreadRace.UNSYNCHRONIZED.label).orElse(null)));
        }
        find(cases, "loop", LoopRace.NO_AWAIT.label).ifPresent(c -> verdicts.add(("On the loop, with no await"
                + " inside the read-modify-write, %s, although the %d coroutines took turns after every increment:"
                + " one thread runs them, and a coroutine gives way only at an await.")
                .formatted(lostSentence(c), threads)));
        find(cases, "loop", LoopRace.AWAIT_INSIDE.label).ifPresent(c -> verdicts.add(("With an await between the"
                + " read and the write, %s: the other coroutines ran at the await and wrote in between. On the loop"
                + " the critical section is whatever spans an await.").formatted(lostSentence(c))));
        find(cases, "loop", LoopRace.LOCKED.label).ifPresent(c -> verdicts.add(locked(c,
                find(cases, "loop", LoopRace.AWAIT_INSIDE.label).orElse(null))));
        find(cases, "processes", null).ifPresent(c -> verdicts.add(processes(c, workerCounters)));
        return verdicts;
    }

    private static String unguarded(int threads, Case c) {
        String tail = c.lost() > 0
                ? "another thread wrote between a thread's read and its write."
                : "luck, not safety: nothing keeps another thread from writing between a read and its write.";
        return ("%d threads, no synchronization: %s. `value = value + 1` is a read and a write, and %s Seed 002"
                + " holds: with preemptive threads, guard the code that touches a shared resource.")
                .formatted(threads, lostSentence(c), tail);
    }

    private static String guarded(List<Case> guarded, Case unguarded) {
        List<Case> losing = guarded.stream().filter(c -> c.lost() != 0).toList();
        String names = names(guarded);
        StringBuilder s = new StringBuilder();
        if (losing.isEmpty()) {
            s.append(("With %s, no update was lost: an atomic increment, or a lock around the read and the write,"
                    + " makes them one step.").formatted(names));
        } else {
            s.append("With %s, updates were lost (%s): a bug, not a race these guards allow.".formatted(names,
                    losing.stream().map(c -> c.variant() + " " + count(c.lost())).collect(Collectors.joining(", "))));
        }
        List<Case> timed = guarded.stream().filter(c -> c.opsPerS() != null).toList();
        if (timed.size() >= 2) {
            Case fastest = timed.stream().max((a, b) -> Double.compare(a.opsPerS(), b.opsPerS())).orElseThrow();
            Case slowest = timed.stream().min((a, b) -> Double.compare(a.opsPerS(), b.opsPerS())).orElseThrow();
            s.append(" %s was the fastest at %s increments/s, %s %s's %s".formatted(fastest.variant(),
                    rate(fastest.opsPerS()), times(fastest.opsPerS() / slowest.opsPerS()), slowest.variant(),
                    rate(slowest.opsPerS())));
            if (unguarded != null && unguarded.opsPerS() != null) {
                String speed = rate(unguarded.opsPerS());
                s.append(fastest.opsPerS() >= unguarded.opsPerS()
                        ? "; the unguarded counter was no faster (" + speed + "), only wrong."
                        : "; the unguarded counter ran at " + speed + ", faster but wrong.");
            } else {
                s.append('.');
            }
        }
        return s.toString();
    }

    private static String locked(Case c, Case unlocked) {
        String s = "With an AsyncLock held across the await, %s".formatted(lostSentence(c));
        if (c.opsPerS() != null && unlocked != null && unlocked.opsPerS() != null) {
            s += ", at %s increments/s against %s without the lock".formatted(rate(c.opsPerS()),
                    rate(unlocked.opsPerS()));
        }
        return s + ": the coroutines queued at the lock instead of interleaving inside.";
    }

    private static String processes(Case c, List<Long> workerCounters) {
        long counted = workerCounters.stream().mapToLong(Long::longValue).sum();
        return ("In worker processes, the tasks added %s of %s to their JVMs' own copies of a static counter (in %d"
                + " worker JVM%s: %s), and the parent's copy still reads %s: each process has its separate memory"
                + " (seed 004), so there is nothing to race on, and nothing shared: results come back as messages.")
                .formatted(count(counted), count(c.expected()), workerCounters.size(),
                        workerCounters.size() == 1 ? "" : "s",
                        workerCounters.stream().map(RaceFinding::count).collect(Collectors.joining(" + ")),
                        count(c.actual()));
    }

    private static Optional<Case> find(List<Case> cases, String model, String variant) {
        return cases.stream().filter(c -> c.model().equals(model) && (variant == null || c.variant().equals(variant)))
                .findFirst();
    }

    /** "lost 1,234,567 of 4,000,000 updates (31%)", or "none of 4,000,000 updates was lost". */
    static String lostSentence(Case c) {
        return c.lost() == 0 ? "none of %s updates was lost".formatted(count(c.expected()))
                : "lost %s of %s updates (%s)".formatted(count(c.lost()), count(c.expected()),
                        share(c.lost(), c.expected()));
    }

    /** The table's cell: "1,234,567 (31%)", or "0". */
    static String lost(long lost, long expected) {
        return lost == 0 ? "0" : "%s (%s)".formatted(count(lost), share(lost, expected));
    }

    /** {@code part} as a whole percentage of {@code whole}; a loss that rounds to 0 is "<1%", never "0%". */
    static String share(long part, long whole) {
        double percent = whole == 0 ? 0 : 100.0 * part / whole;
        return percent > 0 && percent < 0.5 ? "<1%" : String.format(Locale.ROOT, "%.0f%%", percent);
    }

    /** Thousands separated by commas, whatever the locale. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** "12.3 M", "456.7 k" or "89". */
    static String rate(double perSecond) {
        if (perSecond >= 1e6) {
            return String.format(Locale.ROOT, "%.1f M", perSecond / 1e6);
        }
        return perSecond >= 1e3 ? String.format(Locale.ROOT, "%.1f k", perSecond / 1e3)
                : String.format(Locale.ROOT, "%.0f", perSecond);
    }

    private static String times(double ratio) {
        return String.format(Locale.ROOT, "%.1fx", ratio);
    }

    private static String names(List<Case> cases) {
        List<String> names = cases.stream().map(Case::variant).toList();
        return names.size() == 1 ? names.getFirst()
                : String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.getLast();
    }

    /** {@code text} in lines of at most {@link #WIDTH} columns, broken at spaces, the later ones indented. */
    static String wrap(String text) {
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (!line.isEmpty() && line.length() + 1 + word.length() > WIDTH) {
                out.append(line).append('\n');
                line.setLength(0);
                line.append("  ");
            }
            if (!line.isEmpty() && !line.toString().isBlank()) {
                line.append(' ');
            }
            line.append(word);
        }
        return out.append(line).append('\n').toString();
    }
}
