package dev.simul.loop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * I/O readiness for the loop: a {@link Selector} (epoll on Linux) over the channels that have a reader or a writer
 * callback. Loop thread only, except {@link #wakeup()}.
 *
 * <p>Guards against the JDK's epoll spin (JDK-6670302 and relatives: {@code select(timeout)} returning at once,
 * again and again, with nothing selected): after {@link #SPIN_LIMIT} premature empty returns in a row, the selector
 * is rebuilt with the same registrations, as Netty's NioEventLoop does. A return is premature when it comes
 * before {@link #PREMATURE_NANOS} and before its timeout, with nothing selected and no wake-up asked for; the time
 * is read from the clock given at construction, so that a test can make every return premature, or none.
 */
final class Poller implements AutoCloseable {

    /** Premature empty returns in a row that mean the selector spins (Netty's default threshold). */
    static final int SPIN_LIMIT = 512;

    /** An empty return sooner than this is premature: a real wait lasts at least the 1 ms that select rounds to. */
    static final long PREMATURE_NANOS = TimeUnit.MILLISECONDS.toNanos(1) / 2;

    /** The callbacks of one channel; the key's attachment. */
    private static final class Interest {
        Scheduled reader;
        Scheduled writer;
    }

    /**
     * Measures how long a select really blocked: the system clock for every loop, a virtual one included (its time
     * stands still during a select, so every return would look premature).
     */
    private final Clock clock;
    private Selector selector;
    /** Channels with at least one callback; with none, a poll that must not wait skips the system call. */
    private int watched;
    private int prematureReturns;
    private int rebuilds;

    /** A poller that times its selects on {@code clock}: {@link Clock#SYSTEM} but in tests. */
    Poller(Clock clock) {
        this.clock = clock;
        selector = open();
    }

    private static Selector open() {
        try {
            return Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
    }

    /**
     * Sets (or, with null, clears) the callback for {@code op} (OP_READ or OP_WRITE) on {@code channel}. A channel
     * whose callbacks are all cleared stays registered, with no interest, until it is closed: cancelling its key
     * would make registering it again fail until the next select.
     */
    void set(SelectableChannel channel, int op, Scheduled callback) {
        SelectionKey key = channel.keyFor(selector);
        if (key == null || !key.isValid()) {
            if (callback == null) {
                return;
            }
            try {
                if (channel.isBlocking()) {
                    channel.configureBlocking(false);
                }
                key = channel.register(selector, 0, new Interest());
            } catch (ClosedChannelException e) {
                throw new IllegalStateException("the channel is closed: " + channel, e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Interest interest = (Interest) key.attachment();
        boolean wasWatched = interest.reader != null || interest.writer != null;
        if (op == SelectionKey.OP_READ) {
            interest.reader = callback;
        } else {
            interest.writer = callback;
        }
        // Readable means acceptable for a listening socket, writable means connected for a connecting one.
        int valid = channel.validOps();
        int readOp = (valid & SelectionKey.OP_ACCEPT) != 0 ? SelectionKey.OP_ACCEPT : SelectionKey.OP_READ;
        int writeOp = channel instanceof SocketChannel socket && socket.isConnectionPending()
                ? SelectionKey.OP_CONNECT : SelectionKey.OP_WRITE;
        int ops = (interest.reader != null ? readOp : 0) | (interest.writer != null ? writeOp : 0);
        watched += (ops != 0 ? 1 : 0) - (wasWatched ? 1 : 0);
        try {
            key.interestOps(ops);
        } catch (CancelledKeyException e) {
            throw new IllegalStateException("the channel was closed: " + channel, e);
        }
    }

    /** The callback for {@code op} on {@code channel}, or null. */
    Scheduled get(SelectableChannel channel, int op) {
        SelectionKey key = channel.keyFor(selector);
        if (key == null || !key.isValid()) {
            return null;
        }
        Interest interest = (Interest) key.attachment();
        return op == SelectionKey.OP_READ ? interest.reader : interest.writer;
    }

    /** How many channels have a callback. */
    int registered() {
        return watched;
    }

    /**
     * Waits up to {@code timeoutNanos} (0: do not wait; negative: without limit) for I/O or a {@link #wakeup()},
     * and hands the callbacks of ready channels to {@code ready}.
     *
     * @param wakeupPending set by whoever asks for a wake-up, cleared by the loop after the poll: read once the
     *                      select has returned, as a wake-up asked for during the select makes an early return
     *                      expected too
     */
    void poll(long timeoutNanos, ReadyQueue ready, AtomicBoolean wakeupPending) {
        if (timeoutNanos == 0 && watched == 0) {
            return; // nothing to poll, nothing to wait for: spare the system call
        }
        int selected;
        long start = clock.nanoTime();
        try {
            selected = timeoutNanos == 0 ? selector.selectNow() : selector.select(selectMillis(timeoutNanos));
        } catch (IOException e) {
            throw new UncheckedIOException("select failed", e);
        }
        if (selected == 0) {
            if (timeoutNanos != 0 && !wakeupPending.get() && !Thread.currentThread().isInterrupted()
                    && clock.nanoTime() - start < Math.min(timeoutNanos < 0 ? Long.MAX_VALUE : timeoutNanos,
                            PREMATURE_NANOS)) {
                if (++prematureReturns >= SPIN_LIMIT) {
                    rebuild();
                }
            } else {
                prematureReturns = 0;
            }
            return;
        }
        prematureReturns = 0;
        for (SelectionKey key : selector.selectedKeys()) {
            Interest interest = (Interest) key.attachment();
            try {
                int readyOps = key.readyOps();
                if ((readyOps & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0 && interest.reader != null) {
                    ready.add(interest.reader);
                }
                if ((readyOps & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0 && interest.writer != null) {
                    ready.add(interest.writer);
                }
            } catch (CancelledKeyException e) {
                // the channel was closed or its callbacks removed since select returned
            }
        }
        selector.selectedKeys().clear();
    }

    /**
     * The argument for {@code select(long)}: 0 (no limit) for a negative timeout, else the timeout rounded up to a
     * whole millisecond, at least 1 (0 would mean no limit), without overflowing for the longest timeouts.
     */
    static long selectMillis(long timeoutNanos) {
        if (timeoutNanos < 0) {
            return 0;
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
        return Math.max(1, timeoutNanos % 1_000_000 == 0 ? millis : millis + 1);
    }

    /** Moves every registration to a new selector. */
    private void rebuild() {
        Selector fresh = open();
        for (SelectionKey key : selector.keys()) {
            if (!key.isValid()) {
                continue;
            }
            try {
                key.channel().register(fresh, key.interestOps(), key.attachment());
            } catch (ClosedChannelException | CancelledKeyException e) {
                // gone meanwhile
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            // the old selector is useless anyway
        }
        selector = fresh;
        prematureReturns = 0;
        rebuilds++;
        System.getLogger(EventLoop.class.getName()).log(System.Logger.Level.WARNING,
                "the selector returned early " + SPIN_LIMIT + " times in a row (the JDK epoll spin); rebuilt it");
    }

    /** How many times the selector was rebuilt. */
    int rebuilds() {
        return rebuilds;
    }

    /** Interrupts a poll in progress, or makes the next one return at once. Any thread. */
    void wakeup() {
        selector.wakeup();
    }

    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
