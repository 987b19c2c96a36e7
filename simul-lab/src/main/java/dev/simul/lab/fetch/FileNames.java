package dev.simul.lab.fetch;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Safe, distinct file names for downloaded URLs: the last segment of the URL's path, with every character outside
 * {@code [A-Za-z0-9._-]} replaced, no leading dot (no hidden files, no {@code ..}), at most {@link #MAX_LENGTH}
 * characters, and a {@code -N} suffix where two URLs would share a name. A name never contains a separator, so
 * the file always lands directly in the target folder.
 */
final class FileNames {

    static final int MAX_LENGTH = 120;

    private final Path folder;
    private final Set<String> taken = new HashSet<>();

    FileNames(Path folder) {
        this.folder = folder.toAbsolutePath().normalize();
    }

    /** The file for {@code uri}, distinct from every file given before. */
    Path fileFor(URI uri) {
        String base = sanitize(lastSegment(uri));
        String name = base;
        for (int n = 1; !taken.add(name.toLowerCase(Locale.ROOT)); n++) {
            int dot = base.lastIndexOf('.');
            name = dot > 0 ? base.substring(0, dot) + "-" + n + base.substring(dot) : base + "-" + n;
        }
        Path file = folder.resolve(name).normalize();
        if (!folder.equals(file.getParent())) {
            throw new IllegalStateException("a file name escaped its folder: " + name); // sanitize makes it impossible
        }
        return file;
    }

    private static String lastSegment(URI uri) {
        String path = uri.getPath() == null ? "" : uri.getPath();
        int slash = path.lastIndexOf('/');
        String segment = slash >= 0 ? path.substring(slash + 1) : path;
        return segment.isEmpty() ? (uri.getHost() == null ? "download" : uri.getHost()) : segment;
    }

    static String sanitize(String raw) {
        StringBuilder name = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length() && name.length() < MAX_LENGTH; i++) {
            char c = raw.charAt(i);
            boolean safe = c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-');
            name.append(safe ? c : '_');
        }
        while (!name.isEmpty() && name.charAt(0) == '.') {
            name.setCharAt(0, '_');
        }
        return name.isEmpty() ? "download" : name.toString();
    }
}
