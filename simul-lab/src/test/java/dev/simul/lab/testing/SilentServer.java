package dev.simul.lab.testing;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;

/**
 * A loopback HTTP "server" that takes one request and never answers. {@link #asked()} completes once the request's
 * head has come in whole, so a test can act while the client is surely waiting for the answer, instead of sleeping
 * and hoping it got that far.
 */
public final class SilentServer implements AutoCloseable {

    private static final int END_OF_HEAD = 0x0d0a0d0a; // "\r\n\r\n" as the last four bytes read

    private final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    private final CompletableFuture<Void> asked = new CompletableFuture<>();
    private volatile Socket accepted;

    public SilentServer() throws IOException {
        Thread.ofVirtual().name("silent-server").start(this::takeOneRequest);
    }

    /** The port it listens on. */
    public int port() {
        return listener.getLocalPort();
    }

    /** Completes once a whole request head has come; fails if the connection ended first. */
    public CompletableFuture<Void> asked() {
        return asked;
    }

    private void takeOneRequest() {
        try {
            accepted = listener.accept();
            InputStream in = accepted.getInputStream();
            for (int last4 = 0; last4 != END_OF_HEAD; ) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("the client left before its request head was complete");
                }
                last4 = (last4 << 8) | b;
            }
            asked.complete(null);
        } catch (IOException e) {
            asked.completeExceptionally(e); // also what close() before a request leads to
        }
    }

    /** Closes the listener and the connection it took, if any. */
    @Override
    public void close() throws IOException {
        listener.close();
        Socket s = accepted;
        if (s != null) {
            s.close();
        }
    }
}
