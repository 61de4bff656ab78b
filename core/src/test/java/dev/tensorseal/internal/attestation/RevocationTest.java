package dev.tensorseal.internal.attestation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.AttestationPolicy;
import dev.tensorseal.AttestationResult;
import dev.tensorseal.AttestationResult.Check;
import dev.tensorseal.AttestationResult.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OCSP for the device and RIM chains against a responder built in the test: good, revoked, unknown, forged. */
class RevocationTest {
    private final AttestationFixture fx = new AttestationFixture();
    private final TestOcspResponder responder = new TestOcspResponder(List.of(fx.device.root, fx.device.identity,
            fx.device.provisioner, fx.device.brom, fx.rimPki.root, fx.rimPki.ca, fx.rimPki.l3));
    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        responder.close();
    }

    private AttestationResult verify(AttestationPolicy.Builder policy) {
        return AttestationResult.of(new EvidenceVerifier(policy.build())
                .verify(new GpuEvidence("gpu 0", fx.signed(fx.report()), fx.chainPem()), fx.nonce));
    }

    private AttestationPolicy.Builder online() {
        return fx.policy(fx.rimFiles(dir)).ocspResponder(responder.uri()).networkTimeout(Duration.ofSeconds(30));
    }

    private static Check check(AttestationResult r, String name) {
        return r.check("gpu 0", name).orElseThrow();
    }

    @Test
    void goodAnswersForEveryCertificatePass() {
        AttestationResult r = verify(online());
        assertTrue(r.passed(), r.checks()::toString);
        assertEquals(Status.PASS, check(r, "CERT_REVOCATION").status());
        assertEquals(Status.PASS, check(r, "DRIVER_RIM_REVOCATION").status());
        assertEquals(Status.PASS, check(r, "VBIOS_RIM_REVOCATION").status());
        // device chain: BROM, provisioner, identity (not the leaf, not the root); each RIM: signer, L3, CA
        assertEquals(3 + 3 + 3, responder.requests());
    }

    @Test
    void aRevokedDeviceCertificateFails() {
        responder.set(fx.device.provisioner.cert(), new RevokedStatus(Date.from(TestPki.NOW.minus(2, ChronoUnit.DAYS)),
                CRLReason.keyCompromise));
        Check c = verify(online()).firstFailure().orElseThrow();
        assertEquals("CERT_REVOCATION", c.name());
        assertTrue(c.reason().contains("REVOKED"), c.reason());
    }

    @Test
    void anUnknownRimSignerFails() {
        responder.set(fx.rimPki.signer.cert(), new UnknownStatus());
        Check c = verify(online()).firstFailure().orElseThrow();
        assertEquals("DRIVER_RIM_REVOCATION", c.name());
        assertTrue(c.reason().contains("UNKNOWN"), c.reason());
    }

    @Test
    void aResponseWithoutTheNonceFails() {
        responder.echoNonce = false;
        assertTrue(verify(online()).firstFailure().orElseThrow().reason().contains("nonce"));
    }

    @Test
    void aResponseSignedByAnotherKeyFails() {
        responder.signingKeyOverride = TestPki.p384().getPrivate();
        Check c = verify(online()).firstFailure().orElseThrow();
        assertEquals("CERT_REVOCATION", c.name());
        assertTrue(c.reason().contains("not signed by its issuer"), c.reason());
    }

    @Test
    void anUnreachableResponderFailsRatherThanSkipping() {
        responder.close();
        Check c = verify(online()).firstFailure().orElseThrow();
        assertEquals("CERT_REVOCATION", c.name());
    }

    @Test
    void suppliedResponsesAreUsedOffline() throws Exception {
        var d = fx.device;
        List<byte[]> responses = List.of(responder.responseFor(d.brom.cert(), d.provisioner.cert()),
                responder.responseFor(d.provisioner.cert(), d.identity.cert()),
                responder.responseFor(d.identity.cert(), d.root.cert()));
        AttestationResult r = verify(fx.policy(fx.rimFiles(dir)).ocspResponses(responses));
        // the device chain is answered; the RIM chains are not, so the first RIM revocation check fails
        assertEquals(Status.PASS, check(r, "CERT_REVOCATION").status(), r.checks()::toString);
        assertEquals("DRIVER_RIM_REVOCATION", r.firstFailure().orElseThrow().name());
        assertTrue(r.firstFailure().orElseThrow().reason().contains("no supplied OCSP response"));
    }
}
