package dev.tensorseal.devtools.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.GpuSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The host half of gpu-check.sh's core part (CI has no GPU); the device half runs in gpu-check.sh on a GPU machine. */
class DeviceTensorChecksTest {
    private static String run(int expectedExit, String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int rc = DeviceTensorChecks.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(expectedExit, rc, out);
        return out;
    }

    @Test
    void hostHalfChecksTheTamperFixtureAndSkipsTheDevice() {
        String out = run(0, "--host-only");
        assertTrue(out.contains("tamper fixture rejected by the CPU store             ok  (tensor w, chunk 5)"), out);
        assertTrue(out.contains("gpu session: " + GpuSession.availability()), out);
        assertTrue(out.contains("core device half: skipped (--host-only)"), out);
        assertTrue(out.endsWith("core-checks: PASS" + System.lineSeparator()), out);
    }

    @Test
    void withoutAGpuTheDeviceHalfFailsSayingWhy() {
        var gpu = GpuSession.availability();
        if (gpu.isAvailable()) {
            System.out.println("NOTE: a GPU is usable here; running the device half for real");
            assertTrue(run(0).contains("tampered chunk rejected on the device                ok  (tensor w, chunk 5)"));
            return;
        }
        String out = run(1);
        assertTrue(out.contains("GPU session available                                FAILED  (" + gpu + ")"), out);
        assertTrue(out.contains("core-checks: FAIL (1 checks failed)"), out);
    }

    @Test
    void unknownArgumentsGiveUsage() {
        assertTrue(run(2, "--bogus").startsWith("usage: device-tensor-checks [--host-only]"));
    }
}
