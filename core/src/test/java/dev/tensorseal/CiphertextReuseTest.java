package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.internal.store.SealedStore;
import dev.tensorseal.internal.store.StoreBridge;
import dev.tensorseal.internal.store.StoreSnapshot;
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
                SealedStore s = StoreBridge.unwrap(store);
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
            SealedStore s = StoreBridge.unwrap(store);
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
            SealedStore s = StoreBridge.unwrap(store);
            store.put("a", DType.U8, new long[] {BYTES}, data(5));
            try (WritableView w = store.write("a")) {
                w.setByte(0, (byte) 1);
                w.commit();
            }
            store.remove("a");
            assertEquals(0, s.retainedCiphertextBytes(), "chunks of two allocations: neither is given back");
        }
    }

    @Test
    void readersRacingRemoveAndPutOfTheSameSizeSeeWholeTensorsOrNoTensorNeverAnIntegrityError() throws Exception {
        for (String engine : StoreFixtures.engines()) {
            try (KeySource key = StoreFixtures.key(74);
                    TensorStore store = StoreFixtures.builder(engine, key).chunkSizeBytes(64 << 10).build()) {
                int bytes = 2 << 20;
                store.put("t", DType.U8, new long[] {bytes}, filled(bytes, 0));
                java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
                java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
                java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
                java.util.concurrent.atomic.AtomicInteger missing = new java.util.concurrent.atomic.AtomicInteger();
                Runnable reader = () -> {
                    Random r = new Random(Thread.currentThread().threadId());
                    while (!stop.get() && failure.get() == null) {
                        long at = r.nextInt(bytes - 4096);
                        try (TensorView v = r.nextBoolean() ? store.read("t") : store.read("t", at, 4096)) {
                            byte first = v.getByte(0);
                            for (long i = 1; i < v.byteSize(); i++) {
                                if (v.getByte(i) != first) {
                                    throw new AssertionError("torn or wrong tensor: byte " + i + " is " + v.getByte(i) + ", byte 0 " + first);
                                }
                            }
                            reads.incrementAndGet();
                        } catch (IllegalArgumentException e) { // the tensor was removed between lookup and read, or absent
                            missing.incrementAndGet();
                            Thread.yield();
                        } catch (Throwable t) {
                            failure.compareAndSet(null, t);
                        }
                    }
                };
                Thread[] threads = {new Thread(reader), new Thread(reader)};
                for (Thread t : threads) {
                    t.start();
                }
                SealedStore s = StoreBridge.unwrap(store);
                int replaced = 0;
                long deadline = System.nanoTime() + 1_500_000_000L;
                while (System.nanoTime() < deadline && failure.get() == null) {
                    store.remove("t");
                    store.put("t", DType.U8, new long[] {bytes}, filled(bytes, ++replaced));
                }
                stop.set(true);
                for (Thread t : threads) {
                    t.join();
                }
                if (failure.get() != null) {
                    throw new AssertionError(engine + ": " + failure.get(), failure.get());
                }
                assertTrue(replaced > 5 && reads.get() > 5, engine + ": " + replaced + " replacements, " + reads.get() + " reads");
                assertEquals(0, s.retainedCiphertextBytes(), "each put took the memory the remove before it gave back");
                System.out.println(engine + ": " + replaced + " remove+put cycles reusing memory, " + reads.get() + " reads, "
                        + missing.get() + " found the tensor removed");
            }
        }
    }

    private static byte[] filled(int n, int stamp) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) stamp);
        return b;
    }
}
