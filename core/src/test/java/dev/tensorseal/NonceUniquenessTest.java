package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.internal.store.StoreSnapshot;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class NonceUniquenessTest {
    static List<String> engines() {
        return StoreFixtures.engines();
    }

    /** (key id, nonce) as one 28-byte value. */
    private static ByteBuffer pair(byte[] keyId, byte[] nonce) {
        return ByteBuffer.allocate(28).put(keyId).put(nonce).flip();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void noKeyAndNoncePairRepeatsOver100000RandomWrites(String engine) {
        Set<ByteBuffer> seen = ConcurrentHashMap.newKeySet();
        int[] dup = {0};
        int[] total = {0};
        try (KeySource key = StoreFixtures.key(40);
             TensorStore store = StoreFixtures.builder(engine, key).parallelism(1)
                     .nonceObserver((k, n) -> {
                         synchronized (total) {
                             total[0]++;
                         }
                         if (!seen.add(pair(k, n))) {
                             dup[0]++;
                         }
                     }).build()) {
            Random r = new Random(41);
            String[] names = {"a", "b", "c"};
            for (String n : names) {
                store.put(n, DType.U8, new long[] {8 * 4096 + 3}, new byte[8 * 4096 + 3]);
            }
            byte[] one = new byte[1];
            for (int i = 0; i < 100_000; i++) {
                String n = names[r.nextInt(names.length)];
                one[0] = (byte) i;
                if (i % 1000 == 999) {
                    try (WritableView w = store.write(n)) { // a multi-chunk commit now and then
                        w.setByte(r.nextInt(8 * 4096 + 3), (byte) 1);
                        w.setByte(r.nextInt(8 * 4096 + 3), (byte) 2);
                        w.commit();
                    }
                } else {
                    store.update(n, r.nextInt(8 * 4096 + 3), MemorySegment.ofArray(one));
                }
            }
            if (engine.equals("jce")) {
                store.deepRekey(); // re-seals everything under fresh keys: still no repeats
            }
        }
        assertEquals(0, dup[0], "repeated (key, nonce) pairs");
        assertTrue(total[0] >= 100_000 + 3 * 9, "observed " + total[0]);
        assertEquals(total[0], seen.size());
    }

    @ParameterizedTest
    @MethodSource("engines")
    void twoStoresOpenedFromTheSameStateNeverShareAKeyAndNonce(String engine) {
        try (KeySource key = StoreFixtures.key(42); TensorStore origin = StoreFixtures.builder(engine, key).build()) {
            origin.put("t", new float[3000], 3000);
            origin.update("t", 5, 1f, 2f);
            StoreSnapshot state = StoreFixtures.snapshot(origin);
            Set<ByteBuffer> first = new HashSet<>();
            Set<ByteBuffer> second = new HashSet<>();
            try (TensorStore p = StoreFixtures.restore(StoreFixtures.builder(engine, key).nonceObserver((k, n) -> first.add(pair(k, n))), state);
                 TensorStore q = StoreFixtures.restore(StoreFixtures.builder(engine, key).nonceObserver((k, n) -> second.add(pair(k, n))), state)) {
                for (int i = 0; i < 50; i++) { // the same writes in both: same chunks, same generations
                    p.update("t", i * 37 % 3000, (float) i);
                    q.update("t", i * 37 % 3000, (float) i);
                }
                try (TensorView a = p.read("t"); TensorView b = q.read("t")) {
                    assertEquals(a.getFloat(37), b.getFloat(37));
                }
            }
            assertEquals(50, first.size());
            assertEquals(50, second.size());
            first.retainAll(second);
            assertEquals(Set.of(), first, "shared (key, nonce) pairs between the two stores");
        }
    }

    @Test
    void generationExhaustionIsReportedNotWrapped() {
        try (KeySource key = StoreFixtures.key(43); TensorStore origin = StoreFixtures.builder("jce", key).build()) {
            origin.put("t", new float[10], 10);
            StoreSnapshot s = StoreFixtures.snapshot(origin);
            StoreSnapshot.Tensor t = s.tensors().get(0);
            // a table whose generation is the last usable one: it cannot be sealed again
            StoreSnapshot.Tensor high = new StoreSnapshot.Tensor(t.tensorId(), t.info(), t.chunkSizeBytes(), t.keyIndex(),
                    new long[] {Long.MAX_VALUE - 1}, t.chunks());
            try (TensorStore r = StoreFixtures.restore(StoreFixtures.builder("jce", key),
                    new StoreSnapshot(s.storeId(), s.formatVersion(), s.keys(), List.of(high)))) {
                var e = assertThrows(CapacityException.class, () -> r.update("t", 0, 1f));
                assertTrue(e.getMessage().contains("generations"), e.getMessage());
                assertEquals(0, r.stats().openViews(), "the refused writer holds nothing");
                assertThrows(IntegrityException.class, () -> r.read("t").close(), "the forged generation does not authenticate");
            }
            StoreSnapshot.Tensor beyond = new StoreSnapshot.Tensor(t.tensorId(), t.info(), t.chunkSizeBytes(), t.keyIndex(),
                    new long[] {Long.MAX_VALUE}, t.chunks());
            assertThrows(IntegrityException.class, () -> StoreFixtures.restore(StoreFixtures.builder("jce", key),
                    new StoreSnapshot(s.storeId(), s.formatVersion(), s.keys(), List.of(beyond))));
        }
    }
}
