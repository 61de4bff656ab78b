package dev.tensorseal;

import static dev.tensorseal.ReleasedKeys.release;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.nativebridge.Availability;
import dev.tensorseal.nativebridge.ConfidentialComputingStatus;
import dev.tensorseal.nativebridge.ConfidentialComputingStatus.CpuTee;
import dev.tensorseal.nativebridge.ConfidentialComputingStatus.Environment;
import dev.tensorseal.nativebridge.ConfidentialComputingStatus.MultiGpuMode;
import dev.tensorseal.nativebridge.GpuDevice;
import dev.tensorseal.nativebridge.GpuReport;
import dev.tensorseal.nativebridge.Gpus;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The confidential-computing key-release policy, with real status records and the real probe. */
class KeyReleaseTest {
    private static final byte[] KEY = StoreFixtures.keyBytes(5);

    private static GpuReport report(ConfidentialComputingStatus cc) {
        return new GpuReport(Availability.yes(), 13000, List.of(new GpuDevice(0, "NVIDIA H100", 9, 0, 80L << 30, true)),
                Availability.yes(), Optional.of(cc), Availability.yes());
    }

    private static ConfidentialComputingStatus status(boolean on, Environment env, boolean devTools, boolean ready) {
        return new ConfidentialComputingStatus(on, env, devTools, MultiGpuMode.NONE, ready, CpuTee.AMD_SEV_SNP, true,
                OptionalLong.empty());
    }

    @Test
    void releasesTheKeyWhenTheDriverReportsCcReadyForSecrets() {
        var ready = status(true, Environment.PRODUCTION, false, true);
        assertTrue(ready.readyForSecrets());
        try (KeySource gated = KeyRelease.requireConfidentialComputing(KeySource.bytes(KEY), () -> report(ready))) {
            assertEquals(HexFormat.of().formatHex(KEY), HexFormat.of().formatHex(release(gated)));
            ReleasedKeys.storeWorksWith(gated);
        }
    }

    @Test
    void failsClosedForEveryConditionThatIsNotMet() {
        List<Object[]> cases = List.of(
                new Object[] {status(false, Environment.UNAVAILABLE, false, false), "mode is off"},
                new Object[] {status(true, Environment.SIMULATION, false, true), "SIMULATION, not PRODUCTION"},
                new Object[] {status(true, Environment.PRODUCTION, true, true), "devtools"},
                new Object[] {status(true, Environment.PRODUCTION, false, false), "not in the ready state"});
        for (Object[] c : cases) {
            var cc = (ConfidentialComputingStatus) c[0];
            assertFalse(cc.readyForSecrets());
            try (KeySource gated = KeyRelease.requireConfidentialComputing(KeySource.bytes(KEY), () -> report(cc))) {
                var e = assertThrows(KeyReleaseDeniedException.class, () -> release(gated));
                assertTrue(e.getMessage().contains((String) c[1]), e.getMessage());
                assertFalse(e.getMessage().toLowerCase().contains(HexFormat.of().formatHex(KEY)), "no key bytes in the message");
                assertThrows(KeyReleaseDeniedException.class, () -> TensorStore.builder().keySource(gated).build(),
                        "a store cannot open with a withheld key");
            }
        }
    }

    @Test
    void failsClosedWithoutNvmlOrStatusOrWhenTheProbeBreaks() {
        var noNvml = new GpuReport(Availability.no("libnvidia-ml.so.1 not found"), 0, List.of(),
                Availability.no("libnvidia-ml.so.1 not found"), Optional.empty(), Availability.yes());
        var noStatus = new GpuReport(Availability.yes(), 13000, List.of(), Availability.yes(), Optional.empty(), Availability.yes());
        try (KeySource a = KeyRelease.requireConfidentialComputing(KeySource.bytes(KEY), () -> noNvml);
             KeySource b = KeyRelease.requireConfidentialComputing(KeySource.bytes(KEY), () -> noStatus);
             KeySource c = KeyRelease.requireConfidentialComputing(KeySource.bytes(KEY), () -> {
                 throw new IllegalStateException("probe exploded");
             })) {
            assertTrue(assertThrows(KeyReleaseDeniedException.class, () -> release(a)).getMessage().contains("libnvidia-ml.so.1 not found"));
            assertTrue(assertThrows(KeyReleaseDeniedException.class, () -> release(b)).getMessage().contains("no confidential-computing state"));
            var e = assertThrows(KeyReleaseDeniedException.class, () -> release(c));
            assertTrue(e.getMessage().contains("probe exploded"), e.getMessage());
        }
    }

    @Test
    void theRealProbeDecidesAndHereFailsClosed() {
        GpuReport real = Gpus.probe();
        boolean ready = real.nvml().isAvailable() && real.confidentialComputing().map(ConfidentialComputingStatus::readyForSecrets).orElse(false);
        System.out.println("real probe: nvml " + real.nvml() + ", CC " + real.confidentialComputing() + " -> ready for secrets: " + ready);
        try (KeySource gated = KeyRelease.requireConfidentialComputing(KeySource.bytes(KEY))) {
            if (ready) {
                assertEquals(32, release(gated).length);
            } else {
                var e = assertThrows(KeyReleaseDeniedException.class, () -> release(gated));
                assertTrue(e.getMessage().startsWith("key from "), e.getMessage());
                assertTrue(e.getMessage().contains("withheld"), e.getMessage());
            }
        }
    }

    @Test
    void releaseIsCheckedAgainAtEveryRequest() {
        var ready = status(true, Environment.PRODUCTION, false, true);
        var off = status(false, Environment.PRODUCTION, false, false);
        ConfidentialComputingStatus[] now = {ready};
        try (KeySource gated = KeyRelease.requireConfidentialComputing(KeySource.bytes(KEY), () -> report(now[0]))) {
            assertEquals(32, release(gated).length);
            now[0] = off;
            assertThrows(KeyReleaseDeniedException.class, () -> release(gated));
        }
    }
}
