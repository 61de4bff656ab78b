package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttestationPolicyTest {
    @Test
    void defaultsAreStrictAndUseNvidiasShippedRoots() {
        AttestationPolicy p = AttestationPolicy.builder().build();
        assertTrue(p.rimsRequired());
        assertTrue(p.revocationRequired());
        assertEquals(AttestationPolicy.NVIDIA_RIM_SERVICE, p.rimService());
        assertEquals(AttestationPolicy.NVIDIA_OCSP_RESPONDER, p.ocspResponder());
        assertEquals("O=NVIDIA,CN=NVIDIA Device Identity CA", p.deviceRoots().get(0).getSubjectX500Principal().getName());
        assertEquals("CN=NVIDIA CoRIM signing Root CA,O=NVIDIA,C=US", p.rimRoots().get(0).getSubjectX500Principal().getName());
    }

    @Test
    void everySetterValidatesItsArgument() {
        AttestationPolicy.Builder b = AttestationPolicy.builder();
        assertThrows(IllegalArgumentException.class, () -> b.deviceRoots(List.of()));
        assertThrows(IllegalArgumentException.class, () -> b.rimRoots(List.of()));
        assertThrows(IllegalArgumentException.class, () -> b.minimumDriverVersion("550.x"));
        assertThrows(IllegalArgumentException.class, () -> b.minimumVbiosVersion("96..00"));
        assertThrows(IllegalArgumentException.class, () -> b.rimService(URI.create("file:///etc/passwd")));
        assertThrows(IllegalArgumentException.class, () -> b.ocspResponder(URI.create("ftp://x/")));
        assertThrows(IllegalArgumentException.class, () -> b.ocspResponses(List.of(new byte[0])));
        assertThrows(IllegalArgumentException.class, () -> b.networkTimeout(Duration.ofMillis(10)));
        assertThrows(NullPointerException.class, () -> b.at(null));
        AttestationPolicy p = b.minimumDriverVersion("550.90.07").minimumVbiosVersion("96.00.9F.00.01").rimsNotChecked()
                .revocationNotChecked().at(Instant.EPOCH).build();
        assertFalse(p.rimsRequired());
        assertFalse(p.revocationRequired());
        assertEquals(Instant.EPOCH, p.now());
    }

    @Test
    void verifiedReleaseWithoutADriverDeniesWithNvmlsReason() {
        try (KeySource gated = KeyRelease.requireVerifiedAttestation(KeySource.bytes(new byte[32]),
                AttestationPolicy.builder().build());
             Arena a = Arena.ofConfined()) {
            KeyReleaseDeniedException e = assertThrows(KeyReleaseDeniedException.class,
                    () -> gated.writeKey(a.allocate(KeySource.KEY_BYTES)));
            assertTrue(e.getMessage().contains("collecting attestation evidence failed"), e.getMessage());
        }
    }
}
