package dev.simul.http;

import dev.simul.net.StreamProtocol;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * The connections of one {@link HttpServer}: how many each remote address holds, and which are idle (waiting for
 * the first byte of a request: kept alive after one, or never used), in the order they went idle. A full server
 * closes the longest-idle one to make room (as nginx and Netty users expect), so that connections held idle, and
 * kept alive with a request now and then, cannot lock new clients out; an address at its limit makes room from
 * its own. Loop thread only.
 *
 * <p>Invariants: a connection is in {@code idle} and in its peer's {@code idle} exactly while it is idle and not
 * released; a peer is in {@code peers} exactly while it holds a connection that is not released.
 */
final class Connections {

    /** One admitted connection. */
    static final class Connection {
        private final StreamProtocol stream;
        private final Peer peer;
        private boolean released;

        private Connection(StreamProtocol stream, Peer peer) {
            this.stream = stream;
            this.peer = peer;
        }
    }

    /** The connections of one remote address. */
    private static final class Peer {
        private final InetAddress address;
        private int open;
        private final LinkedHashSet<Connection> idle = new LinkedHashSet<>();

        private Peer(InetAddress address) {
            this.address = address;
        }
    }

    private final int maxPerAddress;
    private final Map<InetAddress, Peer> peers = new HashMap<>(); // the null key: an address no longer known
    private final LinkedHashSet<Connection> idle = new LinkedHashSet<>();

    Connections(int maxPerAddress) {
        this.maxPerAddress = maxPerAddress;
    }

    /**
     * Counts in a new connection from {@code address}. At the address's limit its longest-idle connection is
     * closed first; if none of its connections is idle, returns null: the caller refuses the newcomer.
     */
    Connection admit(StreamProtocol stream, InetAddress address) {
        Peer peer = peers.computeIfAbsent(address, Peer::new);
        if (peer.open >= maxPerAddress && !closeLongestIdle(peer.idle)) {
            return null;
        }
        peer.open++;
        return new Connection(stream, peer);
    }

    /** {@code c} waits for the first byte of a request. */
    void idle(Connection c) {
        if (!c.released) {
            idle.add(c);
            c.peer.idle.add(c);
        }
    }

    /** {@code c} has bytes of a request, or is answering one. */
    void busy(Connection c) {
        idle.remove(c);
        c.peer.idle.remove(c);
    }

    /** {@code c} ended; counted out once however often this is called. */
    void release(Connection c) {
        if (c.released) {
            return;
        }
        c.released = true;
        busy(c);
        if (--c.peer.open == 0) {
            peers.remove(c.peer.address);
        }
    }

    /** Closes the connection idle the longest (its bytes all sent, so a FIN, not a reset); false if none is idle. */
    boolean closeLongestIdle() {
        return closeLongestIdle(idle);
    }

    /**
     * Closes the first of {@code candidates} that is still idle. One whose request bytes arrived while its
     * coroutine has not run yet is passed over: closing it would drop a request it has already been sent.
     */
    private boolean closeLongestIdle(LinkedHashSet<Connection> candidates) {
        for (Iterator<Connection> it = candidates.iterator(); it.hasNext(); ) {
            Connection c = it.next();
            if (c.stream.isIdle()) {
                release(c); // out of both sets; the iterator is not used again
                c.stream.transport().close(); // its coroutine then reads the end of the stream and returns
                return true;
            }
        }
        return false;
    }
}
