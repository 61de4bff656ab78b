package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Readers, writers and a rekeyer on one store for a bounded time (system property
 * {@code tensorseal.stress.seconds}, default 10, per engine): no torn view, no lost update, no integrity error
 * on legitimate data, no leaked view or plaintext. ConcurrencyTest covers readers and writers without rekey.
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
        long seconds = Long.getLong("tensorseal.stress.seconds", 10);
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        try (KeySource k0 = StoreFixtures.key(70); KeySource k1 = StoreFixtures.key(71);
             TensorStore store = StoreFixtures.builder(engine, k0).build()) {
            store.put("t", new int[INTS], INTS);
            store.put("counter", new int[1], 1);
            AtomicInteger stamps = new AtomicInteger();
            AtomicLong increments = new AtomicLong();
            AtomicLong reads = new AtomicLong();
            AtomicInteger rekeys = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(6);
            List<Future<?>> jobs = new ArrayList<>();
            try {
                for (int w = 0; w < 2; w++) {
                    jobs.add(pool.submit(() -> {
                        while (System.nanoTime() < deadline) {
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
                        }
                        return null;
                    }));
                }
                for (int r = 0; r < 3; r++) {
                    jobs.add(pool.submit(() -> {
                        int last = 0;
                        while (System.nanoTime() < deadline) {
                            try (TensorView v = store.read("t")) {
                                int s = uniform(v);
                                assertTrue(s >= last, "a reader went back from stamp " + last + " to " + s);
                                last = s;
                            }
                            try (TensorView v = store.read("t", 4096 * 3 + 8, 4096 * 2)) { // a slice over three chunks
                                uniform(v);
                            }
                            reads.incrementAndGet();
                        }
                        return null;
                    }));
                }
                jobs.add(pool.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        store.rekey(rekeys.incrementAndGet() % 2 == 0 ? k0 : k1);
                        if (rekeys.get() % 5 == 0) {
                            store.deepRekey();
                        }
                        Thread.sleep(5);
                    }
                    return null;
                }));
                for (Future<?> f : jobs) {
                    f.get(); // rethrows any torn view, IntegrityException or assertion from a worker
                }
            } finally {
                pool.shutdownNow();
            }
            System.out.println("stress " + engine + " " + seconds + " s: " + stamps.get() + " writes, " + reads.get()
                    + " read pairs, " + rekeys.get() + " rekeys");
            assertTrue(rekeys.get() > 1 && stamps.get() > 1 && reads.get() > 1, "every role ran");
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
