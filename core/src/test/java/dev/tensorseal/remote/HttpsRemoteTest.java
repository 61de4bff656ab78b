package dev.tensorseal.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.KeySource;
import dev.tensorseal.RemoteOptions;
import dev.tensorseal.SealedFile;
import dev.tensorseal.TensorSealException;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Over TLS, with a certificate the test makes (keytool): trusted it works, untrusted it is one clear error. */
class HttpsRemoteTest {
    private static final char[] STORE_PASSWORD = "test-only".toCharArray();

    @TempDir
    Path dir;

    /** A self-signed certificate for 127.0.0.1 and localhost, made by the JDK's keytool. */
    private KeyStore certificate() throws Exception {
        Path ks = dir.resolve("server.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(),
                "-storepass", new String(STORE_PASSWORD), "-keypass", new String(STORE_PASSWORD)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool failed: " + out);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, STORE_PASSWORD);
        }
        return store;
    }

    @Test
    void aTrustedServerServesTheModelAndAnUntrustedOneIsRefused() throws Exception {
        KeyStore cert = certificate();
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(cert, STORE_PASSWORD);
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(cert);
        SSLContext clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, tmf.getTrustManagers(), null);

        KeySource key = KeySource.bytes(ServedModel.keyBytes(81));
        SealedModel model = SealedModel.make(key, 9, dir);
        try (RangeServer server = RangeServer.https(serverTls)) {
            server.put("/m.tseal", model.file());
            var uri = server.uri("/m.tseal");
            assertEquals("https", uri.getScheme());
            try (TensorStore store = SealedFile.open(uri, TensorStore.builder().keySource(key),
                    RemoteOptions.builder().tls(clientTls).build())) {
                for (var e : model.plaintext().entrySet()) {
                    try (TensorView v = store.read(e.getKey())) {
                        assertArrayEquals(e.getValue(), v.toByteArray(), e.getKey());
                    }
                }
            }
            TensorSealException e = assertThrows(TensorSealException.class,
                    () -> SealedFile.open(uri, TensorStore.builder().keySource(key)));
            assertFalse(e instanceof IntegrityException, e.toString());
            assertTrue(e.getMessage().contains("TLS handshake failed"), e.getMessage());
        }
    }
}
