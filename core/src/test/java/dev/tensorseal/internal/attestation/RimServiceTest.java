package dev.tensorseal.internal.attestation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.tensorseal.AttestationPolicy;
import dev.tensorseal.AttestationResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RIMs fetched over HTTP from a local server shaped like NVIDIA's RIM service, verified and cached. */
class RimServiceTest {
    private final AttestationFixture fx = new AttestationFixture();
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private final HttpServer server;

    RimServiceTest() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/rim/", exchange -> {
            fetches.incrementAndGet();
            String id = exchange.getRequestURI().getPath().substring("/v1/rim/".length());
            byte[] rim = served.get(id);
            byte[] body = rim == null ? "{\"error\":\"not found\"}".getBytes(StandardCharsets.UTF_8)
                    : ("{\"id\":\"" + id + "\",\"rim\":\"" + Base64.getEncoder().encodeToString(rim) + "\"}")
                            .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(rim == null ? 404 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        served.put("NV_GPU_DRIVER_GH100_550.90.07", fx.driverRim());
        served.put("NV_GPU_VBIOS_1010_0200_882_96009F0001", fx.vbiosRim());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private AttestationPolicy policy() {
        return AttestationPolicy.builder().deviceRoots(List.of(fx.device.root.cert())).rimRoots(List.of(fx.rimPki.root.cert()))
                .at(TestPki.NOW).revocationNotChecked().networkTimeout(Duration.ofSeconds(30))
                .rimService(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/rim/")).build();
    }

    @Test
    void rimsAreFetchedByNvidiasIdsVerifiedAndCached() {
        EvidenceVerifier verifier = new EvidenceVerifier(policy());
        for (int release = 0; release < 3; release++) {
            byte[] nonce = Nonces.fresh();
            AttestationResult r = AttestationResult.of(verifier.verify(
                    new GpuEvidence("gpu 0", new ReportBuilder(nonce).fwid(AttestationFixture.FWID)
                            .signedWith(fx.device.leaf.keys().getPrivate()), fx.chainPem()), nonce));
            assertTrue(r.passed(), r.checks()::toString);
        }
        assertEquals(2, fetches.get(), "one fetch per RIM, then the cache");
        assertTrue(AttestationResult.of(verifier.verify(new GpuEvidence("gpu 0", fx.signed(fx.report()), fx.chainPem()),
                fx.nonce)).check("gpu 0", "DRIVER_RIM").orElseThrow().reason().startsWith("cached"));
    }

    @Test
    void aRimTheServiceDoesNotHaveFails() {
        served.remove("NV_GPU_VBIOS_1010_0200_882_96009F0001");
        AttestationResult r = AttestationResult.of(new EvidenceVerifier(policy())
                .verify(new GpuEvidence("gpu 0", fx.signed(fx.report()), fx.chainPem()), fx.nonce));
        assertEquals("VBIOS_RIM", r.firstFailure().orElseThrow().name());
        assertTrue(r.firstFailure().orElseThrow().reason().contains("HTTP 404"));
    }

    @Test
    void aTamperedRimFromTheServiceFailsAndIsNotCached() {
        String original = new String(fx.driverRim(), StandardCharsets.UTF_8);
        String rim = original.replaceFirst("Hash1=\"1111", "Hash1=\"1212");
        assertTrue(!rim.equals(original));
        served.put("NV_GPU_DRIVER_GH100_550.90.07", rim.getBytes(StandardCharsets.UTF_8));
        EvidenceVerifier verifier = new EvidenceVerifier(policy());
        for (int i = 0; i < 2; i++) {
            AttestationResult r = AttestationResult.of(verifier.verify(
                    new GpuEvidence("gpu 0", fx.signed(fx.report()), fx.chainPem()), fx.nonce));
            assertEquals("DRIVER_RIM", r.firstFailure().orElseThrow().name());
        }
        assertEquals(2, fetches.get(), "a RIM that failed verification is fetched again, not cached");
    }
}
