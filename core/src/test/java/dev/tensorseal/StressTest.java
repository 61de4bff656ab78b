package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.testing.Liveness;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Readers, writers and a rekeyer on one store until every role reached its count (scaled by the system property
 * {@code tensorseal.stress.scale}, default 1; a hang guard only, no clock): no torn view, no lost update, no
 * integrity error on legitimate data, no leaked view or plaintext. ConcurrencyTest covers readers and writers
 * without rekey.
 */
class StressTest {
    static List<String> engines() {
        return StoreFixtures.engines();
    }

    private static final int INTS = 16 * 1024; // 64 KiB over 16 chunks of 4 KiB

    /** Every int of a committed state holds the writer's stamp; returns it. */
    private static int uniform(TensorView v) {
        int first = v.getInt(0);
        for (long i = 1; i < v.byteSize() / 4; i++) {
            if (v.getInt(i) != first) {
                throw new AssertionError("torn view: int " + i + " is " + v.getInt(i) + ", int 0 is " + first);
            }
        }
        return first;
    }

    @ParameterizedTest
    @MethodSource("engines")
    void readersWritersAndRekeyShareOneStoreWithoutTornViewsLostUpdatesOrLeaks(String engine) throws Exception {
        long scale = Long.getLong("tensorseal.stress.scale", 1);
        try (KeySource k0 = StoreFixtures.key(70); KeySource k1 = StoreFixtures.key(71);
             TensorStore store = StoreFixtures.builder(engine, k0).build()) {
            store.put("t", new int[INTS], INTS);
            store.put("counter", new int[1], 1);
            AtomicInteger stamps = new AtomicInteger();
            AtomicLong increments = new AtomicLong();
            Liveness live = Liveness.create();
            Liveness.Role writes = live.role("writes", 250 * scale);
            Liveness.Role reads = live.role("read pairs", 400 * scale);
            Liveness.Role rekeys = live.role("rekeys", 50 * scale);
            for (int w = 0; w < 2; w++) {
                live.start(writes, () -> {
                    try (WritableView v = store.write("t", Duration.ofSeconds(30))) {
                        int stamp = stamps.incrementAndGet(); // under the write lock: commits are in stamp order
                        for (long i = 0; i < INTS; i++) {
                            v.setInt(i, stamp);
                        }
                        v.commit();
                    }
                    try (WritableView c = store.write("counter", Duration.ofSeconds(30))) {
                        c.setInt(0, c.getInt(0) + 1);
                        c.commit();
                    }
                    increments.incrementAndGet();
                    return true;
                });
            }
            for (int r = 0; r < 3; r++) {
                int[] last = {0};
                live.start(reads, () -> {
                    try (TensorView v = store.read("t")) {
                        int s = uniform(v);
                        assertTrue(s >= last[0], "a reader went back from stamp " + last[0] + " to " + s);
                        last[0] = s;
                    }
                    try (TensorView v = store.read("t", 4096 * 3 + 8, 4096 * 2)) { // a slice over three chunks
                        assertTrue(uniform(v) >= last[0], "a slice went back before stamp " + last[0]);
                    }
                    return true;
                });
            }
            int[] round = {0};
            live.start(rekeys, () -> {
                round[0]++;
                store.rekey(round[0] % 2 == 0 ? k0 : k1);
                if (round[0] % 5 == 0) {
                    store.deepRekey();
                }
                return true;
            });
            live.await(); // rethrows any torn view, IntegrityException or assertion from a role
            System.out.println("stress " + engine + ": " + writes + ", " + reads + ", " + rekeys);
            try (TensorView v = store.read("t"); TensorView c = store.read("counter")) {
                assertEquals(stamps.get(), uniform(v), "the last commit is the one kept");
                assertEquals(increments.get(), c.getInt(0), "no increment lost");
            }
            StoreStats stats = store.stats();
            assertEquals(0, stats.openViews(), "leaked views");
            assertEquals(0, stats.plaintextBytesInUse(), "leaked plaintext");
        }
    }
}
