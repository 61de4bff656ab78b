package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code put} of a segment from the caller's own confined arena, large enough to be sealed chunk-parallel. */
class ConfinedArenaPutTest {
    static Iterable<String> engines() {
        return StoreFixtures.engines();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aLargeSegmentOfTheCallersConfinedArenaIsSealedAndReadsBackEqual(String engine) {
        // 9 MiB + 5 bytes: three staging batches, the last chunk partial; 64 KiB chunks so every batch forks.
        int size = (9 << 20) + 5;
        byte[] expected = StoreFixtures.randomBytes(new Random(7), size);
        try (TensorStore store = StoreFixtures.builder(engine, StoreFixtures.key(1)).chunkSizeBytes(64 << 10).parallelism(4).build();
             Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocateFrom(ValueLayout.JAVA_BYTE, expected);
            store.put("w", DType.U8, new long[] {size}, data);
            assertReadsBack(store, "w", expected);
            assertEquals(0, store.stats().plaintextBytesInUse(), "the staging budget is given back");
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void withoutBudgetForStagingTheSegmentIsSealedOnTheCallingThread(String engine) {
        int size = 3 << 20;
        byte[] expected = StoreFixtures.randomBytes(new Random(8), size);
        try (TensorStore store = StoreFixtures.builder(engine, StoreFixtures.key(2)).chunkSizeBytes(64 << 10).parallelism(4)
                        .plaintextBudgetBytes(size).build();
             Arena arena = Arena.ofConfined()) {
            store.put("other", DType.U8, new long[] {size}, new byte[size]);
            MemorySegment data = arena.allocateFrom(ValueLayout.JAVA_BYTE, expected);
            try (TensorView hold = store.read("other")) { // the whole budget is in use while the put runs
                store.put("w", DType.U8, new long[] {size}, data);
                assertEquals(size, hold.byteSize());
            }
            assertReadsBack(store, "w", expected);
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aSegmentConfinedToAnotherThreadIsRefusedOnTheCallersThread(String engine) throws Exception {
        AtomicReference<MemorySegment> theirs = new AtomicReference<>();
        // The owner thread ends with its arena open: 4 KiB nobody can free, for the length of the test JVM.
        Thread owner = Thread.ofPlatform().start(() -> theirs.set(Arena.ofConfined().allocate(4096)));
        owner.join();
        try (TensorStore store = StoreFixtures.builder(engine, StoreFixtures.key(3)).build()) {
            assertThrows(WrongThreadException.class, () -> store.put("w", DType.U8, new long[] {4096}, theirs.get()));
            assertEquals(java.util.Optional.empty(), store.info("w"), "nothing was stored");
        }
    }

    private static void assertReadsBack(TensorStore store, String name, byte[] expected) {
        try (TensorView v = store.read(name)) {
            assertArrayEquals(expected, v.toByteArray());
        }
    }
}
