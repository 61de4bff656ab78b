package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TensorStoreRoundTripTest {
    static java.util.List<String> engines() {
        return StoreFixtures.engines();
    }

    private static final int[] CHUNKS = {4096, 8192, 65536};

    /** A shape of {@code dtype} whose byte size is near {@code target}: rank 0 to 3, zero-size when target is 0. */
    static long[] shapeFor(DType dtype, int target, int rank) {
        long elements = Math.max(0, target / dtype.elementSizeBytes());
        if (rank == 0) {
            return new long[0];
        }
        long[] s = new long[rank];
        Arrays.fill(s, 1);
        s[rank - 1] = elements;
        return s;
    }

    @ParameterizedTest
    @MethodSource("engines")
    void readReturnsWhatWasPutForAnyDtypeShapeAndChunkSize(String engine) {
        try (KeySource key = StoreFixtures.key(1)) {
            for (int chunk : CHUNKS) {
                try (TensorStore store = StoreFixtures.builder(engine, key).chunkSizeBytes(chunk).build()) {
                    int[] counter = {0};
                    qt().withExamples(60).forAll(integers().between(0, DType.values().length - 1),
                                    integers().between(0, 3), integers().between(-2, 3 * chunk + 9), longs().all())
                            .checkAssert((d, rank, sizeHint, seed) -> {
                                DType dtype = DType.values()[d];
                                int target = sizeHint < 0 ? 0 : sizeHint;
                                long[] shape = shapeFor(dtype, target, rank);
                                long size = TensorInfo.byteSizeOf(dtype, shape);
                                byte[] data = StoreFixtures.randomBytes(new Random(seed), (int) size);
                                String name = "t" + counter[0]++;
                                store.put(name, dtype, shape, data);
                                try (TensorView v = store.read(name)) {
                                    assertArrayEquals(data, v.toByteArray(), name);
                                    assertEquals(new TensorInfo(name, dtype, shape, size), v.info());
                                }
                                Random r = new Random(seed ^ 0x5eed);
                                int off = size == 0 ? 0 : r.nextInt((int) size + 1);
                                int len = r.nextInt((int) size - off + 1);
                                try (TensorView v = store.read(name, off, len)) {
                                    assertArrayEquals(Arrays.copyOfRange(data, off, off + len), v.toByteArray());
                                }
                                store.remove(name);
                            });
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void chunkBoundariesRoundTrip(String engine) {
        int cs = 4096;
        int[] sizes = {0, 1, cs - 1, cs, cs + 1, 3 * cs, 3 * cs + 1, 300 * cs + 7};
        try (KeySource key = StoreFixtures.key(2); TensorStore store = StoreFixtures.builder(engine, key).parallelism(4).build()) {
            Random r = new Random(7);
            for (int size : sizes) {
                byte[] data = StoreFixtures.randomBytes(r, size);
                store.put("u8_" + size, DType.U8, new long[] {size}, data);
                try (TensorView v = store.read("u8_" + size)) {
                    assertArrayEquals(data, v.toByteArray(), "size " + size);
                }
                for (int off : new int[] {0, 1, cs - 1, cs, size / 2}) {
                    if (off > size) {
                        continue;
                    }
                    for (int len : new int[] {0, 1, cs, size - off}) {
                        if (off + len > size) {
                            continue;
                        }
                        try (TensorView v = store.read("u8_" + size, off, len)) {
                            assertArrayEquals(Arrays.copyOfRange(data, off, off + len), v.toByteArray(), size + "@" + off + "+" + len);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void scalarsZeroSizeAndTypedPutsRoundTrip(String engine) {
        try (KeySource key = StoreFixtures.key(3); TensorStore store = StoreFixtures.builder(engine, key).build()) {
            store.put("scalar", new float[] {3.5f});
            store.put("empty", new float[0], 4, 0, 2);
            store.put("d", new double[] {1.25, -2.5}, 2);
            store.put("i", new int[] {1, -2, 3}, 3);
            store.put("l", new long[] {Long.MIN_VALUE, 7}, 2);
            store.put("h", DType.BF16, new long[] {2}, new short[] {(short) 0x3f80, (short) 0xc000});
            ByteBuffer direct = ByteBuffer.allocateDirect(16).order(ByteOrder.LITTLE_ENDIAN);
            direct.putFloat(1f).putFloat(2f).putFloat(3f).putFloat(4f).flip();
            store.put("bb", DType.F32, new long[] {2, 2}, direct);
            assertEquals(0, direct.position(), "caller's buffer position is unchanged");
            assertEquals(1f, direct.getFloat(0), "caller's buffer contents are unchanged");
            try (TensorView v = store.read("scalar")) {
                assertEquals(0, v.info().shape().length);
                assertEquals(3.5f, v.getFloat(0));
            }
            try (TensorView v = store.read("empty")) {
                assertEquals(0, v.byteSize());
                assertEquals(0, v.byteBuffers().size());
                assertEquals(0, v.asByteBuffer().capacity());
            }
            try (TensorView v = store.read("d")) {
                assertEquals(-2.5, v.getDouble(1));
            }
            try (TensorView v = store.read("i")) {
                assertEquals(-2, v.getInt(1));
            }
            try (TensorView v = store.read("l")) {
                assertEquals(Long.MIN_VALUE, v.getLong(0));
            }
            try (TensorView v = store.read("h")) {
                assertEquals((short) 0xc000, v.getShort(1));
            }
            try (TensorView v = store.read("bb", 8, 8)) {
                assertEquals(3f, v.getFloat(0));
                assertEquals(4f, v.asByteBuffer().asFloatBuffer().get(1));
                assertTrue(v.asByteBuffer().isDirect());
                assertTrue(v.segment().isReadOnly(), "read views are read-only");
            }
            assertEquals(java.util.List.of("bb", "d", "empty", "h", "i", "l", "scalar"),
                    store.list().stream().map(TensorInfo::name).toList());
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void badInputIsRejectedClearly(String engine) {
        try (KeySource key = StoreFixtures.key(4); TensorStore store = StoreFixtures.builder(engine, key).build()) {
            store.put("x", new float[4], 4);
            assertThrows(IllegalArgumentException.class, () -> store.put("x", new float[4], 4));
            var wrongSize = assertThrows(IllegalArgumentException.class, () -> store.put("y", new float[3], 4));
            assertTrue(wrongSize.getMessage().contains("16 bytes"), wrongSize.getMessage());
            assertThrows(IllegalArgumentException.class, () -> store.read("nope"));
            assertThrows(IndexOutOfBoundsException.class, () -> store.read("x", 8, 9));
            assertThrows(IndexOutOfBoundsException.class, () -> store.read("x", -1, 1));
            assertThrows(IllegalArgumentException.class, () -> store.put("s", DType.F32, new long[] {1}, new short[2]));
            assertThrows(UnsupportedParameterException.class, () -> TensorStore.builder().chunkSizeBytes(1024));
            assertThrows(UnsupportedParameterException.class, () -> StoreFixtures.builder("nope", key).build());
            assertThrows(IllegalStateException.class, () -> TensorStore.builder().build());
            MemorySegment seg = MemorySegment.ofArray(new byte[16]);
            store.put("m", DType.U8, new long[] {16}, seg);
            assertEquals(2 * (16 + 16), store.stats().sealedBytes(), "two 16-byte tensors, one 16-byte tag each");
        }
    }
}
