package dev.simul.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import dev.simul.serial.AllowList;
import dev.simul.serial.Serial;
import dev.simul.task.Task;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * One attempt at a task, as it travels to a member: the task serialized by simul ({@link Serial}), the classes it
 * carries, which the member then allows ({@link AllowList}, as a worker process does), and the submitter's own
 * allowed patterns. Hazelcast carries the job itself, so its filter needs to know only this class; the task inside
 * is read by simul's allow-list, on the member's thread that runs it.
 *
 * <p>Its answer is bytes: {@link Outcome}. Public with a no-argument constructor because Hazelcast makes one to
 * read it; it is not API.
 */
public final class Job implements Callable<byte[]>, DataSerializable, HazelcastInstanceAware {

    private String id;
    private byte[] task;
    private String[] classes;
    private String[] allowed;
    private transient HazelcastInstance instance;

    /** For Hazelcast, which reads the fields in. */
    public Job() {
    }

    Job(String id, byte[] task, List<String> classes, List<String> allowed) {
        this.id = id;
        this.task = task;
        this.classes = classes.toArray(String[]::new);
        this.allowed = allowed.toArray(String[]::new);
    }

    String id() {
        return id;
    }

    /** The same task under a new id, for another attempt. */
    Job again(String newId) {
        return new Job(newId, task, Arrays.asList(classes), Arrays.asList(allowed));
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
        this.instance = instance;
    }

    @Override
    public byte[] call() {
        Host host = Host.of(instance);
        if (host == null) {
            return Outcome.error(new IllegalStateException("this member was not started by simul: it runs no task"));
        }
        if (!host.begin(id)) {
            return Outcome.SKIPPED;
        }
        try {
            AllowList.Filter filter = host.filter(Arrays.asList(allowed));
            filter.learnClasses(Arrays.asList(classes));
            Object value = Serial.deserialize(task, filter, host.loader());
            if (!(value instanceof Task<?> t)) {
                return Outcome.error(new IllegalArgumentException("a job carried a " + value.getClass().getName()
                        + ", not a task"));
            }
            Object result;
            try {
                result = t.call();
            } catch (Throwable thrown) {
                return Outcome.error(thrown);
            }
            return Outcome.ok(result);
        } catch (Throwable unreadable) {
            return Outcome.error(unreadable);
        } finally {
            host.end(id);
        }
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(id);
        out.writeByteArray(task);
        out.writeStringArray(classes);
        out.writeStringArray(allowed);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        id = in.readString();
        task = in.readByteArray();
        classes = in.readStringArray();
        allowed = in.readStringArray();
    }

    /**
     * A job's answer as bytes: a tag, then a result or an exception. A result of a plain type (null, a number, a
     * boolean, a short string), or an {@code ArrayList} of them (what a chunk of {@code map} returns), is written as
     * itself ({@link #VALUE}), the rest as simul serializes it ({@link #OK}): a Java serialization stream costs a
     * small result several times its own size, and its reading a filter pass.
     */
    static final class Outcome {
        static final byte OK = 0;
        static final byte ERROR = 1;
        static final byte SKIPPED_TAG = 2;
        static final byte VALUE = 3;
        static final byte[] SKIPPED = {SKIPPED_TAG};

        /** The kinds of a {@link #VALUE}. */
        private static final byte NULL = 0, INT = 1, LONG = 2, DOUBLE = 3, TRUE = 4, FALSE = 5, STRING = 6, LIST = 7;
        /** writeUTF's limit is 65,535 bytes, and a char takes at most 3. */
        private static final int SHORT_STRING = 21_845;

        private Outcome() {
        }

        static byte[] ok(Object result) {
            try {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                if (writeValue(result, new DataOutputStream(bytes))) {
                    return bytes.toByteArray();
                }
                bytes.reset();
                bytes.write(OK);
                Serial.write(result, bytes, null);
                return bytes.toByteArray();
            } catch (IOException | RuntimeException e) {
                return error(new java.io.NotSerializableException("the task's result cannot be sent back: " + e));
            }
        }

        /** Writes {@code v} as a {@link #VALUE} if it is of a plain type; false if it is not. */
        private static boolean writeValue(Object v, DataOutputStream out) throws IOException {
            if (v != null && v.getClass() == java.util.ArrayList.class) {
                List<?> list = (List<?>) v;
                for (Object e : list) {
                    if (!plain(e)) {
                        return false;
                    }
                }
                out.writeByte(VALUE);
                out.writeByte(LIST);
                out.writeInt(list.size());
                for (Object e : list) {
                    writePlain(e, out);
                }
            } else if (plain(v)) {
                out.writeByte(VALUE);
                writePlain(v, out);
            } else {
                return false;
            }
            out.flush();
            return true;
        }

        private static boolean plain(Object v) {
            return v == null || v instanceof Integer || v instanceof Long || v instanceof Double
                    || v instanceof Boolean || v instanceof String s && s.length() <= SHORT_STRING;
        }

        /** Its kind, then itself: a value {@link #plain} said yes to. */
        private static void writePlain(Object v, DataOutputStream out) throws IOException {
            switch (v) {
                case null -> out.writeByte(NULL);
                case Integer i -> {
                    out.writeByte(INT);
                    out.writeInt(i);
                }
                case Long l -> {
                    out.writeByte(LONG);
                    out.writeLong(l);
                }
                case Double d -> {
                    out.writeByte(DOUBLE);
                    out.writeDouble(d);
                }
                case Boolean b -> out.writeByte(b ? TRUE : FALSE);
                case String str -> {
                    out.writeByte(STRING);
                    out.writeUTF(str); // modified UTF-8 carries any char, lone surrogates too
                }
                default -> throw new IllegalArgumentException("not a plain value: " + v.getClass().getName());
            }
        }

        /** A {@link #VALUE}'s result, from the bytes after its tag. */
        static Object readValue(byte[] outcome) throws IOException {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(outcome, 1, outcome.length - 1));
            byte kind = in.readByte();
            if (kind != LIST) {
                return readPlain(kind, in);
            }
            int size = in.readInt();
            if (size < 0 || size > outcome.length) { // each element takes a byte at least
                throw new IOException("a member's answer has a list of " + size + " elements in " + outcome.length
                        + " bytes");
            }
            java.util.ArrayList<Object> list = new java.util.ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                list.add(readPlain(in.readByte(), in));
            }
            return list;
        }

        private static Object readPlain(byte kind, DataInputStream in) throws IOException {
            return switch (kind) {
                case NULL -> null;
                case INT -> in.readInt();
                case LONG -> in.readLong();
                case DOUBLE -> in.readDouble();
                case TRUE -> Boolean.TRUE;
                case FALSE -> Boolean.FALSE;
                case STRING -> in.readUTF();
                default -> throw new IOException("a member's answer has a value of unknown kind " + kind);
            };
        }

        /** The exception's class, message and trace as text, then the exception itself if it serializes. */
        static byte[] error(Throwable t) {
            try {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                DataOutputStream out = new DataOutputStream(bytes);
                out.writeByte(ERROR);
                out.writeUTF(t.getClass().getName());
                out.writeUTF(clip(t.getMessage() == null ? "" : t.getMessage()));
                StringWriter trace = new StringWriter();
                t.printStackTrace(new PrintWriter(trace));
                out.writeUTF(clip(trace.toString()));
                byte[] serialized;
                try {
                    serialized = Serial.serialize(t, null);
                } catch (IOException | RuntimeException notSerializable) {
                    serialized = new byte[0];
                }
                out.writeInt(serialized.length);
                out.write(serialized);
                out.flush();
                return bytes.toByteArray();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e); // writing to memory does not fail
            }
        }

        /** writeUTF takes at most 65,535 bytes: a longer text is cut (a character takes at most 3). */
        private static String clip(String s) {
            return s.length() > 20_000 ? s.substring(0, 20_000) + "..." : s;
        }
    }
}
