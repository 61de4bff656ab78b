package dev.tensorseal.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.TensorSealException;
import dev.tensorseal.internal.NativeCallException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** Core's large buffers come from the bridge's checked mmap; a failure is a TensorSealException with errno's text. */
class AnonymousMemoryTest {
    @Test
    void aMappingThatCannotBeHadIsANativeCallExceptionNamingMmapAndTheReason() {
        try (Arena arena = Arena.ofShared()) {
            NativeCallException e = assertThrows(NativeCallException.class, () -> AnonymousMemory.allocate(arena, 1L << 62));
            assertTrue(e instanceof TensorSealException);
            assertEquals("cannot map " + (1L << 62) + " bytes: mmap failed: Cannot allocate memory (12)", e.getMessage());
        }
    }

    @Test
    void aLargeBufferIsZeroedPageAlignedAndUnmappedWithItsArena() {
        long bytes = 3L << 20;
        MemorySegment s;
        try (Arena arena = Arena.ofShared()) {
            s = AnonymousMemory.allocate(arena, bytes);
            assertEquals(bytes, s.byteSize());
            assertEquals(0, s.address() % 4096);
            assertEquals(0L, s.get(ValueLayout.JAVA_LONG, bytes - 8));
            s.set(ValueLayout.JAVA_LONG, 0, 7L);
        }
        assertThrows(IllegalStateException.class, () -> s.get(ValueLayout.JAVA_LONG, 0), "the arena closed it");
    }
}
