package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** After {@link TensorStore#close()}, every public operation but close itself throws {@link IllegalStateException}. */
class ClosedStoreTest {
    private static Map<String, Consumer<TensorStore>> operations(KeySource other) {
        Map<String, Consumer<TensorStore>> ops = new LinkedHashMap<>();
        ops.put("put(segment)", s -> s.put("n", DType.U8, new long[] {4}, MemorySegment.ofArray(new byte[4])));
        ops.put("put(bytes)", s -> s.put("n", DType.U8, new long[] {4}, new byte[4]));
        ops.put("put(buffer)", s -> s.put("n", DType.U8, new long[] {4}, java.nio.ByteBuffer.allocate(4)));
        ops.put("put(short[])", s -> s.put("n", DType.F16, new long[] {2}, new short[2]));
        ops.put("put(float[])", s -> s.put("n", new float[1], 1));
        ops.put("put(double[])", s -> s.put("n", new double[1], 1));
        ops.put("put(int[])", s -> s.put("n", new int[1], 1));
        ops.put("put(long[])", s -> s.put("n", new long[1], 1));
        ops.put("read", s -> s.read("t"));
        ops.put("read(slice)", s -> s.read("t", 0, 4));
        ops.put("write", s -> s.write("t"));
        ops.put("write(wait)", s -> s.write("t", Duration.ofMillis(1)));
        ops.put("write(slice)", s -> s.write("t", 0, 4, Duration.ZERO));
        ops.put("update(segment)", s -> s.update("t", 0, MemorySegment.ofArray(new byte[4])));
        ops.put("update(float)", s -> s.update("t", 0, 1f));
        ops.put("update(int)", s -> s.update("t", 0, 1));
        ops.put("remove", s -> s.remove("t"));
        ops.put("info", s -> s.info("t"));
        ops.put("list", TensorStore::list);
        ops.put("stats", TensorStore::stats);
        ops.put("rekey", s -> s.rekey(other));
        ops.put("deepRekey", TensorStore::deepRekey);
        ops.put("engine", TensorStore::engine);
        return ops;
    }

    @TestFactory
    Iterable<DynamicTest> everyOperationOnAClosedStoreThrowsIllegalState() {
        KeySource other = KeySource.bytes(StoreFixtures.keyBytes(2));
        return operations(other).entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            TensorStore store = TensorStore.builder().keySource(KeySource.bytes(StoreFixtures.keyBytes(1))).build();
            store.put("t", new float[] {1, 2, 3, 4}, 4);
            store.close();
            IllegalStateException ex = assertThrows(IllegalStateException.class, () -> e.getValue().accept(store));
            assertEquals("the store is closed", ex.getMessage());
            store.close(); // still idempotent
        })).toList();
    }
}
