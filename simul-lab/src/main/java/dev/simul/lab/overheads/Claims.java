package dev.simul.lab.overheads;

import static dev.simul.lab.overheads.OverheadsFinding.COROUTINE;
import static dev.simul.lab.overheads.OverheadsFinding.METHOD_CALL;
import static dev.simul.lab.overheads.OverheadsFinding.PLATFORM_THREAD;
import static dev.simul.lab.overheads.OverheadsFinding.VIRTUAL_THREAD;
import static dev.simul.lab.overheads.OverheadsFinding.WORKER_PROCESS;

import dev.simul.lab.overheads.OverheadsFinding.Unit;
import dev.simul.lab.text.Figures;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The seeds' claims about what threads, processes and async tasks cost, each judged from the measured units: a
 * sentence that says whether it holds, with the ratios that decide it. Wording follows the numbers only; nothing
 * here measures.
 */
final class Claims {

    /**
     * How many times more coroutines than threads must fit in the same memory for "many many more" to hold: one
     * order of magnitude. Below it, and above 1, the claim holds only in part.
     */
    static final double MANY_MORE = 10;

    private Claims() {
    }

    /** One verdict per claim whose models were measured, in a fixed order. */
    static List<String> judge(List<Unit> units) {
        Map<String, Unit> by = new LinkedHashMap<>();
        units.forEach(u -> by.put(u.model(), u));
        Unit call = by.get(METHOD_CALL);
        Unit platform = by.get(PLATFORM_THREAD);
        Unit virtual = by.get(VIRTUAL_THREAD);
        Unit coroutine = by.get(COROUTINE);
        Unit process = by.get(WORKER_PROCESS);
        List<String> verdicts = new ArrayList<>();
        if (process != null && platform != null) {
            verdicts.add(processes(process, platform));
        }
        if (coroutine != null && call != null && platform != null) {
            verdicts.add(cheaperThanCalls(coroutine, call, platform));
        }
        if (coroutine != null && units.stream().anyMatch(u -> switches(u) && u != coroutine)) {
            verdicts.add(cheapestSwitch(units, coroutine));
        }
        if (coroutine != null && platform != null) {
            verdicts.add(manyMore(coroutine, platform, virtual));
        }
        return verdicts;
    }

    /** Seeds 002 and 004: processes start and switch more slowly than threads (and, seed 001, weigh more). */
    static String processes(Unit process, Unit platform) {
        boolean start = process.createJoinNs() > platform.createJoinNs();
        boolean roundTrip = process.switchNs() > platform.switchNs();
        String judged = start && roundTrip ? "Holds"
                : start ? "Holds for start-up, not for switching"
                : roundTrip ? "Holds for switching, not for start-up" : "Does not hold";
        StringBuilder s = new StringBuilder("Seeds 002 and 004: processes cost more to start and to switch to than"
                + " threads. " + judged + ": a worker process costs ");
        s.append(relative(process.createJoinNs(), platform.createJoinNs(), "a platform thread"))
                .append(" to create, start and join (%s against %s), and a task's round trip to it costs ".formatted(
                        Figures.nanos(process.createJoinNs()), Figures.nanos(platform.createJoinNs())))
                .append(relative(process.switchNs(), platform.switchNs(), "a thread switch"))
                .append(" (%s against %s)".formatted(Figures.nanos(process.switchNs()), Figures.nanos(platform.switchNs())));
        if (process.bytesPerIdleUnit() != null && platform.bytesPerIdleUnit() != null) {
            s.append("; idle, it holds %s, %s (seed 001's higher resource overhead)".formatted(
                    bytes(process.bytesPerIdleUnit()), relative(process.bytesPerIdleUnit(),
                            platform.bytesPerIdleUnit(), "a parked platform thread")));
        }
        return s.append('.').toString();
    }

    /** Seed 002: async tasks switch at very low cost, "incidentally cheaper than function calls". */
    static String cheaperThanCalls(Unit coroutine, Unit call, Unit platform) {
        boolean holds = coroutine.switchNs() < call.switchNs();
        return "Seed 002: async tasks switch at very low cost, cheaper than function calls. %s: a coroutine switch"
                .formatted(holds ? "Holds" : "Does not hold")
                + " costs %s (%s against %s)%s; %s (%s).".formatted(
                        relative(coroutine.switchNs(), call.switchNs(), "a method call"), Figures.nanos(coroutine.switchNs()),
                        Figures.nanos(call.switchNs()), holds ? "" : ", not less",
                        relative(coroutine.switchNs(), platform.switchNs(), "a platform-thread switch"),
                        Figures.nanos(platform.switchNs()));
    }

    /**
     * Seed 002: async tasks have the cheapest switching mechanism of all techniques. A coroutine within
     * {@link #ABOUT_THE_SAME} of a cheaper model is a tie, not a defeat: the difference is noise on a shared machine.
     */
    static String cheapestSwitch(List<Unit> units, Unit coroutine) {
        List<Unit> others = units.stream().filter(u -> switches(u) && u != coroutine)
                .sorted(Comparator.comparingDouble(Unit::switchNs)).toList();
        Unit cheapest = others.getFirst();
        StringBuilder s = new StringBuilder("Seed 002: async tasks have the cheapest switching mechanism of all. ");
        Unit reference = coroutine;
        if (coroutine.switchNs() <= cheapest.switchNs()) {
            s.append("Holds: a coroutine switches in %s".formatted(Figures.nanos(coroutine.switchNs())));
        } else {
            boolean tie = coroutine.switchNs() < ABOUT_THE_SAME * cheapest.switchNs();
            s.append("%s: a %s switches in %s, %s (%s)".formatted(tie ? "A tie" : "Does not hold", name(cheapest),
                    Figures.nanos(cheapest.switchNs()), relative(cheapest.switchNs(), coroutine.switchNs(), "a coroutine"),
                    Figures.nanos(coroutine.switchNs())));
            reference = cheapest;
            others = others.subList(1, others.size());
        }
        List<String> parts = new ArrayList<>();
        for (Unit u : others) {
            parts.add("%s for a %s (%s)".formatted(Figures.nanos(u.switchNs()),
                    u.model().equals(WORKER_PROCESS) ? "round trip to a worker process" : name(u),
                    ratio(u.switchNs() / reference.switchNs())));
        }
        if (!parts.isEmpty()) {
            s.append(reference == coroutine ? ", against " : "; against ").append(list(parts));
        }
        return s.append('.').toString();
    }

    /** Seed 002: you can run many many more async tasks than threads. */
    static String manyMore(Unit coroutine, Unit platform, Unit virtual) {
        String claim = "Seed 002: you can run many many more async tasks than threads. ";
        Long c = coroutine.bytesPerIdleUnit();
        Long p = platform.bytesPerIdleUnit();
        if (c == null || p == null || c <= 0 || p <= 0) {
            return claim + "Not judged: the memory of an idle %s could not be measured on this system.".formatted(
                    c == null || c <= 0 ? "coroutine" : "platform thread");
        }
        double more = p / (double) c;
        String judged = more >= MANY_MORE ? "Holds against platform threads"
                : more > 1 ? "Holds only in part: more, not many many more" : "Does not hold";
        String times = more >= 1 ? ratio(more) : ratio(1 / more) + " less";
        StringBuilder s = new StringBuilder(claim).append(judged).append((": an idle coroutine holds %s, a parked"
                + " platform thread %s (%s), so 1 GiB holds about %s coroutines against %s threads").formatted(
                bytes(c), bytes(p), times, count((1L << 30) / c), count((1L << 30) / p)));
        Long v = virtual == null ? null : virtual.bytesPerIdleUnit();
        if (v != null && v > 0) {
            double againstVirtual = v / (double) c;
            s.append(againstVirtual >= MANY_MORE ? "; and against virtual threads too: one holds "
                    : "; but not against virtual threads, which are threads too: one holds ")
                    .append(bytes(v)).append(", ").append(relative(v, c, "a coroutine"));
        }
        return s.append('.').toString();
    }

    private static boolean switches(Unit u) {
        return !u.model().equals(METHOD_CALL);
    }

    /** Two figures closer than this factor are "about as much": a ratio of 1.0x says nothing either way. */
    static final double ABOUT_THE_SAME = 1.05;

    /**
     * "2.5x {@code what}" when {@code a} is at least {@code b}, else "2.5x less than {@code what}"; "about as much
     * as {@code what}" within {@link #ABOUT_THE_SAME}.
     */
    static String relative(double a, double b, String what) {
        if (Math.max(a, b) < ABOUT_THE_SAME * Math.min(a, b)) {
            return "about as much as " + what;
        }
        return a >= b ? ratio(a / b) + " " + what : ratio(b / a) + " less than " + what;
    }

    /** A ratio: one decimal below 10, none above ("4.1x", "52x", "2,400x"). */
    static String ratio(double r) {
        return r < 10 ? String.format(Locale.ROOT, "%.1fx", r) : String.format(Locale.ROOT, "%,.0fx", r);
    }

    /** Bytes as "620 B", "4.2 KiB", "38 KiB", "45 MiB". */
    static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        double v = b / 1024.0;
        String unit = "KiB";
        if (v >= 1024) {
            v /= 1024;
            unit = "MiB";
        }
        return String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, unit);
    }

    /** A count to two significant digits: "26,000", "1.7 million". */
    static String count(long n) {
        if (n >= 1_000_000) {
            return String.format(Locale.ROOT, "%.1f million", n / 1e6);
        }
        long step = 1;
        while (n / step >= 100) {
            step *= 10;
        }
        return String.format(Locale.ROOT, "%,d", Math.round(n / (double) step) * step);
    }

    private static String name(Unit u) {
        return u.model().replace('_', ' ');
    }

    private static String list(List<String> parts) {
        if (parts.size() <= 1) {
            return String.join("", parts);
        }
        return String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.getLast();
    }
}
