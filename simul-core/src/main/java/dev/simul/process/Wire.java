package dev.simul.process;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InvalidClassException;
import dev.simul.serial.AllowList;
import dev.simul.serial.Serial;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The protocol between a pool and its workers: length-prefixed frames ({@code int} length, then a type byte and
 * the body), each task-related frame tagged with its request id, over a private Unix-domain socket.
 *
 * <p>Values travel with a one-byte tag: the common small types (null, int, long, double, boolean, String,
 * byte[]) in a compact form of their own, anything else by Java serialization, which is read only through the
 * pool's {@link AllowList} filter: a payload naming a class that is not allow-listed is refused before any of its
 * code runs.
 */
final class Wire {

    // Parent to worker.
    static final byte INIT = 1;      // utf filter, long maxRss, long maxMessage, value initializer (or null)
    static final byte TASK = 2;      // long id, value task
    static final byte DEFINE = 3;    // long fnId, value fn
    static final byte CALL = 4;      // long id, long fnId, value input
    static final byte FORGET = 5;    // long fnId
    static final byte CANCEL = 6;    // long id
    static final byte DRAIN = 7;     // (after RETIRING) reject what was sent and say BYE
    static final byte EXIT = 8;      // finish and exit
    static final byte SKIP = 9;      // long id: skip it if it has not started, else let it finish (cancel(false))
    static final byte STOP = 10;     // start nothing more, interrupt the running task, reject the rest; say STOPPED

    // Worker to parent.
    static final byte HELLO = 20;    // int workerId, 32-byte token
    static final byte READY = 21;    // long pid
    static final byte INIT_FAILED = 22; // error
    static final byte RESULT = 23;   // long id, value
    static final byte ERROR = 24;    // long id, error
    static final byte CANCELLED = 25; // long id
    static final byte RETIRING = 26; // long resident bytes
    static final byte REJECTED = 27; // long id (not started)
    static final byte BYE = 28;
    static final byte STOPPED = 29;  // long id of the last task begun (-1: none): the ones sent after it never will

    /** Frames above this size are refused: a runaway payload must not exhaust either side's memory. */
    static final int MAX_FRAME = 512 * 1024 * 1024;

    static final int TOKEN_BYTES = 32;

    private static final byte T_NULL = 0;
    private static final byte T_INT = 1;
    private static final byte T_LONG = 2;
    private static final byte T_DOUBLE = 3;
    private static final byte T_BOOLEAN = 4;
    private static final byte T_STRING = 5;
    private static final byte T_BYTES = 6;
    private static final byte T_OBJECT = 7;
    /** Serialized, then the names of the classes in it that its reader has not been told of: it allows them. */
    private static final byte T_OBJECT_NAMING = 8;

    private Wire() {
    }

    /**
     * A frame being built: {@link #begin} reserves the length, {@link #end} fills it in. Not thread-safe.
     *
     * <p>The pool's side {@linkplain #naming names} the classes its objects carry, each once per reader: what the
     * worker reading them may then deserialize ({@link AllowList}).
     */
    static final class Out extends OutputStream {
        private byte[] bytes = new byte[4096];
        private int size;
        /** Bytes at the front already written (a non-blocking channel took part of the buffer). */
        private int written;
        private int frameStart = -1;
        /** What the objects written carried, for the pool's own filter; null where nothing is learned. */
        private AllowList.Learned learned;
        /** The class names this stream's reader has been told of, and those told in the frame being built. */
        private final Set<String> named = new HashSet<>();
        private final List<String> naming = new ArrayList<>();
        /** The largest frame this stream may build ({@link #limit}); checked as the buffer grows. */
        private int limit = MAX_FRAME;

        /**
         * Frames longer than {@code maxBytes} are refused as they grow, with {@link FrameTooLarge}, before the
         * buffer grows past the limit: a value far over it costs at most the limit in memory, not its own size
         * twice over. The caller then {@linkplain #abandon abandons} the frame.
         */
        void limit(int maxBytes) {
            limit = maxBytes;
        }

        /** Objects written from now on name their classes to the reader, and record them in {@code into}. */
        void naming(AllowList.Learned into) {
            learned = into;
        }

        void begin(byte type) {
            frameStart = size;
            putInt(0);
            put(type);
        }

        void end() throws IOException {
            int length = size - frameStart - 4;
            if (length > limit) {
                throw new FrameTooLarge(length, limit); // one that fit the buffer it had, without growing
            }
            if (length > MAX_FRAME) {
                size = frameStart;
                frameStart = -1;
                throw new IOException("a frame of " + length + " bytes is over the limit of " + MAX_FRAME);
            }
            bytes[frameStart] = (byte) (length >>> 24);
            bytes[frameStart + 1] = (byte) (length >>> 16);
            bytes[frameStart + 2] = (byte) (length >>> 8);
            bytes[frameStart + 3] = (byte) length;
            frameStart = -1;
            named.addAll(naming);
            naming.clear();
        }

        /** Drops a frame begun but not ended (its value could not be encoded). */
        void abandon() {
            if (frameStart >= 0) {
                size = frameStart;
                frameStart = -1;
            }
            naming.clear(); // the reader was not told after all
        }

        int size() {
            return size;
        }

        void put(byte b) {
            ensure(1);
            bytes[size++] = b;
        }

        void putInt(int v) {
            ensure(4);
            bytes[size++] = (byte) (v >>> 24);
            bytes[size++] = (byte) (v >>> 16);
            bytes[size++] = (byte) (v >>> 8);
            bytes[size++] = (byte) v;
        }

        void putLong(long v) {
            putInt((int) (v >>> 32));
            putInt((int) v);
        }

        void putBytes(byte[] b) {
            putInt(b.length);
            write(b, 0, b.length);
        }

        void putUtf(String s) {
            putBytes(s.getBytes(StandardCharsets.UTF_8));
        }

        /**
         * A value with its tag: compact for the common types, Java serialization for the rest. An if-chain, not a
         * pattern switch: a pattern switch links through an invokedynamic whose class the JVM spins at run time,
         * which cost a fresh worker 6-9 ms on its first answer (the AOT cache does not hold such classes).
         */
        void putValue(Object v) throws IOException {
            if (v == null) {
                put(T_NULL);
            } else if (v instanceof Integer i) {
                put(T_INT);
                putInt(i);
            } else if (v instanceof Long l) {
                put(T_LONG);
                putLong(l);
            } else if (v instanceof Double d) {
                put(T_DOUBLE);
                putLong(Double.doubleToRawLongBits(d));
            } else if (v instanceof Boolean b) {
                put(T_BOOLEAN);
                put((byte) (b ? 1 : 0));
            } else if (v instanceof String s && !hasLoneSurrogate(s)) { // UTF-8 cannot carry a lone surrogate
                put(T_STRING);
                putUtf(s);
            } else if (v instanceof byte[] b) {
                put(T_BYTES);
                putBytes(b);
            } else {
                put(learned == null ? T_OBJECT : T_OBJECT_NAMING);
                int lengthAt = size;
                putInt(0);
                Serial.write(v, this, learned);
                int length = size - lengthAt - 4;
                bytes[lengthAt] = (byte) (length >>> 24);
                bytes[lengthAt + 1] = (byte) (length >>> 16);
                bytes[lengthAt + 2] = (byte) (length >>> 8);
                bytes[lengthAt + 3] = (byte) length;
                if (learned != null) {
                    List<String> fresh = new ArrayList<>();
                    for (String name : learned.classes()) {
                        if (!named.contains(name) && !naming.contains(name)) {
                            fresh.add(name);
                        }
                    }
                    putInt(fresh.size());
                    for (String name : fresh) {
                        putUtf(name);
                    }
                    naming.addAll(fresh);
                }
            }
        }

        private static boolean hasLoneSurrogate(String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    return true;
                }
            }
            return false;
        }

        /**
         * A task's exception: its class name, message and stack trace as text, then the exception itself
         * serialized if it can be (empty if not), so that the other side can rebuild it or at least describe it.
         */
        void putError(Throwable t) {
            putUtf(t.getClass().getName());
            putUtf(t.getMessage() == null ? "" : t.getMessage());
            StringWriter trace = new StringWriter();
            t.printStackTrace(new PrintWriter(trace));
            putUtf(trace.toString());
            int lengthAt = size;
            putInt(0);
            try (ObjectOutputStream out = new ObjectOutputStream(this)) {
                out.writeObject(t);
            } catch (IOException | RuntimeException notSerializable) {
                size = lengthAt + 4; // send the description alone
            }
            int length = size - lengthAt - 4;
            bytes[lengthAt] = (byte) (length >>> 24);
            bytes[lengthAt + 1] = (byte) (length >>> 16);
            bytes[lengthAt + 2] = (byte) (length >>> 8);
            bytes[lengthAt + 3] = (byte) length;
        }

        @Override
        public void write(int b) {
            put((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, bytes, size, len);
            size += len;
        }

        /** Writes every complete frame to a blocking {@code channel} and empties the buffer. */
        void flushTo(WritableByteChannel channel) throws IOException {
            while (!writeSome(channel)) {
                Thread.onSpinWait(); // a blocking channel writes something each time
            }
        }

        /**
         * Writes what a non-blocking {@code channel} takes now; true once every complete frame is out (the
         * buffer is then empty). Frames begun later follow the unwritten ones, in order.
         */
        boolean writeSome(WritableByteChannel channel) throws IOException {
            int end = frameStart >= 0 ? frameStart : size; // a frame being built stays
            if (written < end) {
                written += channel.write(ByteBuffer.wrap(bytes, written, end - written));
            }
            if (written < end) {
                return false;
            }
            System.arraycopy(bytes, written, bytes, 0, size - written);
            size -= written;
            if (frameStart >= 0) {
                frameStart -= written;
            }
            written = 0;
            if (size == 0 && bytes.length > 1 << 20) {
                bytes = new byte[4096]; // a big payload passed: do not keep its buffer
            }
            return true;
        }

        /** Whether complete frames wait to be written. */
        boolean hasUnwritten() {
            return (frameStart >= 0 ? frameStart : size) > written;
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                int start = Math.max(frameStart, 0);
                if ((long) size + more - start - 4 > limit) { // the length prefix is not the frame's
                    throw new FrameTooLarge((long) size + more - start - 4, limit);
                }
                long wanted = Math.max((long) bytes.length * 2, (long) size + more);
                wanted = Math.min(wanted, Math.max((long) size + more, (long) start + limit + 64));
                if (wanted > MAX_FRAME + 64L) {
                    wanted = Math.max((long) size + more, MAX_FRAME + 64L);
                }
                if (wanted > Integer.MAX_VALUE - 8) {
                    throw new IllegalStateException("a frame over " + MAX_FRAME + " bytes");
                }
                bytes = java.util.Arrays.copyOf(bytes, (int) wanted);
            }
        }
    }

    /**
     * A frame that grew past its stream's {@link Out#limit}. Unchecked, because it is thrown from the grow path
     * of every {@code put}, and reaches the caller through Java serialization unchanged (an IOException there
     * would be written into the stream first). {@code bytes} is how far the frame had got, not its full size.
     */
    static final class FrameTooLarge extends RuntimeException {
        final long bytes;
        final int limit;

        FrameTooLarge(long bytes, int limit) {
            super("a frame of at least " + bytes + " bytes is over the limit of " + limit, null, false, false);
            this.bytes = bytes;
            this.limit = limit;
        }
    }

    /** Reads frames from a channel; {@link #next} returns one frame's body (type first) at a time. */
    static final class In {
        private final ReadableByteChannel channel;
        private ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);

        In(ReadableByteChannel channel) {
            this.channel = channel;
            buffer.flip();
        }

        /** Whether a whole frame is already buffered, so {@link #next} will not block. */
        boolean hasBufferedFrame() {
            if (buffer.remaining() < 4) {
                return false;
            }
            return buffer.remaining() - 4 >= buffer.getInt(buffer.position());
        }

        /**
         * The next frame, as a buffer positioned at its type byte and limited to its end: a view of this reader's
         * buffer, valid until the next call.
         *
         * @throws EOFException if the channel ends between frames or within one
         */
        ByteBuffer next() throws IOException {
            return next(MAX_FRAME);
        }

        /** The same, refusing a frame longer than {@code max} before reading it (a HELLO is a few bytes). */
        ByteBuffer next(int max) throws IOException {
            fill(4);
            int length = buffer.getInt();
            if (length < 1 || length > max) {
                throw new IOException("a frame of " + length + " bytes: the peer does not speak this protocol");
            }
            fill(length);
            ByteBuffer frame = buffer.slice(buffer.position(), length);
            buffer.position(buffer.position() + length);
            return frame;
        }

        /**
         * For a non-blocking channel: the next frame if it has all arrived (reading what the channel has now), or
         * null. Like {@link #next(int)} otherwise.
         *
         * @throws EOFException if the channel ended
         */
        ByteBuffer poll(int max) throws IOException {
            if (buffer.remaining() < 4 || buffer.remaining() - 4 < buffer.getInt(buffer.position())) {
                int wanted = buffer.remaining() < 4 ? 4 : 4 + buffer.getInt(buffer.position());
                if (wanted < 4 || wanted - 4 > max) {
                    throw new IOException("a frame of " + (wanted - 4) + " bytes: the peer does not speak this"
                            + " protocol");
                }
                if (!fillNow(wanted)) {
                    return null;
                }
                if (buffer.remaining() - 4 < buffer.getInt(buffer.position())) {
                    return poll(max); // the length is in; now the body
                }
            }
            return next(max);
        }

        /** Reads what the channel has now, towards {@code n} buffered bytes; whether there are. */
        private boolean fillNow(int n) throws IOException {
            if (!buffer.hasRemaining() && buffer.capacity() > 1 << 20 && n <= 64 * 1024) {
                buffer = ByteBuffer.allocate(64 * 1024).flip(); // a big frame passed: do not keep its buffer
            }
            if (buffer.capacity() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(n);
                bigger.put(buffer);
                buffer = bigger;
            } else if (buffer.position() > 0) {
                buffer.compact();
            } else { // a frame arriving in parts: append, without moving what is in (big frames come in many)
                buffer.position(buffer.limit()).limit(buffer.capacity());
            }
            try {
                while (buffer.position() < n) {
                    int read = channel.read(buffer);
                    if (read < 0) {
                        throw new EOFException("the connection ended");
                    }
                    if (read == 0) {
                        return false;
                    }
                }
                return true;
            } finally {
                buffer.flip();
            }
        }

        private void fill(int n) throws IOException {
            if (buffer.remaining() >= n) {
                return;
            }
            if (buffer.capacity() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(n);
                bigger.put(buffer);
                buffer = bigger;
            } else {
                buffer.compact();
            }
            if (buffer.position() == 0 && buffer.capacity() > 1 << 20 && n <= 64 * 1024) {
                buffer = ByteBuffer.allocate(64 * 1024); // a big frame passed: do not keep its buffer
            }
            while (buffer.position() < n) {
                if (channel.read(buffer) < 0) {
                    throw new EOFException("the connection ended");
                }
            }
            buffer.flip();
        }
    }

    static String getUtf(ByteBuffer frame) throws IOException {
        return new String(getBytes(frame), StandardCharsets.UTF_8);
    }

    static byte[] getBytes(ByteBuffer frame) throws IOException {
        int length = frame.getInt();
        if (length < 0 || length > frame.remaining()) {
            throw new IOException("a field of " + length + " bytes in a frame of " + frame.limit());
        }
        byte[] out = new byte[length];
        frame.get(out);
        return out;
    }

    /** A value written by {@link Out#putValue}; objects are read through {@code filter}. */
    static Object getValue(ByteBuffer frame, ObjectInputFilter filter, ClassLoader loader)
            throws IOException, ClassNotFoundException {
        byte tag = frame.get();
        return switch (tag) {
            case T_NULL -> null;
            case T_INT -> frame.getInt();
            case T_LONG -> frame.getLong();
            case T_DOUBLE -> Double.longBitsToDouble(frame.getLong());
            case T_BOOLEAN -> frame.get() != 0;
            case T_STRING -> getUtf(frame);
            case T_BYTES -> getBytes(frame);
            case T_OBJECT -> deserialize(getBytes(frame), filter, loader);
            case T_OBJECT_NAMING -> {
                byte[] bytes = getBytes(frame);
                int count = frame.getInt();
                if (count < 0 || count > frame.remaining() / 4) {
                    throw new IOException("a value names " + count + " classes in " + frame.remaining() + " bytes");
                }
                List<String> names = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    names.add(getUtf(frame));
                }
                if (filter instanceof AllowList.Filter allow) {
                    allow.learnClasses(names);
                }
                yield deserialize(bytes, filter, loader);
            }
            default -> throw new IOException("unknown value tag " + tag);
        };
    }

    static Object deserialize(byte[] bytes, ObjectInputFilter filter, ClassLoader loader)
            throws IOException, ClassNotFoundException {
        return Serial.deserialize(bytes, filter, loader);
    }

    /** A task's exception as {@link Out#putError} wrote it: rebuilt if allowed, else described. */
    static Throwable getError(ByteBuffer frame, ObjectInputFilter filter, ClassLoader loader) throws IOException {
        String className = getUtf(frame);
        String message = getUtf(frame);
        String trace = getUtf(frame);
        byte[] serialized = getBytes(frame);
        if (serialized.length > 0) {
            try {
                if (deserialize(serialized, filter, loader) instanceof Throwable t) {
                    return t;
                }
            } catch (InvalidClassException refused) {
                return new RemoteTaskException(className, message, trace,
                        "its class is not allow-listed for deserialization (" + refused.getMessage() + ")");
            } catch (IOException | ClassNotFoundException | RuntimeException e) {
                return new RemoteTaskException(className, message, trace, "it could not be read back: " + e);
            }
        }
        return new RemoteTaskException(className, message, trace, "it is not serializable");
    }
}
