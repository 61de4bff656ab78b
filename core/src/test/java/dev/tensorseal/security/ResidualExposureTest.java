package dev.tensorseal.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tensorseal.testing.Prerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The store's own residual-exposure guarantees, measured in a child JVM per engine (ExposureProbe): after views
 * close, no plaintext canary is left anywhere outside the Java heap (view scratch, native memory, mapped files),
 * no live heap object holds one, the bytes of the master key, the KEK and the header MAC key appear nowhere but
 * in hardened key memory (not on the heap, not as garbage), and on vaes no data key does either. What the
 * JDK and Bouncy Castle leave as heap garbage is measured and printed, not asserted (SECURITY.md has the table).
 */
class ResidualExposureTest {
    @TempDir Path dir;

    /** jce, bc, and ossl where OpenSSL 3 libcrypto loads (required under CI; elsewhere its absence is printed). */
    static java.util.List<String> engines() {
        java.util.List<String> names = dev.tensorseal.internal.crypto.GcmEngine.names();
        Prerequisites.optional(names.contains("ossl"),
                "ossl engine not in GcmEngine.names(): residual exposure measured on jce and bc only");
        return names;
    }

    @ParameterizedTest
    @MethodSource("engines")
    void closedViewsLeaveNoPlaintextOffHeapAndTheKeyStaysInItsRegion(String engine) throws Exception {
        Prerequisites.require(Files.isReadable(Path.of("/proc/self/mem")),
                "residual-exposure scan needs Linux /proc/PID/mem; not available here");
        ExposureProbe.Report rep = ExposureProbe.run(engine, dir);
        int chunksOf32 = ExposureWorkload.TENSOR_BYTES / ProcessMemoryScan.PATTERN_BYTES;
        ProcessMemoryScan.Result first = rep.phases().get("views-closed");
        // Positive control: the view left open is found whole, so the scan really reads the child's memory.
        assertEquals(chunksOf32, first.count(ExposureProbe.CONTROL, ExposureProbe.OPEN_VIEW), "open control view not found");
        for (var e : rep.phases().entrySet()) {
            ProcessMemoryScan.Result r = e.getValue();
            String phase = engine + "/" + e.getKey();
            System.out.println(phase + ": canary heap " + ExposureProbe.canaryHits(r, ExposureProbe.HEAP) + " x32B, dump "
                    + ExposureProbe.canaryHits(r, ExposureProbe.DUMP) + ", key " + r.total(ExposureProbe.KEY) + ", KEK "
                    + r.total(ExposureProbe.KEK) + ", MAC key " + r.total(ExposureProbe.MAC_KEY) + ", data keys heap "
                    + ExposureProbe.dataKeyHits(r, ExposureProbe.HEAP) + " native " + ExposureProbe.dataKeyHits(r, ExposureProbe.NATIVE)
                    + "; key region " + rep.keyRegionMaps());
            for (int i = 0; i < ExposureWorkload.TENSORS; i++) {
                String c = ExposureProbe.CANARY + " " + i;
                assertEquals(0, r.totalExcept(c, ExposureProbe.HEAP), phase + ": " + c + " outside the Java heap " + r.hits.get(c));
            }
            assertEquals(0, r.totalExcept(ExposureProbe.KEY, ExposureProbe.KEY_REGION),
                    phase + ": master key outside its region " + r.hits.get(ExposureProbe.KEY));
            // The KEK shares the master key's hardened slab; the MAC key is zeroed once the header is checked.
            assertEquals(0, r.totalExcept(ExposureProbe.KEK, ExposureProbe.KEY_REGION),
                    phase + ": KEK outside key memory " + r.hits.get(ExposureProbe.KEK));
            assertEquals(0, r.totalExcept(ExposureProbe.MAC_KEY, ExposureProbe.KEY_REGION),
                    phase + ": header MAC key outside key memory " + r.hits.get(ExposureProbe.MAC_KEY));
            if (engine.equals("vaes")) { // its key contexts are key memory too; jce, bc and ossl keep schedules elsewhere
                long outside = r.hits.entrySet().stream().filter(h -> h.getKey().startsWith(ExposureProbe.DATA_KEY))
                        .mapToLong(h -> r.totalExcept(h.getKey(), ExposureProbe.KEY_REGION, ExposureProbe.SECRETMEM)).sum();
                assertEquals(0, outside, phase + ": a data key outside key memory " + r.hits);
            }
        }
        ProcessMemoryScan.Result closed = rep.phases().get("store-closed");
        assertEquals(0, closed.totalExcept(ExposureProbe.CONTROL, ExposureProbe.HEAP),
                "the control view's plaintext outlived store.close() off-heap " + closed.hits.get(ExposureProbe.CONTROL));
        assertEquals(0, closed.count(ExposureProbe.KEY, ExposureProbe.KEY_REGION), "the master key outlived store.close()");
    }
}
