package dev.simul.testkit;

import dev.simul.task.Wait;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A barrier that tasks reach wherever they run, as {@link Signal} is a signal: each party that arrives leaves a file
 * in the barrier's folder, and waits, through {@link Wait}, until all parties have. A map whose tasks all pass it
 * proves that they ran at the same time (overlapping, on the loop; in parallel, elsewhere), without timing anything.
 *
 * @param folder  the barrier's own folder, created by {@link #in}
 * @param parties how many must arrive
 */
public record Barrier(String folder, int parties) implements Serializable {

    /** A new barrier for {@code parties} in a subfolder {@code name} of {@code parent}. */
    public static Barrier in(Path parent, String name, int parties) {
        try {
            return new Barrier(Files.createDirectory(parent.resolve(name)).toString(), parties);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Arrives as {@code party} and waits until all parties have arrived.
     *
     * @return {@code party}
     * @throws TimeoutException if they have not all arrived within {@code patience}
     */
    public int arrive(int party, Duration patience) throws InterruptedException, TimeoutException {
        Path dir = Path.of(folder);
        try {
            Files.createFile(dir.resolve(Integer.toString(party)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot arrive at the barrier " + folder, e);
        }
        long deadline = System.nanoTime() + patience.toNanos();
        while (arrived(dir) < parties) {
            if (System.nanoTime() - deadline >= 0) {
                throw new TimeoutException(arrived(dir) + " of " + parties + " parties arrived within " + patience);
            }
            Wait.sleep(Signal.POLL);
        }
        return party;
    }

    private static long arrived(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
