package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tensorseal.internal.crypto.GcmEngine;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sealed file opens with the caller's store settings: every engine reads it, and the budget holds. */
class SealedFileSettingsTest {
    @TempDir
    Path dir;

    @Test
    void everyEngineOpensTheSameFileAndTheBudgetApplies() throws Exception {
        byte[] data = new byte[300_000];
        new Random(7).nextBytes(data);
        Path file = dir.resolve("m.tseal");
        try (KeySource key = StoreFixtures.key(11); TensorStore store = StoreFixtures.builder("jce", key).build()) {
            store.put("w", DType.U8, new long[] {data.length}, data);
            SealedFile.save(store, key, file);
        }
        for (String engine : GcmEngine.names()) {
            try (KeySource key = StoreFixtures.key(11);
                 TensorStore opened = SealedFile.open(file, TensorStore.builder().keySource(key).engine(engine)
                         .plaintextBudgetBytes(200_000))) {
                assertEquals(engine, opened.engine());
                try (TensorView v = opened.read("w", 1000, 150_000)) {
                    assertArrayEquals(java.util.Arrays.copyOfRange(data, 1000, 151_000), v.toByteArray(), engine);
                }
                assertThrows(CapacityException.class, () -> opened.read("w"), engine + ": 300,000 bytes exceed the budget");
            }
        }
    }

    @Test
    void aBudgetOfTheFilesTotalPlaintextHoldsEveryTensorAtOnce() throws Exception {
        Path file = dir.resolve("two.tseal");
        try (KeySource key = StoreFixtures.key(12); TensorStore store = StoreFixtures.builder("jce", key).build()) {
            store.put("a", DType.U8, new long[] {70_000}, new byte[70_000]);
            store.put("b", new float[3000], 3000);
            SealedFile.save(store, key, file);
        }
        long total = SealedFile.totalPlaintextBytes(file);
        assertEquals(70_000 + 3000 * 4, total);
        try (KeySource key = StoreFixtures.key(12);
             TensorStore opened = SealedFile.open(file, TensorStore.builder().keySource(key).plaintextBudgetBytes(total));
             TensorView a = opened.read("a");
             TensorView b = opened.read("b")) {
            assertEquals(total, a.segment().byteSize() + b.segment().byteSize());
            assertEquals(total, opened.stats().plaintextBytesInUse());
            assertThrows(CapacityException.class, () -> opened.read("b", 0, 4), "the budget is exactly the file's plaintext");
        }
    }
}
