package dev.simul.process;

import java.io.ObjectInputFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which classes a pool and its workers deserialize: the JDK's plain value, collection and exception types, simul's
 * own classes, and the patterns the pool's owner adds for their tasks ({@code com.acme.**}); everything else is
 * refused, as are graphs past the size limits. Java serialization runs code of whatever class a payload names,
 * so naming the classes up front is what keeps a crafted payload from running a gadget chain.
 *
 * <p>Patterns follow {@link ObjectInputFilter.Config#createFilter}: {@code a.b.C} one class, {@code a.b.*} a
 * package, {@code a.b.**} a package and its subpackages. Arrays are checked by their element class.
 */
final class AllowList {

    /**
     * The JDK classes tasks commonly carry. {@code java.net.URL} is left out on purpose: hashing one resolves its
     * host, the first step of a well-known gadget chain; {@code java.net.URI} is the safe way to carry an address.
     */
    static final List<String> JDK = List.of(
            "java.lang.*", "java.lang.invoke.SerializedLambda", "java.math.*", "java.time.*", "java.time.chrono.*",
            "java.util.*", "java.util.concurrent.*", "java.util.concurrent.atomic.*", "java.util.regex.Pattern",
            "java.io.*", "java.nio.file.*", "java.nio.charset.*", "!java.net.URL", "java.net.*",
            "java.net.http.HttpTimeoutException", "java.net.http.HttpConnectTimeoutException", "dev.simul.**");

    /** Graph limits: generous for real data, small enough that a crafted graph cannot exhaust memory. */
    static final String LIMITS = "maxdepth=200;maxrefs=10000000;maxarray=268435456";

    private static final Pattern VALID = Pattern.compile("!?[\\p{javaJavaIdentifierPart}.$]+(\\.\\*\\*?)?");

    private AllowList() {
    }

    /**
     * The filter text for the JDK classes plus {@code extra}; anything else is rejected.
     *
     * @throws IllegalArgumentException for a pattern that is not a class name, package or {@code !} exclusion
     */
    static String filterText(List<String> extra) {
        List<String> parts = new ArrayList<>();
        parts.add(LIMITS);
        for (String pattern : extra) {
            String p = pattern.strip();
            if (!VALID.matcher(p).matches() || p.startsWith(".") || p.startsWith("!.")) {
                throw new IllegalArgumentException("not a class pattern: '" + pattern
                        + "' (use com.acme.Task, com.acme.* or com.acme.**)");
            }
            parts.add(p);
        }
        parts.addAll(JDK);
        parts.add("!*");
        return String.join(";", parts);
    }

    /** The filter that {@link #filterText} describes; it remembers, per thread, the last class it refused. */
    static Filter filter(String text) {
        return new Filter(ObjectInputFilter.Config.createFilter(text));
    }

    /** A filter that can say which class it refused, for an error message that helps. */
    static final class Filter implements ObjectInputFilter {
        private final ObjectInputFilter patterns;
        private final ThreadLocal<String> lastRefused = new ThreadLocal<>();

        Filter(ObjectInputFilter patterns) {
            this.patterns = patterns;
        }

        @Override
        public Status checkInput(FilterInfo info) {
            if (info.serialClass() != null && info.serialClass().isHidden()) {
                // A lambda, made by readResolve from an allowed SerializedLambda through its allowed capturing
                // class's own $deserializeLambda$. A stream cannot name a hidden class, so none gets here otherwise.
                return Status.ALLOWED;
            }
            Status status = patterns.checkInput(info);
            if (status == Status.REJECTED) {
                Class<?> c = info.serialClass();
                while (c != null && c.isArray()) {
                    c = c.getComponentType();
                }
                lastRefused.set(c != null ? "class " + c.getName() + " is not allow-listed"
                        : "the object graph is past a limit (" + LIMITS + ")");
            }
            return status;
        }

        /** Why the last refusal on this thread happened, and clears it. */
        String takeReason() {
            String reason = lastRefused.get();
            lastRefused.remove();
            return reason != null ? reason : "refused by the allow-list";
        }
    }
}
