package dev.simul.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback listener that never accepts, with its backlog of 1 filled: the kernel drops further handshakes, so a
 * connect to {@link #port()} waits for an answer that never comes (until its own timeout).
 */
public final class FullBacklog implements AutoCloseable {

    private final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    private final List<Socket> queued = new ArrayList<>();

    public FullBacklog() throws IOException {
        try {
            for (int i = 0; i < 3; i++) {
                Socket s = new Socket();
                try {
                    s.connect(listener.getLocalSocketAddress(), 200);
                    queued.add(s);
                } catch (SocketTimeoutException alreadyFull) {
                    s.close();
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The port that answers no handshake. */
    public int port() {
        return listener.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        for (Socket s : queued) {
            s.close();
        }
        listener.close();
    }
}
