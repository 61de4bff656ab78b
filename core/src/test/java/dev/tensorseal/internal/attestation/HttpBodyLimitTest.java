package dev.tensorseal.internal.attestation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The RIM service and OCSP responder are not trusted: an answer far past the limit is refused after reading
 * about the limit, not after reading all of it. The server streams a body much longer than any limit and
 * records how much it got to send before the client hung up.
 */
class HttpBodyLimitTest {
    private static final long SERVED_BYTES = 256L << 20;
    private final AtomicLong sent = new AtomicLong();
    private final CountDownLatch done = new CountDownLatch(1);
    private final HttpServer server;
    private final AttestationFixture fx = new AttestationFixture();

    HttpBodyLimitTest() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                exchange.sendResponseHeaders(200, 0); // chunked: no length announced, so only reading tells
                OutputStream out = exchange.getResponseBody();
                byte[] chunk = new byte[64 * 1024];
                java.util.Arrays.fill(chunk, (byte) 'A');
                while (sent.get() < SERVED_BYTES) {
                    out.write(chunk);
                    sent.addAndGet(chunk.length);
                }
            } catch (IOException e) {
                // the client hung up: what we want
            } finally {
                done.countDown();
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/rim/");
    }

    private void assertCutOff() throws InterruptedException {
        assertTrue(done.await(5, TimeUnit.MINUTES), "hang guard: the server never finished");
        assertTrue(sent.get() < SERVED_BYTES, "the client read the whole " + SERVED_BYTES + "-byte answer");
    }

    @Test
    void anEndlessRimServiceAnswerIsRefusedAtTheLimit() throws Exception {
        HttpRimSource source = new HttpRimSource(uri(), Duration.ofSeconds(30));
        RimId id = new RimId(RimId.Kind.DRIVER, "550.90.07", "GH100", "NV_GPU_DRIVER_GH100_550.90.07", Optional.empty());
        CheckFailed e = assertThrows(CheckFailed.class, () -> source.fetch(id));
        assertEquals("the RIM service's answer for driver RIM NV_GPU_DRIVER_GH100_550.90.07 is larger than the limit of "
                + HttpRimSource.MAX_RESPONSE_BYTES + " bytes (more sent); refused unread", e.getMessage());
        assertCutOff();
    }

    @Test
    void anEndlessOcspAnswerIsRefusedAtTheLimit() throws Exception {
        HttpOcspSource source = new HttpOcspSource(uri(), Duration.ofSeconds(30), Duration.ofDays(7));
        var d = fx.device;
        CheckFailed e = assertThrows(CheckFailed.class, () -> source.check(d.brom.cert(), d.provisioner.cert(), TestPki.NOW));
        assertTrue(e.getMessage().endsWith("is larger than the limit of " + HttpOcspSource.MAX_RESPONSE_BYTES
                + " bytes (more sent); refused unread"), e.getMessage());
        assertCutOff();
    }
}
