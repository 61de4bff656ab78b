package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tensorseal.internal.store.StoreSnapshot;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RekeyTest {
    static List<String> engines() {
        return StoreFixtures.engines();
    }

    private static Set<String> keyIds(StoreSnapshot s) {
        Set<String> ids = new HashSet<>();
        s.keys().forEach(k -> ids.add(Arrays.toString(k.keyId())));
        return ids;
    }

    @ParameterizedTest
    @MethodSource("engines")
    void rekeyKeepsEveryTensorReadableUnderTheNewKeyAndNoneUnderTheOld(String engine) {
        Random r = new Random(60);
        byte[] a = StoreFixtures.randomBytes(r, 50_000);
        byte[] b = StoreFixtures.randomBytes(r, 10);
        try (KeySource oldKey = StoreFixtures.key(61); KeySource newKey = StoreFixtures.key(62);
             TensorStore store = StoreFixtures.builder(engine, oldKey).build()) {
            store.put("a", DType.U8, new long[] {a.length}, a);
            store.put("b", DType.I8, new long[] {b.length}, b);
            store.update("a", 4096 * 3, java.lang.foreign.MemorySegment.ofArray(new byte[] {9}));
            a[4096 * 3] = 9;
            StoreSnapshot before = StoreFixtures.snapshot(store);
            try (TensorView open = store.read("b")) {
                store.rekey(newKey);
                assertArrayEquals(b, open.toByteArray(), "a view open across rekey is unaffected");
            }
            try (TensorView v = store.read("a")) {
                assertArrayEquals(a, v.toByteArray());
            }
            store.update("b", 0, java.lang.foreign.MemorySegment.ofArray(new byte[] {7}));
            b[0] = 7;
            StoreSnapshot after = StoreFixtures.snapshot(store);
            assertEquals(keyIds(before), keyIds(after), "rekey re-wraps; it creates no data keys");
            assertNotEquals(Arrays.toString(before.keys().get(0).wrappedKey()), Arrays.toString(after.keys().get(0).wrappedKey()));
            assertArrayEquals(before.tensors().get(0).generations(), after.tensors().get(0).generations(), "no data re-sealed");
            assertThrows(IntegrityException.class, () -> StoreFixtures.restore(StoreFixtures.builder(engine, oldKey), after));
            try (TensorStore reopened = StoreFixtures.restore(StoreFixtures.builder(engine, newKey), after);
                 TensorView va = reopened.read("a"); TensorView vb = reopened.read("b")) {
                assertArrayEquals(a, va.toByteArray());
                assertArrayEquals(b, vb.toByteArray());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void deepRekeyResealsUnderFreshDataKeys(String engine) {
        Random r = new Random(63);
        byte[] a = StoreFixtures.randomBytes(r, 3 * 1024 * 1024 + 5);
        try (KeySource key = StoreFixtures.key(64); TensorStore store = StoreFixtures.builder(engine, key).parallelism(3).build()) {
            store.put("a", DType.U8, new long[] {a.length}, a);
            store.put("z", new float[0], 0);
            StoreSnapshot before = StoreFixtures.snapshot(store);
            try (TensorView open = store.read("a", 100, 10)) {
                store.deepRekey();
                assertArrayEquals(Arrays.copyOfRange(a, 100, 110), open.toByteArray());
            }
            StoreSnapshot after = StoreFixtures.snapshot(store);
            Set<String> common = keyIds(before);
            common.retainAll(keyIds(after));
            assertEquals(Set.of(), common, "no data key survives a deep rekey");
            long oldMax = Arrays.stream(before.tensors().get(0).generations()).max().orElseThrow();
            long newMin = Arrays.stream(after.tensors().get(0).generations()).min().orElseThrow();
            assertEquals(true, newMin > oldMax, "generations keep growing");
            try (TensorView v = store.read("a")) {
                assertArrayEquals(a, v.toByteArray());
            }
            try (TensorStore reopened = StoreFixtures.restore(StoreFixtures.builder(engine, key), after); TensorView v = reopened.read("a")) {
                assertArrayEquals(a, v.toByteArray());
            }
        }
    }
}
