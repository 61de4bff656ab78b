package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ConcurrencyTest {
    static List<String> engines() {
        return StoreFixtures.engines();
    }

    private static final int ELEMENTS = 300_000; // 1.2 MB: above the chunk-parallel threshold

    /** Every element of a committed state holds the same value: a view mixing two commits shows two. */
    private static float uniform(TensorView v) {
        float first = v.getFloat(0);
        for (long i = 1; i < v.byteSize() / 4; i += 97) {
            if (v.getFloat(i) != first) {
                throw new AssertionError("torn view: element " + i + " is " + v.getFloat(i) + ", element 0 is " + first);
            }
        }
        if (v.getFloat(v.byteSize() / 4 - 1) != first) {
            throw new AssertionError("torn view at the last element");
        }
        return first;
    }

    @ParameterizedTest
    @MethodSource("engines")
    void readersNeverSeeTornOrHalfCommittedStatesAndNoUpdateIsLost(String engine) throws Exception {
        try (KeySource key = StoreFixtures.key(50);
             TensorStore store = StoreFixtures.builder(engine, key).parallelism(4).build()) {
            store.put("same", new float[ELEMENTS], ELEMENTS);
            store.put("counter", new int[2], 2);
            store.put("other", new float[ELEMENTS], ELEMENTS);
            AtomicBoolean done = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<?>> futures = new ArrayList<>();
                // one writer re-writes every chunk of 'same' with one value per commit, increasing
                futures.add(pool.submit(() -> {
                    for (int gen = 1; gen <= 25; gen++) {
                        try (WritableView w = store.write("same", Duration.ofSeconds(60))) {
                            float g = gen;
                            for (long i = 0; i < ELEMENTS; i++) {
                                w.setFloat(i, g);
                            }
                            w.commit();
                        }
                    }
                    return null;
                }));
                // writers on another tensor at the same time
                futures.add(pool.submit(() -> {
                    for (int gen = 1; gen <= 10; gen++) {
                        try (WritableView w = store.write("other", Duration.ofSeconds(60))) {
                            w.segment().fill((byte) gen);
                            w.commit();
                        }
                    }
                    return null;
                }));
                // three read-modify-write incrementers: no lost update
                for (int t = 0; t < 2; t++) {
                    futures.add(pool.submit(() -> {
                        for (int k = 0; k < 200; k++) {
                            try (WritableView w = store.write("counter", Duration.ofSeconds(60))) {
                                w.setInt(0, w.getInt(0) + 1);
                                w.commit();
                            }
                        }
                        return null;
                    }));
                }
                // readers: whole and sliced, values never go backwards
                List<Future<Integer>> readers = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    readers.add(pool.submit(() -> {
                        float last = 0;
                        int reads = 0;
                        while (!done.get() || reads < 5) {
                            try (TensorView v = store.read("same")) {
                                float now = uniform(v);
                                assertTrue(now >= last, "went back from " + last + " to " + now);
                                last = now;
                            }
                            try (TensorView v = store.read("same", 4 * 1000, 4 * 200_000)) {
                                assertTrue(uniform(v) >= last);
                            }
                            try (TensorView v = store.read("other")) {
                                byte b = v.getByte(0);
                                assertEquals(-1, v.segment().asByteBuffer().mismatch(v.segment().asByteBuffer())); // sanity
                                for (long i = 0; i < v.byteSize(); i += 4093) {
                                    assertEquals(b, v.getByte(i), "torn view of 'other'");
                                }
                            }
                            reads++;
                        }
                        return reads;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
                done.set(true);
                for (Future<Integer> f : readers) {
                    assertTrue(f.get() >= 5);
                }
            } finally {
                pool.shutdownNow();
            }
            try (TensorView v = store.read("same")) {
                assertEquals(25f, uniform(v));
            }
            try (TensorView v = store.read("counter")) {
                assertEquals(400, v.getInt(0), "lost updates");
            }
            assertEquals(0, store.stats().openViews());
        }
    }
}
