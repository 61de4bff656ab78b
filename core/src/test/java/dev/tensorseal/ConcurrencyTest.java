package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.testing.Liveness;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
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

    /**
     * Count-driven: every role (commits of 'same' and 'other', increments of 'counter', reads) runs until every role
     * reached its count, so the reads overlap the commits however slow the machine; a hang guard only, no clock.
     */
    @ParameterizedTest
    @MethodSource("engines")
    void readersNeverSeeTornOrHalfCommittedStatesAndNoUpdateIsLost(String engine) throws Exception {
        try (KeySource key = StoreFixtures.key(50);
             TensorStore store = StoreFixtures.builder(engine, key).parallelism(4).build()) {
            store.put("same", new float[ELEMENTS], ELEMENTS);
            store.put("counter", new int[2], 2);
            store.put("other", new float[ELEMENTS], ELEMENTS);
            Liveness live = Liveness.create();
            // one writer re-writes every chunk of 'same' with one value per commit, increasing
            Liveness.Role same = live.role("commits of 'same'", 25);
            live.start(same, () -> {
                try (WritableView w = store.write("same", Duration.ofSeconds(60))) {
                    float g = same.counted() + 1;
                    for (long i = 0; i < ELEMENTS; i++) {
                        w.setFloat(i, g);
                    }
                    w.commit();
                }
                return true;
            });
            // a writer on another tensor at the same time
            Liveness.Role other = live.role("commits of 'other'", 10);
            live.start(other, () -> {
                try (WritableView w = store.write("other", Duration.ofSeconds(60))) {
                    w.segment().fill((byte) (other.counted() + 1));
                    w.commit();
                }
                return true;
            });
            // two read-modify-write incrementers: no lost update
            Liveness.Role increments = live.role("increments", 400);
            for (int t = 0; t < 2; t++) {
                live.start(increments, () -> {
                    try (WritableView w = store.write("counter", Duration.ofSeconds(60))) {
                        w.setInt(0, w.getInt(0) + 1);
                        w.commit();
                    }
                    return true;
                });
            }
            // readers: whole and sliced, values never go backwards
            Liveness.Role reads = live.role("reads", 10);
            for (int t = 0; t < 2; t++) {
                float[] last = {0};
                live.start(reads, () -> {
                    try (TensorView v = store.read("same")) {
                        float now = uniform(v);
                        assertTrue(now >= last[0], "went back from " + last[0] + " to " + now);
                        last[0] = now;
                    }
                    try (TensorView v = store.read("same", 4 * 1000, 4 * 200_000)) {
                        assertTrue(uniform(v) >= last[0], "a slice went back before " + last[0]);
                    }
                    try (TensorView v = store.read("other")) {
                        byte b = v.getByte(0);
                        byte[] whole = new byte[(int) v.byteSize()];
                        Arrays.fill(whole, b);
                        assertEquals(-1, v.segment().mismatch(MemorySegment.ofArray(whole)), "torn view of 'other'");
                    }
                    return true;
                });
            }
            live.await();
            System.out.println(engine + ": " + same + ", " + other + ", " + increments + ", " + reads);
            try (TensorView v = store.read("same")) {
                assertEquals((float) same.counted(), uniform(v), "the last commit of 'same' is the one kept");
            }
            try (TensorView v = store.read("counter")) {
                assertEquals(increments.counted(), v.getInt(0), "lost updates");
            }
            assertEquals(0, store.stats().openViews());
        }
    }
}
