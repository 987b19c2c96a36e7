package dev.simul.testkit;

import dev.simul.task.Wait;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A one-shot signal between a test and its tasks, wherever they run: in this JVM, on an event loop, in a worker
 * process or on another member of a cluster that shares the machine's file system. It is a file: firing creates it,
 * waiting polls for it through {@link Wait}, so a task waiting for a signal suspends as a portable task must (on the
 * loop, the other coroutines run meanwhile) and responds to cancellation like any wait.
 *
 * @param path the file that stands for the signal; it must not exist before the signal fires
 */
public record Signal(String path) implements Serializable {

    /** How often a waiter looks: short enough not to slow tests, long enough to cost nothing. */
    static final Duration POLL = Duration.ofMillis(1);

    /** A signal in {@code folder} called {@code name}. */
    public static Signal in(Path folder, String name) {
        return new Signal(folder.resolve(name).toString());
    }

    /** Fires the signal; firing it again changes nothing. */
    public void fire() {
        try {
            Files.createFile(Path.of(path));
        } catch (FileAlreadyExistsException e) {
            // fired already
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fire the signal " + path, e);
        }
    }

    /** Whether the signal has fired. */
    public boolean fired() {
        return Files.exists(Path.of(path));
    }

    /** Waits until the signal fires, for as long as it takes, or until the waiter is interrupted or cancelled. */
    public void await() throws InterruptedException {
        while (!fired()) {
            Wait.sleep(POLL);
        }
    }

    /** Waits until the signal fires or {@code timeout} passes; true if it fired. */
    public boolean await(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!fired()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Wait.sleep(POLL);
        }
        return true;
    }
}
