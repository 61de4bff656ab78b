package dev.tensorseal.internal.attestation;

import static dev.tensorseal.ReleasedKeys.release;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.AttestationPolicy;
import dev.tensorseal.KeyReleaseDeniedException;
import dev.tensorseal.KeySource;
import dev.tensorseal.ReleasedKeys;
import dev.tensorseal.internal.keys.VerifiedAttestationKeySource;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key release on verified attestation with NVML faked at the binding boundary ({@link EvidenceCollector}):
 * released only when every GPU's fresh evidence passes, denied naming the first failed check otherwise,
 * GPUs set ready only after success, a new nonce every release.
 */
class VerifiedAttestationKeySourceTest {
    private static final byte[] KEY = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private final AttestationFixture fx = new AttestationFixture();
    @TempDir
    Path dir;

    /** A fake NVML: evidence from {@code answer}, nonces and ready calls recorded. */
    private static final class FakeNvml implements EvidenceCollector {
        final int gpus;
        BiFunction<Integer, byte[], GpuEvidence> answer;
        final List<byte[]> nonces = new ArrayList<>();
        int readyCalls;
        RuntimeException readyFailure;

        FakeNvml(int gpus, BiFunction<Integer, byte[], GpuEvidence> answer) {
            this.gpus = gpus;
            this.answer = answer;
        }

        @Override
        public int gpuCount() {
            return gpus;
        }

        @Override
        public GpuEvidence collect(int ordinal, byte[] nonce) {
            nonces.add(nonce.clone());
            return answer.apply(ordinal, nonce);
        }

        @Override
        public void setGpusReady() {
            if (readyFailure != null) {
                throw readyFailure;
            }
            readyCalls++;
        }
    }

    /** One device per GPU ordinal: GPU 0 is the fixture's, others get their own leaf key under the same BROM. */
    private final Map<Integer, TestPki.Issued> leaves = new HashMap<>();

    private TestPki.Issued leaf(int ordinal) {
        return leaves.computeIfAbsent(ordinal, o -> o == 0 ? fx.device.leaf
                : TestPki.leaf("CN=Test GH100 A01 GSP FMC LF " + o + ",O=Test", fx.device.brom,
                        TestPki.NOW.minus(200, ChronoUnit.DAYS), TestPki.NOW.plus(2000, ChronoUnit.DAYS),
                        List.of(TestPki.hopperFwid(AttestationFixture.FWID, TestPki.p384()))));
    }

    /** Genuine evidence from GPU {@code device}'s own device for whatever nonce is asked, changed by {@code change}. */
    private GpuEvidence evidence(int ordinal, int device, byte[] nonce, java.util.function.Consumer<ReportBuilder> change) {
        ReportBuilder b = new ReportBuilder(nonce).fwid(AttestationFixture.FWID);
        change.accept(b);
        TestPki.Issued leaf = leaf(device);
        return new GpuEvidence("gpu " + ordinal, b.signedWith(leaf.keys().getPrivate()),
                TestPki.pemBytes(fx.device.chainWithLeaf(leaf.cert())));
    }

    /** Genuine evidence for whatever nonce is asked, each GPU its own device, optionally changed by {@code change}. */
    private BiFunction<Integer, byte[], GpuEvidence> genuine(java.util.function.Consumer<ReportBuilder> change) {
        return (ordinal, nonce) -> evidence(ordinal, ordinal, nonce, change);
    }

    /** Genuine evidence with byte {@code offset} of the signed report flipped afterwards. */
    private BiFunction<Integer, byte[], GpuEvidence> flipped(int offset) {
        return (ordinal, nonce) -> {
            GpuEvidence g = genuine(b -> {}).apply(ordinal, nonce);
            byte[] report = g.report();
            report[offset] ^= 0x01;
            return new GpuEvidence(g.subject(), report, g.certificateChain());
        };
    }

    private AttestationPolicy policy() {
        return fx.policy(fx.rimFiles(dir)).build();
    }

    @Test
    void releasesOnlyAfterEveryGpuVerifiedAndSetsThemReadyAfterwards() {
        FakeNvml nvml = new FakeNvml(2, genuine(b -> {}));
        try (KeySource gated = new VerifiedAttestationKeySource(KeySource.bytes(KEY), policy(), nvml)) {
            assertArrayEquals(KEY, release(gated));
            assertEquals(1, nvml.readyCalls);
            assertEquals(2, nvml.nonces.size());
            ReleasedKeys.storeWorksWith(gated);
        }
    }

    @Test
    void oneDeviceAnsweringForTwoGpusIsDenied() {
        // GPU 1's evidence is genuine and fresh for its own nonce, but it is GPU 0's device answering again
        FakeNvml nvml = new FakeNvml(3, (ordinal, nonce) -> evidence(ordinal, ordinal == 1 ? 0 : ordinal, nonce, b -> {}));
        try (KeySource gated = new VerifiedAttestationKeySource(KeySource.bytes(KEY), policy(), nvml)) {
            var e = assertThrows(KeyReleaseDeniedException.class, () -> release(gated));
            assertTrue(e.getMessage().contains("DISTINCT_DEVICE failed for gpu 1"), e.getMessage());
            assertTrue(e.getMessage().contains("is gpu 0's"), e.getMessage());
            assertEquals(0, nvml.readyCalls, "not set ready");
        }
    }

    @Test
    void everyReleaseUsesNewNoncesAndReChecks() {
        FakeNvml nvml = new FakeNvml(1, genuine(b -> {}));
        try (KeySource gated = new VerifiedAttestationKeySource(KeySource.bytes(KEY), policy(), nvml)) {
            for (int i = 0; i < 5; i++) {
                release(gated);
            }
            Set<String> distinct = new HashSet<>();
            nvml.nonces.forEach(n -> distinct.add(HexFormat.of().formatHex(n)));
            assertEquals(5, distinct.size(), "a fresh nonce at each release");
            // the GPU's state changes: the next release sees it and denies
            nvml.answer = genuine(b -> b.measurements.put(3, AttestationFixture.fill(48, 0x99)));
            var e = assertThrows(KeyReleaseDeniedException.class, () -> release(gated));
            assertTrue(e.getMessage().contains("MEASUREMENTS_MATCH"), e.getMessage());
            assertEquals(5, nvml.readyCalls, "not set ready after the failed check");
        }
    }

    @Test
    void aReplayedReportIsDenied() {
        byte[] captured = fx.signed(fx.report());
        FakeNvml nvml = new FakeNvml(1, (ordinal, nonce) -> new GpuEvidence("gpu 0", captured, fx.chainPem()));
        try (KeySource gated = new VerifiedAttestationKeySource(KeySource.bytes(KEY), policy(), nvml)) {
            var e = assertThrows(KeyReleaseDeniedException.class, () -> release(gated));
            assertTrue(e.getMessage().contains("NONCE_MATCH"), e.getMessage());
            assertEquals(0, nvml.readyCalls);
        }
    }

    @Test
    void deniesNamingTheFirstFailedCheckForEachFailure() {
        List<Object[]> cases = List.of(
                new Object[] {flipped(3), "REPORT_SIGNATURE", false},
                new Object[] {genuine(b -> b.fwid(AttestationFixture.fill(48, 1))), "CERT_FWID_MATCH", false},
                new Object[] {genuine(b -> b.text(OpaqueData.DRIVER_VERSION, "535.1.2")), "DRIVER_RIM", false},
                new Object[] {genuine(b -> b.measurements.remove(1)), "MEASUREMENTS_MATCH", false},
                new Object[] {genuine(b -> {}), "REPORT_PARSED", true});
        for (Object[] c : cases) {
            @SuppressWarnings("unchecked")
            BiFunction<Integer, byte[], GpuEvidence> answer = (BiFunction<Integer, byte[], GpuEvidence>) c[0];
            boolean truncate = (boolean) c[2];
            FakeNvml nvml = new FakeNvml(2, truncate ? (o, n) -> {
                GpuEvidence g = answer.apply(o, n);
                // only the second GPU is broken: one bad GPU denies the release
                return o == 1 ? new GpuEvidence(g.subject(), java.util.Arrays.copyOf(g.report(), 40), g.certificateChain()) : g;
            } : answer);
            try (KeySource gated = new VerifiedAttestationKeySource(KeySource.bytes(KEY), policy(), nvml)) {
                var e = assertThrows(KeyReleaseDeniedException.class, () -> release(gated));
                assertTrue(e.getMessage().contains((String) c[1]), c[1] + ": " + e.getMessage());
                assertEquals(0, nvml.readyCalls, c[1] + ": GPUs not set ready");
            }
        }
    }

    @Test
    void deniesWhenNvmlFailsThereIsNoGpuOrTheReadyStateCannotBeSet() {
        FakeNvml broken = new FakeNvml(1, (o, n) -> {
            throw new IllegalStateException("nvmlDeviceGetConfComputeGpuAttestationReport: Not Supported");
        });
        try (KeySource gated = new VerifiedAttestationKeySource(KeySource.bytes(KEY), policy(), broken)) {
            assertTrue(assertThrows(KeyReleaseDeniedException.class, () -> release(gated)).getMessage().contains("Not Supported"));
        }
        try (KeySource gated = new VerifiedAttestationKeySource(KeySource.bytes(KEY), policy(), new FakeNvml(0, genuine(b -> {})))) {
            assertTrue(assertThrows(KeyReleaseDeniedException.class, () -> release(gated)).getMessage().contains("no GPU"));
        }
        FakeNvml notReady = new FakeNvml(1, genuine(b -> {}));
        notReady.readyFailure = new IllegalStateException("nvmlSystemSetConfComputeGpusReadyState: No Permission");
        try (KeySource gated = new VerifiedAttestationKeySource(KeySource.bytes(KEY), policy(), notReady)) {
            assertTrue(assertThrows(KeyReleaseDeniedException.class, () -> release(gated)).getMessage().contains("No Permission"));
        }
    }

    @Test
    void theDenialNamesNoKeyMaterial() {
        FakeNvml nvml = new FakeNvml(1, genuine(b -> b.measurements.remove(1)));
        try (KeySource gated = new VerifiedAttestationKeySource(KeySource.bytes(KEY), policy(), nvml)) {
            String message = assertThrows(KeyReleaseDeniedException.class, () -> release(gated)).getMessage();
            assertFalse(message.contains(HexFormat.of().formatHex(KEY).substring(0, 16)));
        }
    }
}
