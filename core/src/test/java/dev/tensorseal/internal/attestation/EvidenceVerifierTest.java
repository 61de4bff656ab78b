package dev.tensorseal.internal.attestation;

import static dev.tensorseal.internal.attestation.EvidenceVerifier.CERT_CHAIN;
import static dev.tensorseal.internal.attestation.EvidenceVerifier.CERT_FWID_MATCH;
import static dev.tensorseal.internal.attestation.EvidenceVerifier.DRIVER_RIM;
import static dev.tensorseal.internal.attestation.EvidenceVerifier.DRIVER_VERSION;
import static dev.tensorseal.internal.attestation.EvidenceVerifier.MEASUREMENTS_MATCH;
import static dev.tensorseal.internal.attestation.EvidenceVerifier.NONCE_MATCH;
import static dev.tensorseal.internal.attestation.EvidenceVerifier.REPORT_PARSED;
import static dev.tensorseal.internal.attestation.EvidenceVerifier.REPORT_SIGNATURE;
import static dev.tensorseal.internal.attestation.EvidenceVerifier.RIM_INDEX_CONFLICT;
import static dev.tensorseal.internal.attestation.EvidenceVerifier.VBIOS_RIM;
import static dev.tensorseal.internal.attestation.EvidenceVerifier.VBIOS_VERSION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.AttestationPolicy;
import dev.tensorseal.AttestationResult;
import dev.tensorseal.AttestationResult.Check;
import dev.tensorseal.AttestationResult.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Synthetic NVIDIA-shaped evidence through every check, and each tamper class failing at its own check. */
class EvidenceVerifierTest {
    private final AttestationFixture fx = new AttestationFixture();
    @TempDir
    Path dir;

    private AttestationResult verify(byte[] report, byte[] chain, byte[] nonce, AttestationPolicy policy) {
        return AttestationResult.of(new EvidenceVerifier(policy).verify(new GpuEvidence("gpu 0", report, chain), nonce));
    }

    private AttestationResult verify(byte[] report) {
        return verify(report, fx.chainPem(), fx.nonce, fx.policy(fx.rimFiles(dir)).build());
    }

    private byte[] report(Consumer<ReportBuilder> change) {
        ReportBuilder b = fx.report();
        change.accept(b);
        return fx.signed(b);
    }

    /** Asserts that {@code result} failed first at {@code check}, with every earlier check passed or allowed. */
    private static Check failsAt(AttestationResult result, String check) {
        Check first = result.firstFailure().orElseThrow(() -> new AssertionError("expected a failure at " + check + ": " + result.checks()));
        assertEquals(check, first.name(), () -> "failed at the wrong check: " + result.checks());
        boolean after = false;
        for (Check c : result.checks()) {
            if (after) {
                assertEquals(Status.NOT_CHECKED, c.status(), c::toString);
                assertTrue(c.reason().startsWith("not reached"), c::toString);
            }
            after |= c == first;
        }
        return first;
    }

    @Test
    void genuineEvidencePassesEveryCheckInOrder() {
        AttestationResult r = verify(fx.signed(fx.report()));
        assertTrue(r.passed(), r.checks()::toString);
        assertEquals(List.of("REPORT_PARSED", "CERT_CHAIN", "REPORT_SIGNATURE", "NONCE_MATCH", "CERT_FWID_MATCH",
                "CERT_REVOCATION", "DRIVER_VERSION", "VBIOS_VERSION", "DRIVER_RIM", "DRIVER_RIM_REVOCATION", "VBIOS_RIM",
                "VBIOS_RIM_REVOCATION", "RIM_INDEX_CONFLICT", "MEASUREMENTS_MATCH"), r.checks().stream().map(Check::name).toList());
        for (String passed : List.of(REPORT_PARSED, CERT_CHAIN, REPORT_SIGNATURE, NONCE_MATCH, CERT_FWID_MATCH, DRIVER_RIM,
                VBIOS_RIM, RIM_INDEX_CONFLICT, MEASUREMENTS_MATCH)) {
            assertEquals(Status.PASS, r.check("gpu 0", passed).orElseThrow().status(), passed);
        }
        assertEquals(Status.NOT_CHECKED, r.check("gpu 0", "CERT_REVOCATION").orElseThrow().status());
        assertTrue(r.check("gpu 0", MEASUREMENTS_MATCH).orElseThrow().reason().startsWith("8 active measurements"));
    }

    @Test
    void aFlippedByteInEachSignedRegionFailsTheSignature() {
        ReportBuilder b = fx.report();
        byte[] good = fx.signed(b);
        ReportBuilder.Layout l = b.layout;
        // request header param2, a measurement digest byte, the responder nonce, an opaque value byte
        for (int offset : new int[] {3, l.record() + 20, l.responderNonce() + 5, l.opaque() + 6, l.signature() - 1}) {
            byte[] bad = good.clone();
            bad[offset] ^= 0x01;
            failsAt(verify(bad), REPORT_SIGNATURE);
        }
    }

    @Test
    void aFlippedByteInTheSignatureFailsTheSignature() {
        ReportBuilder b = fx.report();
        byte[] bad = fx.signed(b);
        bad[b.layout.signature() + 10] ^= 0x40;
        failsAt(verify(bad), REPORT_SIGNATURE);
        byte[] bad2 = fx.signed(b);
        bad2[bad2.length - 1] ^= 0x01;
        failsAt(verify(bad2), REPORT_SIGNATURE);
    }

    @Test
    void aFlippedByteInTheRequestNonceFailsTheSignatureBeforeTheNonce() {
        ReportBuilder b = fx.report();
        byte[] bad = fx.signed(b);
        bad[b.layout.requestNonce()] ^= 0x01;
        failsAt(verify(bad), REPORT_SIGNATURE);
    }

    @Test
    void aFlippedLengthOrTypeByteFailsParsing() {
        ReportBuilder b = fx.report();
        byte[] good = fx.signed(b);
        for (int offset : new int[] {0, 1, b.layout.responseHeader() + 5, b.layout.record() + 2, b.layout.opaque() - 2}) {
            byte[] bad = good.clone();
            bad[offset] ^= 0x01;
            Check c = failsAt(verify(bad), REPORT_PARSED);
            assertTrue(!c.reason().isBlank());
        }
    }

    @Test
    void aReportForAnotherNonceFails() {
        ReportBuilder b = new ReportBuilder(Nonces.fresh()).fwid(AttestationFixture.FWID);
        assertTrue(failsAt(verify(fx.signed(b)), NONCE_MATCH).reason().contains("stale or replayed"));
    }

    @Test
    void aReplayedReportFailsTheNextVerification() {
        byte[] earlier = fx.signed(fx.report());
        AttestationPolicy policy = fx.policy(fx.rimFiles(dir)).build();
        assertTrue(verify(earlier, fx.chainPem(), fx.nonce, policy).passed());
        failsAt(verify(earlier, fx.chainPem(), Nonces.fresh(), policy), NONCE_MATCH);
    }

    @Test
    void aReportSignedByAnotherKeyFails() {
        byte[] forged = fx.report().signedWith(TestPki.p384().getPrivate());
        failsAt(verify(forged), REPORT_SIGNATURE);
    }

    @Test
    void chainProblemsFailTheChainCheck() {
        byte[] report = fx.signed(fx.report());
        AttestationPolicy policy = fx.policy(fx.rimFiles(dir)).build();
        List<X509Certificate> swapped = fx.device.chain();
        Collections.swap(swapped, 1, 2);
        failsAt(verify(report, TestPki.pemBytes(swapped), fx.nonce, policy), CERT_CHAIN);
        List<X509Certificate> longer = fx.device.chain();
        longer.add(1, fx.device.brom.cert());
        failsAt(verify(report, TestPki.pemBytes(longer), fx.nonce, policy), CERT_CHAIN);
        TestPki.Device other = new TestPki.Device(null);
        AttestationPolicy foreign = fx.policy(fx.rimFiles(dir)).deviceRoots(List.of(other.root.cert())).build();
        failsAt(verify(report, fx.chainPem(), fx.nonce, foreign), CERT_CHAIN);
        AttestationPolicy late = fx.policy(fx.rimFiles(dir)).at(TestPki.NOW.plus(20_000, ChronoUnit.DAYS)).build();
        assertTrue(failsAt(verify(report, fx.chainPem(), fx.nonce, late), CERT_CHAIN).reason().contains("expired"));
        AttestationPolicy early = fx.policy(fx.rimFiles(dir)).at(TestPki.NOW.minus(1000, ChronoUnit.DAYS)).build();
        assertTrue(failsAt(verify(report, fx.chainPem(), fx.nonce, early), CERT_CHAIN).reason().contains("not valid before"));
        failsAt(verify(report, "not pem".getBytes(StandardCharsets.US_ASCII), fx.nonce, policy), CERT_CHAIN);
    }

    @Test
    void aReportWhoseFwidDiffersFromTheCertificatesFails() {
        byte[] report = report(b -> b.fwid(AttestationFixture.fill(48, 0x78)));
        assertTrue(failsAt(verify(report), CERT_FWID_MATCH).reason().contains("differs"));
    }

    @Test
    void versionsBelowThePolicysMinimumFail() {
        byte[] report = fx.signed(fx.report());
        failsAt(verify(report, fx.chainPem(), fx.nonce, fx.policy(fx.rimFiles(dir)).minimumDriverVersion("550.100").build()),
                DRIVER_VERSION);
        failsAt(verify(report, fx.chainPem(), fx.nonce, fx.policy(fx.rimFiles(dir)).minimumVbiosVersion("96.00.a0").build()),
                VBIOS_VERSION);
        assertTrue(verify(report, fx.chainPem(), fx.nonce, fx.policy(fx.rimFiles(dir)).minimumDriverVersion("550.90.7")
                .minimumVbiosVersion("96.00.9f.00.01").build()).passed());
    }

    @Test
    void aMeasurementThatDiffersFromTheRimFails() {
        byte[] report = report(b -> b.measurements.put(6, AttestationFixture.fill(48, 0x99)));
        assertTrue(failsAt(verify(report), MEASUREMENTS_MATCH).reason().startsWith("measurement 5 is 9999"));
    }

    @Test
    void aMeasurementMissingFromTheReportFails() {
        byte[] report = report(b -> b.measurements.remove(8));
        assertTrue(failsAt(verify(report), MEASUREMENTS_MATCH).reason().contains("no block 8"));
    }

    @Test
    void anInactiveRimMeasurementIsNotCompared() {
        byte[] report = report(b -> b.measurements.put(2, AttestationFixture.fill(48, 0x99)));
        List<RimSigner.Measurement> driver = new java.util.ArrayList<>(RimSigner.matching(1, 4));
        driver.set(1, new RimSigner.Measurement(1, false, List.of(ReportBuilder.digest(2))));
        List<Path> rims = fx.rimFiles(dir, fx.rim(AttestationFixture.DRIVER, driver), fx.vbiosRim());
        assertTrue(verify(report, fx.chainPem(), fx.nonce, fx.policy(rims).build()).passed());
        // the same report against the RIM with that measurement active fails
        failsAt(verify(report), MEASUREMENTS_MATCH);
    }

    @Test
    void aRimWithABrokenSignatureFails() {
        String rim = new String(fx.vbiosRim(), StandardCharsets.UTF_8);
        String tampered = rim.replaceFirst("Hash1=\"1515", "Hash1=\"1616");
        assertTrue(!tampered.equals(rim));
        List<Path> rims = fx.rimFiles(dir, fx.driverRim(), tampered.getBytes(StandardCharsets.UTF_8));
        assertTrue(failsAt(verify(fx.signed(fx.report()), fx.chainPem(), fx.nonce, fx.policy(rims).build()), VBIOS_RIM)
                .reason().contains("does not verify"));
    }

    @Test
    void aRimSignedOutsideTheRimRootFails() {
        TestPki.RimSigning other = new TestPki.RimSigning();
        byte[] foreign = RimSigner.sign(AttestationFixture.DRIVER, RimSigner.matching(1, 4), other.signer.keys().getPrivate(),
                other.chain());
        List<Path> rims = fx.rimFiles(dir, foreign, fx.vbiosRim());
        assertTrue(failsAt(verify(fx.signed(fx.report()), fx.chainPem(), fx.nonce, fx.policy(rims).build()), DRIVER_RIM)
                .reason().contains("not a trusted root"));
    }

    @Test
    void aRimForAnotherVbiosFails() {
        List<Path> rims = fx.rimFiles(dir, fx.driverRim(), fx.rim("96.00.5e.00.01", RimSigner.matching(5, 8)));
        assertTrue(failsAt(verify(fx.signed(fx.report()), fx.chainPem(), fx.nonce, fx.policy(rims).build()), VBIOS_RIM)
                .reason().contains("no supplied RIM is for vbios version 96.00.9f.00.01"));
    }

    @Test
    void rimsWithActiveMeasurementsAtTheSameIndexFail() {
        List<Path> rims = fx.rimFiles(dir, fx.rim(AttestationFixture.DRIVER, RimSigner.matching(1, 5)), fx.vbiosRim());
        assertTrue(failsAt(verify(fx.signed(fx.report()), fx.chainPem(), fx.nonce, fx.policy(rims).build()), RIM_INDEX_CONFLICT)
                .reason().contains("index 4"));
    }

    @Test
    void withoutRimsTheRimChecksAreNotCheckedOnlyWhenThePolicySaysSo() {
        byte[] report = fx.signed(fx.report());
        AttestationResult relaxed = verify(report, fx.chainPem(), fx.nonce, fx.policy(List.of()).rimsNotChecked().build());
        assertTrue(relaxed.passed());
        assertEquals(Status.NOT_CHECKED, relaxed.check("gpu 0", MEASUREMENTS_MATCH).orElseThrow().status());
        AttestationResult strict = verify(report, fx.chainPem(), fx.nonce, fx.policy(List.of(dir.resolve("absent.xml"))).build());
        failsAt(strict, DRIVER_RIM);
    }

    @Test
    void theNvdecMeasurementIsComparedEvenWhenTheReportSaysNvdecIsDisabled() {
        List<Path> rims = fx.rimFiles(dir, fx.driverRim(), fx.rim(AttestationFixture.VBIOS, List.of(
                new RimSigner.Measurement(35, true, List.of(AttestationFixture.fill(48, 0x35))))));
        AttestationPolicy policy = fx.policy(rims).build();
        byte[] disabled = report(b -> b.opaque.put(OpaqueData.NVDEC0_STATUS, new byte[] {0x55}));
        assertTrue(AttestationReport.parse(disabled).opaque().nvdec0Disabled());
        assertTrue(failsAt(verify(disabled, fx.chainPem(), fx.nonce, policy), MEASUREMENTS_MATCH).reason()
                .contains("measurement 35"));
        byte[] matching = report(b -> {
            b.opaque.put(OpaqueData.NVDEC0_STATUS, new byte[] {0x55});
            b.measurements.put(36, AttestationFixture.fill(48, 0x35));
        });
        AttestationResult r = verify(matching, fx.chainPem(), fx.nonce, policy);
        assertTrue(r.passed(), r.checks()::toString);
    }

    @Test
    void aMeasurementSlippedIntoTheUnsignedSignatureSubtreeIsRejected() {
        String rim = new String(fx.driverRim(), StandardCharsets.UTF_8);
        int end = rim.indexOf("</ds:Signature>");
        assertTrue(end > 0, "the signer writes a ds: prefix");
        String wrapped = rim.substring(0, end) + "<ds:Object><Resource xmlns=\"" + Rim.SWID_NS + "\" type=\"Measurement\""
                + " index=\"40\" active=\"True\" alternatives=\"1\" size=\"1\" xmlns:h=\"" + Rim.SHA384_NS
                + "\" h:Hash0=\"00\"/></ds:Object>" + rim.substring(end);
        List<Path> rims = fx.rimFiles(dir, wrapped.getBytes(StandardCharsets.UTF_8), fx.vbiosRim());
        assertTrue(failsAt(verify(fx.signed(fx.report()), fx.chainPem(), fx.nonce, fx.policy(rims).build()), DRIVER_RIM)
                .reason().contains("outside SoftwareIdentity/Payload"));
    }
}
