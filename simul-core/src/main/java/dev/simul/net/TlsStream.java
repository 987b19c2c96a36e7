package dev.simul.net;

import dev.simul.task.Wait;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * TLS over a TCP stream, with the JDK's {@link SSLEngine}, for coroutines: the handshake, {@link #read} and
 * {@link #write} wait on the stream underneath like any other read and write, so the engine's state machine is
 * driven by plain straight-line code. The engine's delegated tasks (certificate checks) run on the loop's helper
 * threads. Loop thread only.
 *
 * <p>Buffers: {@code netIn} holds encrypted bytes read but not yet unwrapped, {@code appIn} decrypted bytes not
 * yet returned; both are kept in read mode (position = next byte) between calls.
 */
public final class TlsStream implements ByteStream {

    private static final int READ_CHUNK = 32 * 1024;

    private final StreamProtocol raw;
    private final SSLEngine engine;
    private ByteBuffer netIn;
    private ByteBuffer appIn;
    private boolean eof;

    private TlsStream(StreamProtocol raw, SSLEngine engine) {
        this.raw = raw;
        this.engine = engine;
        netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize()).flip();
        appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).flip();
    }

    /**
     * Starts TLS as a client over {@code raw} and completes the handshake, checking that the server's certificate
     * is valid for {@code host} (HTTPS endpoint identification).
     */
    public static TlsStream client(StreamProtocol raw, SSLContext context, String host, int port) throws IOException {
        SSLEngine engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(parameters);
        TlsStream tls = new TlsStream(raw, engine);
        engine.beginHandshake();
        tls.handshake();
        return tls;
    }

    private void handshake() throws IOException {
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> wrap(ByteBuffer.allocate(0));
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (unwrap() < 0) {
                        throw new EOFException("the peer closed the connection during the TLS handshake");
                    }
                }
                case NEED_TASK -> runTasks();
                default -> {
                    return; // FINISHED or NOT_HANDSHAKING
                }
            }
        }
    }

    private void runTasks() throws IOException {
        try {
            Wait.blocking(() -> {
                for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
                    task.run();
                }
                return null;
            });
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new SSLException(e);
        }
    }

    /** Encrypts all of {@code app} and sends it. */
    private void wrap(ByteBuffer app) throws IOException {
        ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        do {
            net.clear();
            SSLEngineResult result = engine.wrap(app, net);
            switch (result.getStatus()) {
                case OK, CLOSED -> {
                    net.flip();
                    if (net.hasRemaining()) {
                        raw.write(net);
                    }
                }
                case BUFFER_OVERFLOW -> net = ByteBuffer.allocate(net.capacity() * 2);
                default -> throw new SSLException("unexpected TLS wrap status " + result.getStatus());
            }
            if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                runTasks();
            }
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                return;
            }
        } while (app.hasRemaining());
    }

    /**
     * Decrypts what it can into {@code appIn}, reading from the stream when the engine needs more bytes.
     * Returns the bytes decrypted (0 for a handshake record), or -1 at the end of the stream.
     */
    private int unwrap() throws IOException {
        while (true) {
            appIn.compact();
            SSLEngineResult result;
            try {
                result = engine.unwrap(netIn, appIn);
            } finally {
                appIn.flip();
            }
            switch (result.getStatus()) {
                case OK -> {
                    if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                        runTasks();
                    }
                    return result.bytesProduced();
                }
                case CLOSED -> {
                    eof = true;
                    return -1;
                }
                case BUFFER_OVERFLOW -> {
                    ByteBuffer bigger = ByteBuffer.allocate(appIn.capacity() * 2);
                    bigger.put(appIn).flip();
                    appIn = bigger;
                }
                case BUFFER_UNDERFLOW -> {
                    byte[] more = raw.read(READ_CHUNK);
                    if (more.length == 0) {
                        eof = true;
                        engine.closeInbound(); // throws if the peer did not send close_notify: a truncation attack
                        return -1;
                    }
                    if (netIn.capacity() - netIn.remaining() < more.length) {
                        ByteBuffer bigger = ByteBuffer.allocate(netIn.remaining() + more.length
                                + engine.getSession().getPacketBufferSize());
                        bigger.put(netIn).flip();
                        netIn = bigger;
                    }
                    netIn.compact().put(more).flip();
                }
            }
        }
    }

    @Override
    public byte[] read(int max) throws IOException {
        while (!appIn.hasRemaining() && !eof) {
            if (unwrap() < 0) {
                break;
            }
            if (engine.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
                    && engine.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.FINISHED) {
                handshake(); // a post-handshake message, such as a TLS 1.3 session ticket
            }
        }
        byte[] out = new byte[Math.min(max, appIn.remaining())];
        appIn.get(out);
        return out;
    }

    @Override
    public boolean isIdle() {
        return !eof && !appIn.hasRemaining() && !netIn.hasRemaining() && raw.isIdle();
    }

    @Override
    public void write(ByteBuffer data) throws IOException {
        wrap(data);
    }

    @Override
    public void drain() throws IOException {
        raw.drain();
    }

    /** Sends close_notify and closes the connection. */
    @Override
    public void close() {
        try {
            engine.closeOutbound();
            wrap(ByteBuffer.allocate(0));
        } catch (IOException | RuntimeException e) {
            // closing anyway
        }
        raw.close();
    }
}
