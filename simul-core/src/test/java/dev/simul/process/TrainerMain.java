package dev.simul.process;

import dev.simul.runner.Handle;
import dev.simul.task.Task;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A child JVM for ProcessPoolTrainerTest, run from jars so that the pool trains an AOT cache. */
public final class TrainerMain {

    private TrainerMain() {
    }

    public static void main(String[] args) throws Exception {
        int lines = Integer.parseInt(args[1]);
        List<String> log = new CopyOnWriteArrayList<>();
        ProcessPool.Options options = ProcessPool.Options.defaults().withWorkers(1).withLog(log::add);
        try (ProcessPool pool = new ProcessPool(options)) {
            Task<Integer> task = () -> {
                for (int i = 0; i < lines; i++) {
                    System.out.println("task line " + i);
                }
                return lines;
            };
            Handle<Integer> h = pool.submit(task);
            h.get();
        }
        Thread.sleep(2000); // every forwarder is long done
        System.out.println("logged " + log.stream().filter(l -> l.contains("task line")).count());
    }
}
