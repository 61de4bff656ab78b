package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.internal.memory.PlaintextMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ViewLifecycleTest {
    /** Hands out blocks that stay readable after close, so the test can see what the store left in them. */
    static final class RecordingMemory implements PlaintextMemory {
        final Arena arena = Arena.ofShared();
        final List<MemorySegment> blocks = new CopyOnWriteArrayList<>();

        @Override
        public Block allocate(long bytes) {
            MemorySegment s = arena.allocate(bytes, 64);
            s.fill((byte) 0x5a); // dirty memory: the store must zero it before use and after
            blocks.add(s);
            return new Block() {
                @Override
                public MemorySegment segment() {
                    return s;
                }

                @Override
                public void close() {}
            };
        }

        boolean allZero() {
            for (MemorySegment s : blocks) {
                if (s.mismatch(MemorySegment.ofArray(new byte[(int) s.byteSize()])) != -1) {
                    return false;
                }
            }
            return true;
        }
    }

    @Test
    void aClosedViewsScratchIsAllZeroAndUsingTheViewThrows() {
        RecordingMemory mem = new RecordingMemory();
        float[] data = new float[5000];
        java.util.Arrays.fill(data, 1.5f);
        try (KeySource key = StoreFixtures.key(20);
             TensorStore store = StoreFixtures.builder("jce", key).plaintextMemory(mem).build()) {
            store.put("t", data, 5000);
            TensorView v = store.read("t");
            TensorView slice = store.read("t", 4000, 100);
            WritableView w = store.write("t");
            w.setFloat(3, 9f);
            assertEquals(1.5f, v.getFloat(4999));
            assertFalse(mem.allZero(), "open views hold plaintext");
            v.close();
            slice.close();
            w.close();
            v.close(); // idempotent
            assertEquals(3, mem.blocks.size());
            assertTrue(mem.allZero(), "every closed view's scratch is zero");
            assertThrows(IllegalStateException.class, v::segment);
            assertThrows(IllegalStateException.class, () -> v.getFloat(0));
            assertThrows(IllegalStateException.class, slice::asByteBuffer);
            assertThrows(IllegalStateException.class, () -> w.setFloat(0, 1f));
            assertEquals(0, store.stats().plaintextBytesInUse());
            assertEquals(0, store.stats().openViews());
        } finally {
            mem.arena.close();
        }
    }

    @Test
    void theBudgetBoundsPlaintextAndStatsCountIt() {
        try (KeySource key = StoreFixtures.key(21);
             TensorStore store = StoreFixtures.builder("jce", key).plaintextBudgetBytes(3 * 4096).build()) {
            store.put("a", new float[2048], 2048); // 8 KiB = 2 chunks
            try (TensorView v = store.read("a")) {
                StoreStats s = store.stats();
                assertEquals(1, s.openViews());
                assertEquals(8192, s.plaintextBytesInUse());
                var e = assertThrows(CapacityException.class, () -> store.read("a"));
                assertTrue(e.getMessage().contains("'a'") && e.getMessage().contains("12288"), e.getMessage());
                assertEquals(1, store.stats().openViews(), "a refused view leaks nothing");
                assertEquals(8192, store.stats().plaintextBytesInUse());
                try (TensorView small = store.read("a", 10, 4)) {
                    assertEquals(8192 + 4, store.stats().plaintextBytesInUse(), "a slice holds only the bytes it asks for");
                    assertEquals(0f, small.getFloat(0));
                }
                assertEquals(0f, v.getFloat(0));
            }
            StoreStats s = store.stats();
            assertEquals(0, s.plaintextBytesInUse());
            assertEquals(8192 + 4, s.peakPlaintextBytes());
            assertEquals(1, s.tensors());
            assertEquals(8192 + 2 * 16, s.sealedBytes());
        }
    }

    @Test
    void closingTheStoreWithOpenViewsZeroesThemAndNamesThem() {
        RecordingMemory mem = new RecordingMemory();
        KeySource key = StoreFixtures.key(22);
        TensorStore store = StoreFixtures.builder("jce", key).plaintextMemory(mem).build();
        store.put("alpha", new float[] {1, 2, 3}, 3);
        store.put("beta", new float[] {4, 5}, 2);
        TensorView a = store.read("alpha");
        WritableView b = store.write("beta");
        var e = assertThrows(IllegalStateException.class, store::close);
        assertTrue(e.getMessage().contains("[alpha, beta]"), e.getMessage());
        assertTrue(mem.allZero());
        assertTrue(a.isClosed() && b.isClosed());
        assertThrows(IllegalStateException.class, a::segment);
        assertThrows(IllegalStateException.class, () -> store.read("alpha"));
        store.close(); // idempotent, no second report
        key.close();
        mem.arena.close();
    }
}
