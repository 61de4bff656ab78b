package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.internal.store.StoreSnapshot;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every tampering class of the issue ends in an IntegrityException naming the tensor and chunk. */
class TamperTest {
    static List<String> engines() {
        return StoreFixtures.engines();
    }

    private static final int CHUNK = 4096;

    /** Two same-shape tensors of 4 chunks each (the last one short), with random contents. */
    private static TensorStore twoTensors(String engine, KeySource key, long seed) {
        TensorStore s = StoreFixtures.builder(engine, key).build();
        Random r = new Random(seed);
        s.put("a", DType.U8, new long[] {3 * CHUNK + 100}, StoreFixtures.randomBytes(r, 3 * CHUNK + 100));
        s.put("b", DType.U8, new long[] {3 * CHUNK + 100}, StoreFixtures.randomBytes(r, 3 * CHUNK + 100));
        return s;
    }

    private static MemorySegment copy(MemorySegment s) {
        MemorySegment c = Arena.ofAuto().allocate(s.byteSize());
        c.copyFrom(s);
        return c;
    }

    private static StoreSnapshot.Tensor withChunk(StoreSnapshot.Tensor t, int index, MemorySegment chunk) {
        MemorySegment[] c = t.chunks();
        c[index] = chunk;
        return new StoreSnapshot.Tensor(t.tensorId(), t.info(), t.chunkSizeBytes(), t.keyIndex(), t.generations(), c);
    }

    private static StoreSnapshot edit(StoreSnapshot s, String tensor, UnaryOperator<StoreSnapshot.Tensor> f) {
        List<StoreSnapshot.Tensor> ts = new ArrayList<>();
        for (StoreSnapshot.Tensor t : s.tensors()) {
            ts.add(t.info().name().equals(tensor) ? f.apply(t) : t);
        }
        return new StoreSnapshot(s.storeId(), s.formatVersion(), s.keys(), ts);
    }

    private static StoreSnapshot.Tensor find(StoreSnapshot s, String name) {
        return s.tensors().stream().filter(t -> t.info().name().equals(name)).findFirst().orElseThrow();
    }

    /** Restores {@code tampered} and expects reading {@code tensor} to fail at {@code chunk} and nowhere else. */
    private static void expectFailure(String engine, KeySource key, StoreSnapshot tampered, String tensor, int chunk) {
        try (TensorStore s = StoreFixtures.restore(StoreFixtures.builder(engine, key), tampered)) {
            IntegrityException e = assertThrows(IntegrityException.class, () -> s.read(tensor).close());
            assertEquals(tensor, e.tensor().orElseThrow(), e.getMessage());
            assertEquals(chunk, e.chunk().orElseThrow(), e.getMessage());
            assertEquals(0, s.stats().openViews(), "no view escapes");
            assertEquals(0, s.stats().plaintextBytesInUse(), "the scratch went back (zeroed)");
            long size = s.info(tensor).orElseThrow().byteSize();
            if (chunk > 0) {
                try (TensorView v = s.read(tensor, 0, (long) chunk * CHUNK)) {
                    assertEquals((long) chunk * CHUNK, v.byteSize(), "chunks before the bad one still open");
                }
            }
            IntegrityException slice = assertThrows(IntegrityException.class,
                    () -> s.read(tensor, (long) chunk * CHUNK, Math.min(CHUNK, size - (long) chunk * CHUNK)).close());
            assertEquals(chunk, slice.chunk().orElseThrow());
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aFlippedBitAnywhereInAChunkIsCaught(String engine) {
        try (KeySource key = StoreFixtures.key(30); TensorStore s = twoTensors(engine, key, 1)) {
            StoreSnapshot snap = StoreFixtures.snapshot(s);
            Random r = new Random(5);
            for (int chunk = 0; chunk < 4; chunk++) {
                MemorySegment c = copy(find(snap, "b").chunks()[chunk]);
                long at = r.nextLong(c.byteSize()); // ciphertext or tag
                c.set(ValueLayout.JAVA_BYTE, at, (byte) (c.get(ValueLayout.JAVA_BYTE, at) ^ (1 << r.nextInt(8))));
                int ci = chunk;
                expectFailure(engine, key, edit(snap, "b", t -> withChunk(t, ci, c)), "b", chunk);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void chunksMovedToAnotherIndexTensorOrStoreAreCaught(String engine) {
        try (KeySource key = StoreFixtures.key(31); TensorStore s = twoTensors(engine, key, 2); TensorStore other = twoTensors(engine, key, 3)) {
            StoreSnapshot snap = StoreFixtures.snapshot(s);
            StoreSnapshot.Tensor a = find(snap, "a");
            // swapped positions within one tensor
            expectFailure(engine, key, edit(snap, "a", t -> withChunk(withChunk(t, 1, a.chunks()[2]), 2, a.chunks()[1])), "a", 1);
            // the same position of another tensor in the same store
            expectFailure(engine, key, edit(snap, "a", t -> withChunk(t, 2, find(snap, "b").chunks()[2])), "a", 2);
            // the same position of the same-named tensor in another store under the same master key
            StoreSnapshot otherSnap = StoreFixtures.snapshot(other);
            expectFailure(engine, key, edit(snap, "a", t -> withChunk(t, 0, find(otherSnap, "a").chunks()[0])), "a", 0);
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void anOlderGenerationReplayedIsCaught(String engine) {
        try (KeySource key = StoreFixtures.key(32); TensorStore s = twoTensors(engine, key, 4)) {
            MemorySegment oldChunk = copy(find(StoreFixtures.snapshot(s), "a").chunks()[1]);
            s.update("a", CHUNK + 5, MemorySegment.ofArray(new byte[] {1, 2, 3}));
            StoreSnapshot now = StoreFixtures.snapshot(s);
            expectFailure(engine, key, edit(now, "a", t -> withChunk(t, 1, oldChunk)), "a", 1);
            // and pinning the old generation in the table while keeping the new key id does not help either
            expectFailure(engine, key, edit(now, "a", t -> {
                long[] g = t.generations();
                g[1] = 0;
                return new StoreSnapshot.Tensor(t.tensorId(), t.info(), t.chunkSizeBytes(), t.keyIndex(), g, t.chunks());
            }), "a", 1);
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void changedMetadataIsCaught(String engine) {
        try (KeySource key = StoreFixtures.key(33); TensorStore s = StoreFixtures.builder(engine, key).build()) {
            s.put("m", new float[6 * 1024], 2, 3 * 1024); // 24 KiB, 6 chunks
            StoreSnapshot snap = StoreFixtures.snapshot(s);
            StoreSnapshot.Tensor m = find(snap, "m");
            List<StoreSnapshot.Tensor> variants = List.of(
                    new StoreSnapshot.Tensor(m.tensorId(), TensorInfo.of("m", DType.F32, 3 * 1024, 2), m.chunkSizeBytes(), m.keyIndex(), m.generations(), m.chunks()),
                    new StoreSnapshot.Tensor(m.tensorId(), TensorInfo.of("m", DType.I32, 2, 3 * 1024), m.chunkSizeBytes(), m.keyIndex(), m.generations(), m.chunks()),
                    new StoreSnapshot.Tensor(new byte[16], m.info(), m.chunkSizeBytes(), m.keyIndex(), m.generations(), m.chunks()));
            for (StoreSnapshot.Tensor v : variants) {
                expectFailure(engine, key, new StoreSnapshot(snap.storeId(), snap.formatVersion(), snap.keys(), List.of(v)), "m", 0);
            }
            StoreSnapshot.Tensor renamed = new StoreSnapshot.Tensor(m.tensorId(), TensorInfo.of("n", DType.F32, 2, 3 * 1024),
                    m.chunkSizeBytes(), m.keyIndex(), m.generations(), m.chunks());
            expectFailure(engine, key, new StoreSnapshot(snap.storeId(), snap.formatVersion(), snap.keys(), List.of(renamed)), "n", 0);
            // a chunk-size change regroups the bytes: the first chunk (now 8 KiB) is refused
            StoreSnapshot.Tensor bigger = new StoreSnapshot.Tensor(m.tensorId(), m.info(), 8192,
                    new int[3], new long[3], new MemorySegment[] {m.chunks()[0], m.chunks()[1], m.chunks()[2]});
            try (TensorStore r = StoreFixtures.restore(StoreFixtures.builder(engine, key),
                    new StoreSnapshot(snap.storeId(), snap.formatVersion(), snap.keys(), List.of(bigger)))) {
                IntegrityException e = assertThrows(IntegrityException.class, () -> r.read("m").close());
                assertEquals(0, e.chunk().orElseThrow());
            }
            try (TensorStore intact = StoreFixtures.restore(StoreFixtures.builder(engine, key), snap); TensorView v = intact.read("m")) {
                assertArrayEquals(new byte[6 * 4096], v.toByteArray(), "the untouched snapshot opens");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aWrongMasterKeyFailsAtOpen(String engine) {
        try (KeySource key = StoreFixtures.key(34); KeySource wrong = StoreFixtures.key(35); TensorStore s = twoTensors(engine, key, 5)) {
            StoreSnapshot snap = StoreFixtures.snapshot(s);
            var e = assertThrows(IntegrityException.class, () -> StoreFixtures.restore(StoreFixtures.builder(engine, wrong), snap));
            assertTrue(e.getMessage().contains("wrong master key"), e.getMessage());
        }
    }
}
