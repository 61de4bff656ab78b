package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.nativebridge.Availability;
import org.junit.jupiter.api.Test;

/** Where there is no usable GPU, the device API says so as a value and a specific exception, never a crash. */
class GpuSessionWithoutGpuTest {
    @Test
    void unavailabilityIsAValueAndOpenThrowsGpuUnavailable() {
        Availability a = GpuSession.availability();
        System.out.println("GpuSession.availability(): " + a);
        if (a.isAvailable()) {
            // A GPU machine: the session must open and close cleanly instead.
            try (GpuSession s = GpuSession.open(0)) {
                assertFalse(s.stream().equals(java.lang.foreign.MemorySegment.NULL));
            }
            return;
        }
        assertTrue(a.toString().startsWith("unavailable: "), a.toString());
        var e = assertThrows(GpuUnavailableException.class, () -> GpuSession.open(0));
        assertTrue(e.getMessage().contains("unavailable: "), e.getMessage());
        assertTrue(e instanceof TensorSealException);
    }
}
