package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.internal.store.SealedStore;
import dev.tensorseal.internal.store.StoreSnapshot;
import dev.tensorseal.testing.Liveness;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A removed tensor's ciphertext memory serves the next put of about its size, and only when nothing else can still
 * read it: not after a snapshot exported its chunks, not after a write replaced some of them.
 */
class CiphertextReuseTest {
    private static final int BYTES = 3 << 20;

    private static byte[] data(long seed) {
        byte[] b = new byte[BYTES];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] read(TensorStore s, String name) {
        try (TensorView v = s.read(name)) {
            return v.toByteArray();
        }
    }

    @Test
    void aRemovedTensorsMemoryIsReusedByTheNextPutOfItsSizeAndReadsBackRight() {
        for (String engine : StoreFixtures.engines()) {
            try (KeySource key = StoreFixtures.key(71); TensorStore store = StoreFixtures.builder(engine, key).build()) {
                SealedStore s = store.sealed();
                store.put("a", DType.U8, new long[] {BYTES}, data(1));
                assertEquals(0, s.retainedCiphertextBytes());
                store.remove("a");
                long kept = s.retainedCiphertextBytes();
                assertTrue(kept >= BYTES, engine + ": the removed tensor's ciphertext memory is kept: " + kept);
                store.put("b", DType.U8, new long[] {BYTES}, data(2));
                assertEquals(0, s.retainedCiphertextBytes(), engine + ": taken by the next put of that size");
                assertArrayEquals(data(2), read(store, "b"), engine);
                assertThrows(IllegalArgumentException.class, () -> store.read("a"));
            }
        }
    }

    @Test
    void aSnapshotsChunksAreNeverReusedSoARestoredStoreStillReadsThem() {
        try (KeySource key = StoreFixtures.key(72); TensorStore store = StoreFixtures.builder("jce", key).build()) {
            SealedStore s = store.sealed();
            store.put("a", DType.U8, new long[] {BYTES}, data(3));
            StoreSnapshot snap = StoreFixtures.snapshot(store);
            store.remove("a");
            assertEquals(0, s.retainedCiphertextBytes(), "exported chunks are not kept for reuse");
            store.put("b", DType.U8, new long[] {BYTES}, data(4)); // fresh memory: the snapshot's chunks stay as they were
            try (TensorStore restored = StoreFixtures.restore(StoreFixtures.builder("jce", key), snap)) {
                assertArrayEquals(data(3), read(restored, "a"));
            }
        }
    }

    @Test
    void aWrittenTensorsMemoryIsNotReused() {
        try (KeySource key = StoreFixtures.key(73); TensorStore store = StoreFixtures.builder("jce", key).build()) {
            SealedStore s = store.sealed();
            store.put("a", DType.U8, new long[] {BYTES}, data(5));
            try (WritableView w = store.write("a")) {
                w.setByte(0, (byte) 1);
                w.commit();
            }
            store.remove("a");
            assertEquals(0, s.retainedCiphertextBytes(), "chunks of two allocations: neither is given back");
        }
    }

    /**
     * Two readers race a writer that removes the tensor and puts another of its size (into the memory the remove gave
     * back). Count-driven: the writer waits after each put until some reader has read the new tensor, so readers keep
     * meeting the reuse however loaded the machine (the tensor is absent from each remove to the next put's end).
     */
    @Test
    void readersRacingRemoveAndPutOfTheSameSizeSeeWholeTensorsOrNoTensorNeverAnIntegrityError() throws Exception {
        for (String engine : StoreFixtures.engines()) {
            try (KeySource key = StoreFixtures.key(74);
                    TensorStore store = StoreFixtures.builder(engine, key).chunkSizeBytes(64 << 10).build()) {
                int bytes = 2 << 20;
                store.put("t", DType.U8, new long[] {bytes}, filled(bytes, 0));
                SealedStore s = store.sealed();
                Liveness live = Liveness.create();
                Liveness.Role reads = live.role("reads", 100);
                Liveness.Role replaced = live.role("remove+put cycles", 50);
                java.util.concurrent.atomic.AtomicInteger missing = new java.util.concurrent.atomic.AtomicInteger();
                for (int r = 0; r < 2; r++) {
                    Random random = new Random(r);
                    live.start(reads, () -> {
                        long at = random.nextInt(bytes - 4096);
                        try (TensorView v = random.nextBoolean() ? store.read("t") : store.read("t", at, 4096)) {
                            byte first = v.getByte(0);
                            for (long i = 1; i < v.byteSize(); i++) {
                                if (v.getByte(i) != first) {
                                    throw new AssertionError(engine + ": torn or wrong tensor: byte " + i + " is "
                                            + v.getByte(i) + ", byte 0 " + first);
                                }
                            }
                            return true;
                        } catch (IllegalArgumentException e) { // removed between lookup and read, or absent
                            missing.incrementAndGet();
                            Thread.yield();
                            return false;
                        }
                    });
                }
                int[] stamp = {0};
                live.start(replaced, () -> {
                    store.remove("t");
                    store.put("t", DType.U8, new long[] {bytes}, filled(bytes, ++stamp[0]));
                    reads.awaitCount(reads.counted() + 1); // let a reader meet this tensor before the next remove
                    return true;
                });
                live.await();
                assertEquals(0, s.retainedCiphertextBytes(), engine + ": each put took the memory the remove before it gave back");
                System.out.println(engine + ": " + replaced + ", " + reads + ", " + missing.get() + " found the tensor removed");
            }
        }
    }

    private static byte[] filled(int n, int stamp) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) stamp);
        return b;
    }
}
