package dev.simul.lab.workload;

import dev.simul.runner.Handle;
import dev.simul.runner.Runner;
import dev.simul.task.Task;
import dev.simul.task.Wait;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Seed 000's countdown(5) and countup(5), each sleeping 0.25 s per step. Run one after the other they print all
 * "down" lines, then all "up" lines; run concurrently the lines interleave. Each step records when and on which
 * thread it ran, so the interleaving a mode produces can be shown and checked.
 */
public final class Countdown extends Workload {

    static final int COUNT = 5;
    static final Duration PAUSE = Duration.ofMillis(250);

    /** One printed line of the seed: its text, when it ran (epoch milliseconds) and on which thread. */
    public record Step(String text, long atMillis, String thread) implements Serializable {
    }

    public Countdown() {
        super("countdown", 2, IO_BOUND,
                "seed 000 countdown(5) and countup(5), sleeping 0.25 s (scaled) per step");
    }

    @Override
    public void run(Runner runner, double scale) throws Exception {
        play(runner, scale, false);
    }

    /**
     * Runs both counters on {@code runner}; with {@code print}, each task prints its lines as it goes, as in the
     * seed. Returns every step, in the order they ran.
     */
    public static List<Step> play(Runner runner, double scale, boolean print) throws Exception {
        Duration pause = Duration.ofNanos(Math.round(PAUSE.toNanos() * scale));
        long start = System.currentTimeMillis();
        Handle<List<Step>> down = runner.submit((Task<List<Step>>) () -> countdown(COUNT, pause, start, print));
        Handle<List<Step>> up = runner.submit((Task<List<Step>>) () -> countup(COUNT, pause, start, print));
        List<Step> steps = new ArrayList<>(Wait.await(down));
        steps.addAll(Wait.await(up));
        check(steps.subList(0, COUNT), "down 5", "down 4", "down 3", "down 2", "down 1");
        check(steps.subList(COUNT, 2 * COUNT), "up 0", "up 1", "up 2", "up 3", "up 4");
        steps.sort(Comparator.comparingLong(Step::atMillis));
        return steps;
    }

    private static void check(List<Step> steps, String... expected) {
        List<String> texts = steps.stream().map(Step::text).toList();
        if (!texts.equals(List.of(expected))) {
            throw new IllegalStateException("countdown: steps " + texts + ", expected " + List.of(expected));
        }
    }

    /** How many times consecutive steps switch between the two counters: 1 if one ran after the other. */
    public static int switches(List<Step> steps) {
        int switches = 0;
        for (int i = 1; i < steps.size(); i++) {
            if (steps.get(i).text().charAt(0) != steps.get(i - 1).text().charAt(0)) {
                switches++;
            }
        }
        return switches;
    }

    static List<Step> countdown(int n, Duration pause, long start, boolean print) throws InterruptedException {
        List<Step> steps = new ArrayList<>();
        while (n > 0) {
            steps.add(step("down " + n, start, print));
            Wait.sleep(pause);
            n--;
        }
        return steps;
    }

    static List<Step> countup(int stop, Duration pause, long start, boolean print) throws InterruptedException {
        List<Step> steps = new ArrayList<>();
        for (int counter = 0; counter < stop; counter++) {
            steps.add(step("up " + counter, start, print));
            Wait.sleep(pause);
        }
        return steps;
    }

    private static Step step(String text, long start, boolean print) {
        Step step = new Step(text, System.currentTimeMillis(), threadName());
        if (print) {
            System.out.printf("%6.2f s  %-7s  %s%n", (step.atMillis() - start) / 1000.0, text, step.thread());
        }
        return step;
    }

    private static String threadName() {
        Thread t = Thread.currentThread();
        String name = t.getName().isEmpty() ? "#" + t.threadId() : t.getName();
        return (t.isVirtual() ? "virtual thread " : "thread ") + name;
    }
}
