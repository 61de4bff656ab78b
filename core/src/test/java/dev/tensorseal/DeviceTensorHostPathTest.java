package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.internal.gpu.DeviceBatches;
import dev.tensorseal.internal.store.SealReservation;
import dev.tensorseal.internal.store.SealedStore;
import dev.tensorseal.nativebridge.ChunkBatch;
import dev.tensorseal.nativebridge.HostAesGcm;
import dev.tensorseal.nativebridge.internal.gcm.InsecureNonce;
import dev.tensorseal.testing.Prerequisites;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CPU-side half of the GPU path: the batches {@link GpuSession} builds from a store (chunk
 * layout, per-chunk nonce and AAD, key indices) and the reservations it seals under, run through
 * the host build of the kernel ({@link HostAesGcm}, the same arithmetic and descriptor format as
 * the device) instead of the device. Only the copies to and from the GPU are left out.
 */
class DeviceTensorHostPathTest {
    private static final int CHUNK = 4096;

    static List<String> engines() {
        return StoreFixtures.engines();
    }

    @BeforeAll
    static void hostLibrary() {
        Prerequisites.require(HostAesGcm.availability().isAvailable(), "host kernel library " + HostAesGcm.availability());
    }

    /** Opens tensor {@code name} exactly as {@link GpuSession#upload} does, with the host kernel; {@code tamper} may edit the staged ciphertext. */
    private static byte[] hostUpload(TensorStore store, String name, Consumer<MemorySegment> tamper, int[] statusOut) {
        return store.sealed().withChunkPlan(name, plan -> {
            try (Arena arena = Arena.ofConfined()) {
                DeviceBatches b = DeviceBatches.forOpen(arena, plan);
                MemorySegment keys = HostAesGcm.keyContexts(arena, plan.keys());
                try {
                    MemorySegment in = arena.allocate(Math.max(b.sealedBytes(), 1));
                    DeviceBatches.copySealed(plan, in);
                    tamper.accept(in);
                    MemorySegment out = arena.allocate(Math.max(b.plainBytes(), 1));
                    out.fill((byte) 0x5A); // poisoned: every byte must be written by the kernel
                    int[] status = HostAesGcm.open(keys, b.keyCount(), b.batch(), in, b.aad(), out);
                    System.arraycopy(status, 0, statusOut, 0, Math.min(status.length, statusOut.length));
                    DeviceBatches.checkOpened(name, status);
                    return out.asSlice(0, b.plainBytes()).toArray(ValueLayout.JAVA_BYTE);
                } finally {
                    keys.fill((byte) 0);
                }
            }
        });
    }

    private static byte[] hostUpload(TensorStore store, String name) {
        return hostUpload(store, name, in -> {}, new int[0]);
    }

    private static byte[] storeRead(TensorStore store, String name) {
        try (TensorView v = store.read(name)) {
            return v.segment().toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** Seals {@code plain} with the host kernel under generation {@code generation} of {@code r}, as {@link GpuSession#seal} does on the device. */
    private static MemorySegment[] hostSeal(SealReservation r, long generation, byte[] plain) {
        try (Arena arena = Arena.ofConfined()) {
            DeviceBatches b = DeviceBatches.forSeal(arena, r, generation);
            MemorySegment keys = HostAesGcm.keyContexts(arena, List.of(r.key()));
            try {
                MemorySegment in = arena.allocate(Math.max(plain.length, 1));
                MemorySegment.copy(MemorySegment.ofArray(plain), 0, in, 0, plain.length);
                MemorySegment out = arena.allocate(Math.max(b.sealedBytes(), 1));
                DeviceBatches.checkSealed(r.meta().name(), HostAesGcm.seal(InsecureNonce.permit(), keys, 1, b.batch(), in, b.aad(), out));
                return DeviceBatches.splitSealed(r.meta(), out);
            } finally {
                keys.fill((byte) 0);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void deviceBatchesOpenToExactlyWhatTheStoreReads(String engine) {
        Random rnd = new Random(7);
        try (KeySource key = StoreFixtures.key(70);
             TensorStore first = StoreFixtures.builder(engine, key).build()) {
            first.put("short-last", DType.U8, new long[] {3 * CHUNK + 100}, StoreFixtures.randomBytes(rnd, 3 * CHUNK + 100));
            first.put("one", DType.F32, new long[] {CHUNK / 4}, StoreFixtures.randomBytes(rnd, CHUNK));
            first.put("tiny", DType.U8, new long[] {5}, StoreFixtures.randomBytes(rnd, 5));
            first.put("empty", DType.U8, new long[] {0}, new byte[0]);
            // A second store instance writes under its own epoch key: "short-last" then has two keys.
            try (TensorStore store = StoreFixtures.restore(StoreFixtures.builder(engine, key), StoreFixtures.snapshot(first))) {
                store.update("short-last", CHUNK + 7, MemorySegment.ofArray(new byte[] {1, 2, 3}));
                store.update("short-last", 3 * CHUNK + 99, MemorySegment.ofArray(new byte[] {9}));
                int twoKeys = store.sealed().withChunkPlan("short-last", p -> p.keys().size());
                assertEquals(2, twoKeys, "the mixed-key case is exercised");
                for (String name : List.of("short-last", "one", "tiny", "empty")) {
                    assertArrayEquals(storeRead(store, name), hostUpload(store, name), name);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aTamperedChunkIsAnIntegrityExceptionNamingIt(String engine) {
        Random rnd = new Random(8);
        try (KeySource key = StoreFixtures.key(80);
             TensorStore store = StoreFixtures.builder(engine, key).build()) {
            store.put("w", DType.U8, new long[] {4 * CHUNK}, StoreFixtures.randomBytes(rnd, 4 * CHUNK));
            for (int chunk = 0; chunk < 4; chunk++) {
                long at = DeviceBatches.sealedOffset(new dev.tensorseal.internal.store.TensorMeta(new byte[16],
                        store.info("w").orElseThrow(), CHUNK), chunk) + 17;
                int[] status = new int[4];
                var e = assertThrows(IntegrityException.class, () -> hostUpload(store, "w",
                        in -> in.set(ValueLayout.JAVA_BYTE, at, (byte) (in.get(ValueLayout.JAVA_BYTE, at) ^ 1)), status));
                assertEquals("w", e.tensor().orElseThrow());
                assertEquals(chunk, e.chunk().orElseThrow());
                for (int i = 0; i < 4; i++) {
                    assertEquals(i == chunk ? ChunkBatch.STATUS_TAG_MISMATCH : ChunkBatch.STATUS_OK, status[i], "chunk " + i);
                }
            }
            // The tag itself, in the last chunk.
            int[] status = new int[4];
            long tagAt = 4L * CHUNK + 4 * 16 - 1;
            var e = assertThrows(IntegrityException.class, () -> hostUpload(store, "w",
                    in -> in.set(ValueLayout.JAVA_BYTE, tagAt, (byte) (in.get(ValueLayout.JAVA_BYTE, tagAt) ^ 0x80)), status));
            assertEquals(3, e.chunk().orElseThrow());
        }
    }

    @Test
    void chunksOfOneTensorDoNotOpenInAnotherPosition() {
        Random rnd = new Random(9);
        try (KeySource key = StoreFixtures.key(90);
             TensorStore store = StoreFixtures.builder("jce", key).build()) {
            store.put("w", DType.U8, new long[] {2 * CHUNK}, StoreFixtures.randomBytes(rnd, 2 * CHUNK));
            int[] status = new int[2];
            var e = assertThrows(IntegrityException.class, () -> hostUpload(store, "w", in -> {
                byte[] a = in.asSlice(0, CHUNK + 16).toArray(ValueLayout.JAVA_BYTE);
                MemorySegment.copy(in, CHUNK + 16, in, 0, CHUNK + 16);
                MemorySegment.copy(MemorySegment.ofArray(a), 0, in, CHUNK + 16, CHUNK + 16);
            }, status));
            assertEquals(0, e.chunk().orElseThrow());
            assertEquals(ChunkBatch.STATUS_TAG_MISMATCH, status[0]);
            assertEquals(ChunkBatch.STATUS_TAG_MISMATCH, status[1]);
        }
    }

    private static ByteBuffer pair(byte[] keyId, byte[] nonce) {
        return ByteBuffer.allocate(28).put(keyId).put(nonce).flip();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void hostSealedTensorsCommitAndReadBackWithNoNonceReused(String engine) {
        Random rnd = new Random(10);
        Set<ByteBuffer> seen = ConcurrentHashMap.newKeySet();
        int[] dup = {0};
        int[] total = {0};
        try (KeySource key = StoreFixtures.key(100);
             TensorStore store = StoreFixtures.builder(engine, key).nonceObserver((k, n) -> {
                 synchronized (total) {
                     total[0]++;
                     if (!seen.add(pair(k, n))) {
                         dup[0]++;
                     }
                 }
             }).build()) {
            SealedStore s = store.sealed();
            byte[] a = StoreFixtures.randomBytes(rnd, 2 * CHUNK + 33);
            byte[] b = StoreFixtures.randomBytes(rnd, 2 * CHUNK + 33);

            // A new tensor, sealed twice within one reservation of two generations.
            TensorInfo info = TensorInfo.of("act", DType.U8, 2 * CHUNK + 33);
            try (SealReservation r = s.reserveNew(info, 2)) {
                assertEquals(0, r.firstGeneration());
                long g0 = r.takeGeneration();
                r.commit(g0, hostSeal(r, g0, a));
                assertArrayEquals(a, storeRead(store, "act"));
                assertThrows(WriteConflictException.class, () -> store.write("act"), "the reservation holds the write permit");
                long g1 = r.takeGeneration();
                r.commit(g1, hostSeal(r, g1, b));
                assertThrows(CapacityException.class, r::takeGeneration, "only two generations were reserved");
            }
            assertArrayEquals(b, storeRead(store, "act"));
            assertArrayEquals(b, hostUpload(store, "act"), "and the device path opens what it sealed");

            // The store's own writes continue after the reserved range, under its own epoch key.
            store.update("act", 5, MemorySegment.ofArray(new byte[] {42}));
            b[5] = 42;
            assertArrayEquals(b, storeRead(store, "act"));

            // An existing tensor: CPU writes, a device-style seal, CPU writes again.
            store.put("w", DType.U8, new long[] {3 * CHUNK}, StoreFixtures.randomBytes(rnd, 3 * CHUNK));
            store.update("w", 0, MemorySegment.ofArray(new byte[] {1}));
            store.update("w", CHUNK, MemorySegment.ofArray(new byte[] {2}));
            byte[] c = StoreFixtures.randomBytes(rnd, 3 * CHUNK);
            try (SealReservation r = s.reserveExisting("w", 3, 0)) {
                assertEquals(3, r.firstGeneration(), "after generations 0..2 the store used");
                assertThrows(IllegalArgumentException.class, () -> r.commit(3, hostSeal(r, 3, c)),
                        "a generation not taken cannot be sealed or committed under");
                long g = r.takeGeneration();
                r.commit(g, hostSeal(r, g, c));
            }
            assertArrayEquals(c, storeRead(store, "w"));
            store.update("w", 2 * CHUNK, MemorySegment.ofArray(new byte[] {3}));
            c[2 * CHUNK] = 3;
            assertArrayEquals(c, storeRead(store, "w"));
            assertArrayEquals(c, hostUpload(store, "w"));

            // A persisted copy opens the device-sealed chunks too (the reservation's key is in the key table).
            try (TensorStore again = StoreFixtures.restore(StoreFixtures.builder(engine, key), StoreFixtures.snapshot(store))) {
                assertArrayEquals(b, storeRead(again, "act"));
                assertArrayEquals(c, storeRead(again, "w"));
            }
            assertEquals(0, dup[0], "no (key id, nonce) pair repeats");
            assertTrue(total[0] >= 2 * 3 + 1 + 3 + 3, "host seals and store seals were all observed: " + total[0]);
        }
    }

    @Test
    void anAbandonedReservationCreatesNothingAndStillConsumesItsGenerations() {
        try (KeySource key = StoreFixtures.key(110);
             TensorStore store = StoreFixtures.builder("jce", key).build()) {
            SealedStore s = store.sealed();
            try (SealReservation r = s.reserveNew(TensorInfo.of("x", DType.U8, 10), 1)) {
                r.takeGeneration();
            }
            assertFalse(store.info("x").isPresent());
            store.put("y", DType.U8, new long[] {10}, new byte[10]);
            try (SealReservation r = s.reserveExisting("y", 5, 0)) {
                assertEquals(1, r.firstGeneration());
            }
            try (SealReservation r = s.reserveExisting("y", 1, 0)) {
                assertEquals(6, r.firstGeneration(), "generations of an abandoned reservation are never handed out again");
            }
            assertArrayEquals(new byte[10], storeRead(store, "y"));
        }
    }

    @Test
    void aReservationSurvivesARekeyBeforeItCommits() {
        try (KeySource key = StoreFixtures.key(120);
             KeySource key2 = StoreFixtures.key(121);
             TensorStore store = StoreFixtures.builder("jce", key).build()) {
            byte[] plain = StoreFixtures.randomBytes(new Random(12), CHUNK + 1);
            try (SealReservation r = store.sealed().reserveNew(TensorInfo.of("z", DType.U8, CHUNK + 1), 1)) {
                long g = r.takeGeneration();
                MemorySegment[] sealed = hostSeal(r, g, plain);
                store.rekey(key2);
                r.commit(g, sealed);
            }
            try (TensorStore again = StoreFixtures.restore(StoreFixtures.builder("jce", key2), StoreFixtures.snapshot(store))) {
                assertArrayEquals(plain, storeRead(again, "z"));
            }
        }
    }
}
