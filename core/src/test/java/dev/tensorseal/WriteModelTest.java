package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class WriteModelTest {
    static java.util.List<String> engines() {
        return StoreFixtures.engines();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void afterRandomWritesTheTensorEqualsAPlainModel(String engine) {
        try (KeySource key = StoreFixtures.key(10); TensorStore store = StoreFixtures.builder(engine, key).build()) {
            int[] n = {0};
            qt().withExamples(40).forAll(longs().all()).checkAssert(seed -> {
                Random r = new Random(seed);
                int size = 4 * r.nextInt(5 * 1024 + 2);
                byte[] model = StoreFixtures.randomBytes(r, size);
                String name = "w" + n[0]++;
                store.put(name, DType.F32, new long[] {size / 4}, model.clone());
                for (int step = 0; step < 12; step++) {
                    int op = r.nextInt(4);
                    int off = size == 0 ? 0 : r.nextInt(size);
                    int len = r.nextInt(size - off + 1);
                    byte[] patch = StoreFixtures.randomBytes(r, len);
                    switch (op) {
                        case 0 -> { // update helper
                            store.update(name, off, MemorySegment.ofArray(patch));
                            System.arraycopy(patch, 0, model, off, len);
                        }
                        case 1 -> { // whole-tensor writable view, typed setters, commit
                            try (WritableView w = store.write(name)) {
                                ByteBuffer p = ByteBuffer.wrap(patch).order(ByteOrder.LITTLE_ENDIAN);
                                for (int i = 0; i + 4 <= len && (off + i) % 4 == 0; i += 4) {
                                    float f = p.getFloat(i);
                                    w.setFloat((off + i) / 4, f);
                                    ByteBuffer.wrap(model).order(ByteOrder.LITTLE_ENDIAN).putFloat(off + i, f);
                                }
                                w.commit();
                            }
                        }
                        case 2 -> { // sliced writable view through its raw segment
                            try (WritableView w = store.write(name, off, len, Duration.ZERO)) {
                                MemorySegment.copy(MemorySegment.ofArray(patch), 0, w.segment(), 0, len);
                                w.commit();
                            }
                            System.arraycopy(patch, 0, model, off, len);
                        }
                        default -> { // abandoned write: no effect
                            try (WritableView w = store.write(name)) {
                                w.copyFrom(off, MemorySegment.ofArray(patch));
                            }
                        }
                    }
                    if (r.nextInt(4) == 0) {
                        try (TensorView v = store.read(name, off, len)) {
                            assertArrayEquals(java.util.Arrays.copyOfRange(model, off, off + len), v.toByteArray());
                        }
                    }
                }
                try (TensorView v = store.read(name)) {
                    assertArrayEquals(model, v.toByteArray(), name);
                }
                store.remove(name);
            });
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void onlyTouchedChunksAreResealedAndReadersSeeTheCommittedState(String engine) {
        try (KeySource key = StoreFixtures.key(11); TensorStore store = StoreFixtures.builder(engine, key).build()) {
            store.put("t", new float[4096], 4096); // 4 chunks of 4 KiB
            long[] before = StoreFixtures.snapshot(store).tensors().get(0).generations();
            try (WritableView w = store.write("t")) {
                w.setFloat(1500, 2f); // byte 6000: chunk 1
                try (TensorView r = store.read("t")) {
                    assertEquals(0f, r.getFloat(1500), "uncommitted writes are invisible");
                }
                assertEquals(2f, w.getFloat(1500));
                w.commit();
                try (TensorView r = store.read("t")) {
                    assertEquals(2f, r.getFloat(1500));
                }
            }
            long[] after = StoreFixtures.snapshot(store).tensors().get(0).generations();
            assertEquals(before[0], after[0]);
            assertEquals(before[2], after[2]);
            assertEquals(before[3], after[3]);
            assertEquals(true, after[1] > before[1], "the touched chunk got a fresh generation");
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aSecondWriterFailsFastOrWaits(String engine) throws Exception {
        try (KeySource key = StoreFixtures.key(12); TensorStore store = StoreFixtures.builder(engine, key).build()) {
            store.put("t", new float[8], 8);
            WritableView first = store.write("t");
            var e = assertThrows(WriteConflictException.class, () -> store.write("t"));
            assertEquals(true, e.getMessage().contains("'t'"));
            assertThrows(WriteConflictException.class, () -> store.write("t", Duration.ofMillis(20)));
            assertThrows(WriteConflictException.class, () -> store.remove("t"));
            Thread closer = Thread.ofPlatform().start(() -> {
                first.setFloat(0, 1f);
                first.commit();
                first.close(); // closed on another thread than the one that opened it
            });
            try (WritableView second = store.write("t", Duration.ofSeconds(30))) {
                assertEquals(1f, second.getFloat(0), "the waiting writer sees the first writer's commit");
            }
            closer.join();
            assertThrows(IllegalStateException.class, first::commit);
        }
    }
}
