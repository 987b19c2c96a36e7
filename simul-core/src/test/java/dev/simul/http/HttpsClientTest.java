package dev.simul.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.simul.loop.EventLoop;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** https through the client's TLS stream, against the JDK's HTTPS server with a self-signed certificate. */
@Timeout(60)
class HttpsClientTest {

    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    static Path dir;
    static KeyStore keys;
    static HttpsServer server;
    /** Keys whose certificate names only example.com, and a server at 127.0.0.1 that presents them. */
    static KeyStore elsewhereKeys;
    static HttpsServer elsewhere;

    @BeforeAll
    static void startServers() throws Exception {
        keys = selfSigned("test", "CN=localhost", "SAN=ip:127.0.0.1,dns:localhost");
        server = serve(keys);
        elsewhereKeys = selfSigned("elsewhere", "CN=example.com", "SAN=dns:example.com");
        elsewhere = serve(elsewhereKeys);
    }

    /** A key pair and its self-signed certificate for {@code dname}, valid for the names in {@code san}. */
    private static KeyStore selfSigned(String alias, String dname, String san) throws Exception {
        Path store = dir.resolve(alias + ".p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname,
                "-ext", san, "-validity", "2", "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit").redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();
        KeyStore loaded = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(store.toFile())) {
            loaded.load(in, PASSWORD);
        }
        return loaded;
    }

    /** The JDK's HTTPS server on 127.0.0.1, presenting {@code keys}' certificate, answering /hello. */
    private static HttpsServer serve(KeyStore keys) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD);
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);
        HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(serverContext));
        https.createContext("/hello", exchange -> {
            byte[] body = ("hello over " + exchange.getProtocol()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        https.start();
        return https;
    }

    @AfterAll
    static void stopServers() {
        server.stop(0);
        elsewhere.stop(0);
    }

    private static SSLContext trusting() throws Exception {
        return trusting(keys);
    }

    /** A client context that trusts {@code keys}' certificate and no other. */
    private static SSLContext trusting(KeyStore keys) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(keys);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /**
     * The URLs of the server whose trusted certificate names example.com: by its IP address and by a name
     * ("localhost") that resolves to it, neither of which the certificate names.
     */
    private static List<String> urlsItsCertificateDoesNotName() {
        int port = elsewhere.getAddress().getPort();
        return List.of("https://127.0.0.1:" + port + "/hello", "https://localhost:" + port + "/hello");
    }

    @Test
    void getsOverTlsAndReusesTheConnection() throws Exception {
        String url = "https://127.0.0.1:" + server.getAddress().getPort() + "/hello";
        SSLContext context = trusting();
        try (EventLoop loop = new EventLoop()) {
            loop.run(() -> {
                try (HttpClient client = new HttpClient(HttpClient.Options.DEFAULT.withTls(context))) {
                    for (int i = 0; i < 3; i++) {
                        ClientResponse response = client.get(url);
                        assertThat(response.status()).isEqualTo(200);
                        assertThat(new String(response.body(), StandardCharsets.UTF_8)).startsWith("hello over");
                    }
                    assertThat(client.connectionsOpened()).isEqualTo(1);
                }
                return null;
            });
        }
    }

    @Test
    void theBlockingClientGetsOverTlsAndRefusesACertificateItDoesNotTrust() throws Exception {
        String url = "https://127.0.0.1:" + server.getAddress().getPort() + "/hello";
        try (BlockingHttpClient client = new BlockingHttpClient(HttpClient.Options.DEFAULT.withTls(trusting()))) {
            for (int i = 0; i < 3; i++) {
                ClientResponse response = client.get(url);
                assertThat(response.status()).isEqualTo(200);
                assertThat(new String(response.body(), StandardCharsets.UTF_8)).startsWith("hello over");
            }
            assertThat(client.connectionsOpened()).isEqualTo(1);
        }
        try (BlockingHttpClient client = new BlockingHttpClient(HttpClient.Options.DEFAULT)) {
            assertThatThrownBy(() -> client.get(url)).isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void refusesACertificateItDoesNotTrust() throws Exception {
        String url = "https://127.0.0.1:" + server.getAddress().getPort() + "/hello";
        try (EventLoop loop = new EventLoop()) {
            assertThatThrownBy(() -> loop.run(() -> {
                try (HttpClient client = new HttpClient(HttpClient.Options.DEFAULT)) {
                    return client.get(url);
                }
            })).isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void refusesATrustedCertificateThatNamesAnotherHost() throws Exception {
        SSLContext context = trusting(elsewhereKeys);
        try (EventLoop loop = new EventLoop()) {
            for (String url : urlsItsCertificateDoesNotName()) {
                assertThatThrownBy(() -> loop.run(() -> {
                    try (HttpClient client = new HttpClient(HttpClient.Options.DEFAULT.withTls(context))) {
                        return client.get(url);
                    }
                })).as(url).isInstanceOf(SSLHandshakeException.class).hasMessageContaining("subject alternative");
            }
        }
    }

    @Test
    void theBlockingClientRefusesATrustedCertificateThatNamesAnotherHost() throws Exception {
        try (BlockingHttpClient client = new BlockingHttpClient(HttpClient.Options.DEFAULT
                .withTls(trusting(elsewhereKeys)))) {
            for (String url : urlsItsCertificateDoesNotName()) {
                assertThatThrownBy(() -> client.get(url)).as(url).isInstanceOf(SSLHandshakeException.class)
                        .hasMessageContaining("subject alternative");
            }
        }
    }
}
