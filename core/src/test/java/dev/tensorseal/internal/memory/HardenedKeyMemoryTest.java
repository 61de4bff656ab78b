package dev.tensorseal.internal.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.internal.crypto.SecretBytes;
import dev.tensorseal.nativebridge.MemoryPolicy;
import dev.tensorseal.nativebridge.SecureMemory;
import dev.tensorseal.nativebridge.Smaps;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class HardenedKeyMemoryTest {
    @Test
    void keysCreatedThroughSecretBytesLiveInLockedDontDumpPagesByDefault() throws Exception {
        assertTrue(SecureMemory.system().isAvailable(), SecureMemory.system().status().summary());
        try (SecretBytes key = SecretBytes.random(32, new SecureRandom())) {
            Smaps.Mapping m = Smaps.containing(key.insecureSegment().address()).orElseThrow();
            System.out.println("key mapping: " + m.describe());
            assertTrue(m.vmFlags().contains("lo") && m.vmFlags().contains("dd"), m::describe);
            if (SecureMemory.system().memfdSecretAvailable()) {
                assertTrue(m.path().startsWith("/secretmem"), m::describe);
            }
        }
    }

    @Test
    void releaseZeroesAndUnmapsTheRegion() throws Exception {
        HardenedKeyMemory keys = new HardenedKeyMemory(SecureMemory.create("ffm", MemoryPolicy.BEST_EFFORT));
        MemorySegment s = keys.allocate(32);
        assertNotNull(s);
        assertEquals(0, s.get(ValueLayout.JAVA_LONG, 0));
        s.set(ValueLayout.JAVA_LONG, 0, 0x1234L);
        long address = s.address();
        assertEquals(1, keys.openRegions());
        keys.release(s);
        assertEquals(0, keys.openRegions());
        // Another mapping may reuse the address range, but none of ours is locked there any more.
        assertTrue(Smaps.containing(address).filter(m -> m.vmFlags().contains("lo")).isEmpty(),
                "locked pages unmapped after release");
    }
}
