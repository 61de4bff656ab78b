package dev.tensorseal.nativebridge.internal.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.nativebridge.NativeException;
import dev.tensorseal.nativebridge.internal.Linux;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The libc calls core makes through the bridge: results are checked, errno and strerror's text reported. */
class CoreLibcFacadesTest {
    @BeforeAll
    static void libcBinds() {
        assertNull(AnonymousPages.unavailableReason(), "the suite runs on Linux with native access");
    }

    @Test
    void aFailedMmapIsReportedWithErrnoAndItsText() {
        NativeException e = assertThrows(NativeException.class, () -> AnonymousPages.map(1L << 62));
        assertEquals("mmap", e.function());
        assertEquals(12, e.code(), e.getMessage()); // ENOMEM
        assertEquals("mmap failed: Cannot allocate memory (12)", e.getMessage());
    }

    @Test
    void aFailedMunmapIsReportedNotDropped() {
        NativeException e = assertThrows(NativeException.class, () -> AnonymousPages.unmap(1, 4096)); // not page-aligned
        assertEquals("munmap", e.function());
        assertEquals(Linux.EINVAL, e.code());
    }

    @Test
    void aMappingIsZeroedReadWriteAndUnmapsCleanly() {
        long bytes = 4L << 20;
        long address = AnonymousPages.map(bytes);
        try {
            AnonymousPages.adviseHugePages(address, bytes);
            @SuppressWarnings("restricted")
            var s = java.lang.foreign.MemorySegment.ofAddress(address).reinterpret(bytes);
            assertEquals(0L, s.get(ValueLayout.JAVA_LONG, bytes - 8));
            s.set(ValueLayout.JAVA_LONG, 0, 42L);
            assertEquals(42L, s.get(ValueLayout.JAVA_LONG, 0));
        } finally {
            AnonymousPages.unmap(address, bytes);
        }
    }

    @Test
    void anUnsetVariableReadsAsNullAndIsNotScrubbed() {
        String name = "TENSORSEAL_SURELY_UNSET_" + System.nanoTime();
        assertNull(Environment.value(name));
        assertFalse(Environment.scrub(name));
    }

    @Test
    void aVariableOfThisProcessIsReadInPlace() {
        String path = System.getenv("PATH");
        assertTrue(path != null && !path.isEmpty(), "PATH is set for the test JVM");
        assertEquals(path, new String(Environment.value("PATH").toArray(ValueLayout.JAVA_BYTE), java.nio.charset.StandardCharsets.UTF_8));
    }
}
