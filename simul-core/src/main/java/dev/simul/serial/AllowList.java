package dev.simul.serial;

import dev.simul.task.Fn;
import dev.simul.task.Task;
import java.io.ObjectInputFilter;
import java.lang.invoke.SerializedLambda;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Which classes a runner that ships work to other JVMs (a process pool and its workers, a cluster's members)
 * deserializes: the JDK's plain value, collection and exception types, simul's
 * own classes, the patterns the pool's owner adds ({@code com.acme.**}), and what the submitted work brought with
 * it; everything else is refused, as are graphs past the size limits. Java serialization runs code of whatever
 * class a payload names, so a class must be known before a payload may name it: that is what keeps a crafted
 * payload from running a gadget chain.
 *
 * <p>What submitted work brings ({@link Learned}), so that a portable task runs unchanged with no option: every
 * class the pool serializes into a task, an input or a map's function may come back to it and is allowed in the
 * worker that receives it (the pool names them beside the payload); and the package of the code submitted (the
 * class that declares a task's lambda, or a class implementing {@code Task} or {@code Fn}) is allowed for results
 * and exceptions, since that code makes them. A class in another package that no submitted work carried, such as
 * a library's gadget returned by a compromised worker, is still refused before its {@code readObject} runs.
 *
 * <p>Patterns follow {@link ObjectInputFilter.Config#createFilter}: {@code a.b.C} one class, {@code a.b.*} a
 * package, {@code a.b.**} a package and its subpackages. Arrays are checked by their element class.
 */
public final class AllowList {

    /**
     * The JDK classes tasks commonly carry. {@code java.net.URL} is left out on purpose: hashing one resolves its
     * host, the first step of a well-known gadget chain; {@code java.net.URI} is the safe way to carry an address.
     */
    public static final List<String> JDK = List.of(
            "java.lang.*", "java.lang.invoke.SerializedLambda", "java.math.*", "java.time.*", "java.time.chrono.*",
            "java.util.*", "java.util.concurrent.*", "java.util.concurrent.atomic.*", "java.util.regex.Pattern",
            "java.io.*", "java.nio.file.*", "java.nio.charset.*", "!java.net.URL", "java.net.*",
            "java.net.http.HttpTimeoutException", "java.net.http.HttpConnectTimeoutException", "dev.simul.**");

    /** Graph limits: generous for real data, small enough that a crafted graph cannot exhaust memory. */
    public static final String LIMITS = "maxdepth=200;maxrefs=10000000;maxarray=268435456";

    private static final Pattern VALID = Pattern.compile("!?[\\p{javaJavaIdentifierPart}.$]+(\\.\\*\\*?)?");

    private AllowList() {
    }

    /**
     * The filter text for the JDK classes plus {@code extra}; anything else is rejected.
     *
     * @throws IllegalArgumentException for a pattern that is not a class name, package or {@code !} exclusion
     */
    public static String filterText(List<String> extra) {
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
    public static Filter filter(String text) {
        List<String> exclusions = new ArrayList<>();
        for (String part : text.split(";")) {
            if (part.startsWith("!") && !part.equals("!*")) {
                exclusions.add(part);
            }
        }
        return new Filter(ObjectInputFilter.Config.createFilter(text), exclusions.isEmpty() ? null
                : ObjectInputFilter.Config.createFilter(String.join(";", exclusions)));
    }

    /** The limits alone: they hold for learned classes too. */
    private static final ObjectInputFilter LIMITS_ONLY = ObjectInputFilter.Config.createFilter(LIMITS);

    /**
     * A filter that also allows what submitted work brought ({@link #learn}), and can say which class it refused,
     * for an error message that helps. Learning is safe from any thread; it only ever adds.
     */
    public static final class Filter implements ObjectInputFilter {
        private final ObjectInputFilter patterns;
        /** The patterns' explicit refusals ({@code !java.net.URL}): learning never overrides them. */
        private final ObjectInputFilter exclusions;
        private final ThreadLocal<String> lastRefused = new ThreadLocal<>();
        private final Set<String> classes = ConcurrentHashMap.newKeySet();
        private final Set<String> packages = ConcurrentHashMap.newKeySet();
        /**
         * Classes the patterns allowed: asked again, they skip the patterns (the JDK's filter walks its list for
         * every class of every stream, a tenth of reading a small task). Only allowances are kept: learning only
         * ever allows more, so an allowance stays true; a refusal might not.
         */
        private final Set<Class<?>> allowed = ConcurrentHashMap.newKeySet();

        Filter(ObjectInputFilter patterns, ObjectInputFilter exclusions) {
            this.patterns = patterns;
            this.exclusions = exclusions;
        }

        /** Allows these classes from now on, by name. */
        public void learnClasses(Collection<String> names) {
            classes.addAll(names);
        }

        /** Allows every class of these packages (not their subpackages) from now on. */
        public void learnPackages(Collection<String> names) {
            packages.addAll(names);
        }

        @Override
        public Status checkInput(FilterInfo info) {
            Class<?> c = info.serialClass();
            while (c != null && c.isArray()) {
                c = c.getComponentType();
            }
            if (c != null && c.isHidden()) {
                // A lambda, made by readResolve from an allowed SerializedLambda through its capturing class's own
                // $deserializeLambda$. A stream cannot name a hidden class, so none gets here otherwise.
                return Status.ALLOWED;
            }
            if (c != null && LIMITS_ONLY.checkInput(info) != Status.REJECTED
                    && (exclusions == null || exclusions.checkInput(info) != Status.REJECTED)
                    && (classes.contains(c.getName()) || packages.contains(c.getPackageName()))) {
                return Status.ALLOWED;
            }
            if (c != null && allowed.contains(c) && LIMITS_ONLY.checkInput(info) != Status.REJECTED) {
                return Status.ALLOWED;
            }
            Status status = patterns.checkInput(info);
            if (status == Status.ALLOWED && c != null) {
                allowed.add(c);
            }
            if (status == Status.REJECTED) {
                lastRefused.set(c != null ? "class " + c.getName() + " is not allow-listed"
                        : "the object graph is past a limit (" + LIMITS + ")");
            }
            return status;
        }

        /** Why the last refusal on this thread happened, and clears it. */
        public String takeReason() {
            String reason = lastRefused.get();
            lastRefused.remove();
            return reason != null ? reason : "refused by the allow-list";
        }
    }

    /**
     * What the pool's serialization of one value wrote: every class, and the submitted code's classes (a lambda's
     * declaring class, a class implementing {@code Task} or {@code Fn}), whose packages make results.
     */
    public static final class Learned {
        private final Set<String> classes = new LinkedHashSet<>();
        private final Set<String> code = new LinkedHashSet<>();

        /** Every class written, by name, in the order first written. */
        public Set<String> classes() {
            return classes;
        }

        /** Notes a class written. */
        public void wrote(Class<?> c) {
            while (c.isArray()) {
                c = c.getComponentType();
            }
            if (!c.isPrimitive()) {
                classes.add(c.getName());
            }
        }

        /** Notes an object written: a lambda or a task names the submitted code. */
        public void wrote(Object o) {
            if (o instanceof SerializedLambda lambda) {
                code.add(lambda.getCapturingClass().replace('/', '.'));
            } else if (o instanceof Task<?> || o instanceof Fn<?, ?>) {
                code.add(o.getClass().getName());
            }
        }

        /** The packages of the code classes. */
        public List<String> codePackages() {
            List<String> out = new ArrayList<>();
            for (String name : code) {
                int dot = name.lastIndexOf('.');
                out.add(dot < 0 ? "" : name.substring(0, dot));
            }
            return out;
        }

        /** Forgets everything noted. */
        public void clear() {
            classes.clear();
            code.clear();
        }
    }
}
