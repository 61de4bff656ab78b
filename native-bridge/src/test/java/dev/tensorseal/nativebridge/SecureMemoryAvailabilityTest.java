package dev.tensorseal.nativebridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Absence is a reported state, never a crash: unknown binding, no native access. */
class SecureMemoryAvailabilityTest {
    @Test
    void unknownBindingIsReportedAndBestEffortFallsBackToPlainZeroedMemory() {
        SecureMemory memory = SecureMemory.create("nope", MemoryPolicy.BEST_EFFORT);
        MemoryStatus st = memory.status();
        assertFalse(st.available());
        assertTrue(st.unavailableReason().contains("tensorseal.native must be ffm or jna"), st.unavailableReason());
        try (SecureRegion r = memory.allocate(100)) {
            assertFalse(r.isHardened());
            assertEquals(0, r.segment().get(ValueLayout.JAVA_BYTE, 99));
        }
        assertThrows(NativeException.class, () -> SecureMemory.create("nope", MemoryPolicy.STRICT).allocate(100));
    }

    @Test
    void missingNativeAccessIsReportedNamingTheFlag() throws Exception {
        ChildJvm.Result r = ChildJvm.run(ChildJvm.javaCommand(List.of(), RegionProbe.class, "status", "ffm"));
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("available=false"), r.output());
        assertTrue(r.output().contains("--enable-native-access=ALL-UNNAMED"), r.output());
    }

    @Test
    void policyParsesBothSpellingsAndRejectsOthers() {
        assertEquals(MemoryPolicy.STRICT, MemoryPolicy.parse("STRICT"));
        assertEquals(MemoryPolicy.BEST_EFFORT, MemoryPolicy.parse("best_effort"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MemoryPolicy.parse("lax"));
        assertTrue(e.getMessage().contains("'lax'"));
    }
}
