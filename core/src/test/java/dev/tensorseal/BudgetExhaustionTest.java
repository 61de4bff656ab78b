package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Plaintext budget exhausted on every path that takes plaintext: a CapacityException, and nothing leaked after. */
class BudgetExhaustionTest {
    @Test
    void everyPathThatNeedsPlaintextFailsWithCapacityAndLeaksNothing() {
        try (KeySource key = StoreFixtures.key(80);
             TensorStore store = StoreFixtures.builder("jce", key).plaintextBudgetBytes(64 * 1024).build()) {
            byte[] data = StoreFixtures.randomBytes(new java.util.Random(1), 48 * 1024);
            store.put("a", DType.U8, new long[] {data.length}, data);
            store.put("b", DType.U8, new long[] {data.length}, data);
            try (TensorView held = store.read("a")) {
                assertEquals(48 * 1024, store.stats().plaintextBytesInUse());
                assertThrows(CapacityException.class, () -> store.read("b"));
                assertThrows(CapacityException.class, () -> store.write("b", Duration.ZERO));
                assertThrows(CapacityException.class, () -> store.update("b", 0, java.lang.foreign.MemorySegment.ofArray(data)));
                assertThrows(CapacityException.class, store::deepRekey);
                assertEquals(48 * 1024, store.stats().plaintextBytesInUse(), "failed requests hold nothing");
                assertEquals(1, store.stats().openViews());
                held.getByte(0);
            }
            assertEquals(0, store.stats().plaintextBytesInUse());
            assertEquals(0, store.stats().openViews());
            try (TensorView v = store.read("b")) { // the store is still usable, the data intact
                assertArrayEquals(data, v.toByteArray());
            }
        }
    }
}
