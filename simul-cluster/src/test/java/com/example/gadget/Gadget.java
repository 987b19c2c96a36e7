package com.example.gadget;

import dev.simul.task.Task;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * Stands for a gadget: a class on the members' class path that runs code as it is deserialized (here, it creates a
 * file). Outside {@code dev.simul}, so that no allow-list lets it in unless told to.
 */
public final class Gadget implements Task<String>, Callable<String> {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String path;

    public Gadget(Path path) {
        this.path = path.toString();
    }

    @Serial
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        Files.createFile(Path.of(path));
    }

    @Override
    public String call() {
        return "ran";
    }
}
