package dev.tensorseal.internal.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.internal.NativeCallException;
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
    void strictKeyMemoryThatCannotLockFailsWithCoresNativeCallException() {
        HardenedKeyMemory keys = new HardenedKeyMemory(SecureMemory.create("ffm", MemoryPolicy.STRICT, 0));
        NativeCallException e = assertThrows(NativeCallException.class, () -> keys.allocate(32));
        assertTrue(e.getMessage().contains("strict memory policy") && e.getMessage().contains("lock budget"), e.getMessage());
        assertEquals(0, keys.openRegions());
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

    @Test
    void smallSecretsShareASlabEachScopedToItselfAndTheSlabGoesWithTheLast() throws Exception {
        SecureMemory bridge = SecureMemory.create("ffm", MemoryPolicy.BEST_EFFORT);
        HardenedKeyMemory keys = new HardenedKeyMemory(bridge);
        java.util.List<MemorySegment> held = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            MemorySegment s = keys.allocate(32);
            assertEquals(32, s.byteSize());
            assertEquals(0, s.address() % 64, "slots are 64-byte aligned");
            assertEquals(0, s.get(ValueLayout.JAVA_LONG, 0), "a fresh slot reads zeros");
            s.set(ValueLayout.JAVA_LONG, 0, 0x5a5a_0000L + i);
            held.add(s);
        }
        assertEquals(1, keys.openRegions(), "100 keys of 32 bytes share one slab");
        assertEquals(100, held.stream().map(MemorySegment::address).distinct().count());
        Smaps.Mapping m = Smaps.containing(held.getFirst().address()).orElseThrow();
        assertTrue(m.vmFlags().contains("lo") && m.vmFlags().contains("dd"), m::describe);
        MemorySegment context = keys.allocate(704); // a vaes key context: its own slot class, its own slab
        assertEquals(2, keys.openRegions());
        MemorySegment kept = held.get(7);
        long address = kept.address();
        keys.release(kept);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> kept.get(ValueLayout.JAVA_LONG, 0),
                "a released secret's segment is dead before its slot is reused");
        MemorySegment next = keys.allocate(20);
        assertEquals(address, next.address(), "the freed slot is reused");
        assertEquals(0, next.get(ValueLayout.JAVA_LONG, 0), "zeroed at release");
        for (int i = 0; i < held.size(); i++) {
            if (i != 7) {
                assertEquals(0x5a5a_0000L + i, held.get(i).get(ValueLayout.JAVA_LONG, 0), "neighbours untouched");
                keys.release(held.get(i));
            }
        }
        keys.release(next);
        keys.release(context);
        assertEquals(0, keys.openRegions());
        assertTrue(Smaps.containing(address).filter(x -> x.vmFlags().contains("lo")).isEmpty(), "slab unmapped with its last key");
        MemorySegment big = keys.allocate(4096); // over the slot limit: a region of its own
        assertEquals(1, keys.openRegions());
        keys.release(big);
        assertEquals(0, keys.openRegions());
    }

    @Test
    void slotClassesArePowersOfTwoFrom64Bytes() {
        assertEquals(0, HardenedKeyMemory.slotClass(1));
        assertEquals(0, HardenedKeyMemory.slotClass(64));
        assertEquals(1, HardenedKeyMemory.slotClass(65));
        assertEquals(4, HardenedKeyMemory.slotClass(704));
        assertEquals(4, HardenedKeyMemory.slotClass(HardenedKeyMemory.MAX_SLOT_BYTES));
    }
}
