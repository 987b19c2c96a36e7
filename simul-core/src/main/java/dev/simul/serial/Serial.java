package dev.simul.serial;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;

/**
 * Java serialization as work that crosses to another JVM needs it: writing notes every class written (so that the
 * other side may be told which classes to allow, {@link AllowList.Learned}), and reading goes through a filter, with
 * classes resolved by a given loader and a refusal that says which class was refused and why.
 */
public final class Serial {

    private Serial() {
    }

    /** The serialized form of {@code value}, noting in {@code learned} (if not null) what it wrote. */
    public static byte[] serialize(Object value, AllowList.Learned learned) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        write(value, bytes, learned);
        return bytes.toByteArray();
    }

    /** Writes {@code value} to {@code out}, noting in {@code learned} (if not null) what it wrote. */
    public static void write(Object value, OutputStream out, AllowList.Learned learned) throws IOException {
        try (ObjectOutputStream objects = learned == null ? new ObjectOutputStream(out) : new Recording(out, learned)) {
            objects.writeObject(value);
        }
    }

    /**
     * Reads what {@link #serialize} wrote, through {@code filter}, resolving classes with {@code loader} first.
     *
     * @throws InvalidClassException "deserialization refused: ..." naming the refused class or broken limit
     */
    public static Object deserialize(byte[] bytes, ObjectInputFilter filter, ClassLoader loader)
            throws IOException, ClassNotFoundException {
        long[] tooLong = {-1};
        try (ObjectInputStream in = new LoaderInputStream(new ByteArrayInputStream(bytes), loader)) {
            // An array is allocated from its declared length before its elements are read: a few bytes could
            // ask for gigabytes. Every element takes at least a byte of the payload, so no honest array is
            // longer than the payload.
            in.setObjectInputFilter(info -> {
                if (info.arrayLength() > bytes.length) {
                    tooLong[0] = info.arrayLength();
                    return ObjectInputFilter.Status.REJECTED;
                }
                return filter.checkInput(info);
            });
            return in.readObject();
        } catch (InvalidClassException e) {
            if (e.getMessage() != null && e.getMessage().contains("REJECTED")) {
                String reason = tooLong[0] >= 0
                        ? "an array of " + tooLong[0] + " elements in a payload of " + bytes.length + " bytes"
                        : filter instanceof AllowList.Filter allow ? allow.takeReason()
                        + " (allow more with the runner's allowed classes option)" : "refused by the filter";
                InvalidClassException clear = new InvalidClassException("deserialization refused: " + reason);
                clear.initCause(e);
                throw clear;
            }
            throw e;
        }
    }

    /** Serializes as usual, noting each class written and each piece of submitted code. */
    private static final class Recording extends ObjectOutputStream {
        private final AllowList.Learned learned;

        Recording(OutputStream out, AllowList.Learned learned) throws IOException {
            super(out);
            this.learned = learned;
            enableReplaceObject(true);
        }

        @Override
        protected void annotateClass(Class<?> c) {
            learned.wrote(c);
        }

        @Override
        protected Object replaceObject(Object o) {
            learned.wrote(o); // a lambda arrives here already replaced by its SerializedLambda
            return o;
        }
    }

    /** Resolves classes through a given loader (the application's), as tasks arriving from elsewhere need. */
    private static final class LoaderInputStream extends ObjectInputStream {
        private final ClassLoader loader;

        LoaderInputStream(InputStream in, ClassLoader loader) throws IOException {
            super(in);
            this.loader = loader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            try {
                return Class.forName(desc.getName(), false, loader);
            } catch (ClassNotFoundException e) {
                return super.resolveClass(desc);
            }
        }
    }
}
