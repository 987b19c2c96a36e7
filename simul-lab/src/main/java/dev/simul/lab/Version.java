package dev.simul.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The version simul was built as, which Maven writes into {@code simul-version.properties} at build time: what
 * {@code simul --version} prints and the lab's JSON records. Small and free of dependencies, since
 * {@code --version} loads it and should start fast.
 */
public final class Version {

    private Version() {
    }

    /** The Maven version ({@code 0.1.0-SNAPSHOT}), or null if the build did not record it. */
    public static String built() {
        try (InputStream in = Version.class.getResourceAsStream("simul-version.properties")) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            String version = p.getProperty("version");
            // Unfiltered (an IDE that copies resources as they are): the placeholder is no version.
            return version == null || version.isBlank() || version.startsWith("${") ? null : version;
        } catch (IOException e) {
            return null;
        }
    }
}
