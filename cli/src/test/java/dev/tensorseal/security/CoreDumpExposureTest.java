package dev.tensorseal.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.internal.crypto.GcmEngine;
import dev.tensorseal.testing.Prerequisites;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A real core file (gcore) of {@code tensorseal open --key-file K}, taken while a view is open, holds no byte of
 * the master key, the KEK or the header MAC key on any engine, and no data key on the {@code vaes} engine (whose
 * key contexts live in hardened, undumped memory). What the other engines leave (their data-key schedules) is
 * printed, not asserted: SECURITY.md has the table. Positive control: a wrapped data key (a live heap object of
 * the child) is found, so the scan really reads the core's heap.
 */
class CoreDumpExposureTest {
    @TempDir static Path dir;

    @BeforeAll
    static void gcoreIsHere() {
        String why = CoreDumpProbe.unavailableReason();
        Prerequisites.require(why == null, "core-file check: " + why);
    }

    /** vaes where it runs (the default), and jce, which runs everywhere. */
    static List<String> engines() {
        return GcmEngine.names().contains("vaes") ? List.of("vaes", "jce") : List.of("jce");
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aCoreOfOpenHoldsNoMasterKeyKekOrMacKey(String engine) throws Exception {
        CoreDumpProbe.Report r = CoreDumpProbe.run(engine, dir);
        System.out.println("core of open (" + engine + ", " + (r.coreBytes() >> 20) + " MiB): " + r.hits());
        assertTrue(r.total(CoreDumpProbe.CONTROL) > 0, "positive control: the wrapped data key was not found in the core " + r.hits());
        assertEquals(0, r.total(CoreDumpProbe.MASTER), "master key in the core " + r.hits());
        assertEquals(0, r.total(CoreDumpProbe.KEK), "KEK in the core " + r.hits());
        assertEquals(0, r.total(CoreDumpProbe.MAC), "header MAC key in the core " + r.hits());
        if (engine.equals("vaes")) {
            long dataKeys = r.totalOf(CoreDumpProbe.DATA_KEY, CoreDumpProbe.HEAP) + r.totalOf(CoreDumpProbe.DATA_KEY, CoreDumpProbe.ELSEWHERE);
            assertEquals(0, dataKeys, "a data key in the core " + r.hits());
        }
    }
}
