package dev.tensorseal.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.ReadAhead;
import dev.tensorseal.RemoteOptions;
import dev.tensorseal.TensorSealException;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import dev.tensorseal.UnsupportedParameterException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole-model load with {@link ReadAhead}: range requests run ahead across tensor boundaries within the window,
 * every byte is fetched once, and faults and cancellation behave as for plain reads.
 */
class ReadAheadTest {
    private static final int HANG_GUARD_SECONDS = 60;
    private static final long REQUEST_BYTES = 256 << 10;

    @TempDir
    Path dir;

    private ServedModel served;

    @BeforeEach
    void serve() throws Exception {
        served = ServedModel.http(91, 7, dir);
    }

    @AfterEach
    void stop() throws Exception {
        served.close();
    }

    private static RemoteOptions.Builder options() {
        return RemoteOptions.builder().concurrency(4).requestBytes(REQUEST_BYTES).maxAttempts(3)
                .backoff(java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(10));
    }

    private long[] union(List<RangeServer.Served> ranges) {
        return new long[] {ranges.stream().mapToLong(RangeServer.Served::from).min().orElse(0),
            ranges.stream().mapToLong(RangeServer.Served::to).max().orElse(0)};
    }

    @Test
    void aWholeLoadReadsEveryTensorExactlyAndFetchesEachByteOnce() {
        try (TensorStore store = served.open(served.uri(), options().build())) {
            served.server.clearServed(); // before the read-ahead starts: its first request may be served at once
            readEveryTensorOnce(store);
        }
    }

    private void readEveryTensorOnce(TensorStore store) {
        try (ReadAhead ahead = ReadAhead.all(store)) {
            assertEquals(List.of("big", "mid", "small"), ahead.order(), "the order the chunks lie in the file");
            for (String name : ahead.order()) {
                try (TensorView v = store.read(name)) {
                    assertArrayEquals(served.model.plaintext().get(name), v.toByteArray(), name);
                }
            }
            List<RangeServer.Served> ranges = served.server.served().stream()
                    .sorted(Comparator.comparingLong(RangeServer.Served::from)).toList();
            long at = served.model.extent("big")[0];
            for (RangeServer.Served s : ranges) {
                assertTrue(s.from() >= at, "no byte fetched twice: " + ranges);
                assertTrue(s.to() - s.from() <= REQUEST_BYTES, "no request larger than asked: " + s);
                at = s.to();
            }
            long fetched = ranges.stream().mapToLong(s -> s.to() - s.from()).sum();
            long needed = 0;
            for (String name : ahead.order()) {
                long[] e = served.model.extent(name);
                needed += e[1] - e[0];
            }
            assertEquals(needed, fetched, "every chunk fetched, nothing else: " + ranges);
        }
    }

    /**
     * The requests of a whole "big" (24 chunks of 64 KiB + tag) with read-ahead: its blocks are runs of whole
     * chunks from its first, as its lanes read them (3 chunks: the most a 256 KiB request holds), so each lane's
     * read takes exactly one block, fetched ahead or by the lane itself. Blocks of exactly 256 KiB straddled the
     * lanes' runs: reads waited for two blocks, copied parts of each, and fetched the rest themselves.
     */
    @Test
    void aWholeTensorIsFetchedInRunsOfWholeChunksThatEachReadTakesWhole() {
        long[] big = served.model.extent("big");
        long run = 3 * stride("big");
        List<long[]> expected = new java.util.ArrayList<>();
        for (long at = big[0]; at < big[1]; at += run) {
            expected.add(new long[] {at, Math.min(big[1], at + run)});
        }
        try (TensorStore store = served.open(served.uri(), options().build())) {
            served.server.clearServed();
            try (ReadAhead ahead = ReadAhead.of(store, List.of("big"), 4L << 20); TensorView v = store.read("big")) {
                assertArrayEquals(served.model.plaintext().get("big"), v.toByteArray());
            }
            List<long[]> ranges = served.server.served().stream().sorted(Comparator.comparingLong(RangeServer.Served::from))
                    .map(s -> new long[] {s.from(), s.to()}).toList();
            assertEquals(expected.stream().map(java.util.Arrays::toString).toList(),
                    ranges.stream().map(java.util.Arrays::toString).toList(), "one request per run of 3 whole chunks");
        }
    }

    private long stride(String tensor) {
        return served.model.header().tensors().stream().filter(t -> t.info().name().equals(tensor)).findFirst()
                .orElseThrow().strideBytes();
    }

    @Test
    void theNextTensorIsFetchedBeforeItIsReadAndThenNotAgain() throws Exception {
        long[] mid = served.model.extent("mid");
        try (TensorStore store = served.open(served.uri(), options().build());
                ReadAhead ahead = ReadAhead.of(store, List.of("big", "mid"), 4L << 20)) {
            try (TensorView v = store.read("big")) {
                assertArrayEquals(served.model.plaintext().get("big"), v.toByteArray());
            }
            // Count-driven: "mid" (200 KiB: 4 chunks, one request each, spread over the 4 in flight) is fetched
            // whole without being read; the deadline is a hang guard.
            assertTrue(FaultProxy.await(() -> served.server.served().stream().filter(s -> s.from() >= mid[0] && s.to() <= mid[1])
                    .mapToLong(s -> s.to() - s.from()).sum() == mid[1] - mid[0], HANG_GUARD_SECONDS),
                    "the read-ahead fetched the next tensor: " + served.server.served());
            served.server.clearServed();
            try (TensorView v = store.read("mid")) {
                assertArrayEquals(served.model.plaintext().get("mid"), v.toByteArray());
            }
            assertEquals(List.of(), served.server.served(), "reading it took what was fetched ahead");
        }
    }

    @Test
    void theWindowBoundsWhatIsFetchedAheadOfTheReads() throws Exception {
        long window = 1L << 20;
        try (TensorStore store = served.open(served.uri(), options().build())) {
            served.server.clearServed(); // before the read-ahead starts: its first request may be served at once
            windowBounds(store, window);
        }
    }

    private void windowBounds(TensorStore store, long window) throws Exception {
        long block = 3 * stride("big"); // "big"'s blocks: 3 whole chunks, the most a request holds; 8 of them
        long filled = window / block * block;
        try (ReadAhead ahead = ReadAhead.of(store, List.of("big", "mid", "small"), window)) {
            assertTrue(FaultProxy.await(() -> fetched() >= filled, HANG_GUARD_SECONDS), "the read-ahead fills its window");
            // Reading "small" directly (it is past the window) is a fence: the read-ahead had its chance to overrun.
            try (TensorView v = store.read("small")) {
                assertArrayEquals(served.model.plaintext().get("small"), v.toByteArray());
            }
            long small = served.model.extent("small")[1] - served.model.extent("small")[0];
            assertEquals(filled + small, fetched(), "the window's worth of blocks ahead, then only what was read: "
                    + served.server.served());
            for (String name : ahead.order()) { // reading on frees the window: the rest arrives, the load completes
                try (TensorView v = store.read(name)) {
                    assertArrayEquals(served.model.plaintext().get(name), v.toByteArray(), name);
                }
            }
        }
    }

    private long fetched() {
        return served.server.served().stream().mapToLong(s -> s.to() - s.from()).sum();
    }

    @Test
    void aByteFlippedInABlockFetchedAheadIsAnIntegrityFailure() throws Exception {
        FaultProxy proxy = served.proxy();
        try (TensorStore store = served.open(served.proxied(), options().build())) {
            proxy.inject(FaultProxy.Fault.CORRUPT, 1); // the first block read ahead: the start of "big"
            try (ReadAhead ahead = ReadAhead.all(store)) {
                IntegrityException e = assertThrows(IntegrityException.class, () -> store.read("big").close());
                assertEquals("big", e.tensor().orElseThrow());
                try (TensorView v = store.read("mid")) { // the rest of the load is unaffected
                    assertArrayEquals(served.model.plaintext().get("mid"), v.toByteArray());
                }
            }
        }
    }

    @Test
    void aPersistentFaultFailsTheLoadClearlyAndClosingTheStoreEndsIt() throws Exception {
        FaultProxy proxy = served.proxy();
        TensorStore store = served.open(served.proxied(), options().build());
        proxy.always(FaultProxy.Fault.RESET);
        try (ReadAhead ahead = ReadAhead.all(store)) {
            TensorSealException e = assertThrows(TensorSealException.class, () -> store.read("big").close());
            assertFalse(e instanceof IntegrityException, e.toString());
            assertTrue(e.getMessage().contains("failed after 3 attempts"), e.getMessage());
            proxy.always(FaultProxy.Fault.STALL);
            store.close(); // with requests of the read-ahead stalled: the close cancels them and returns
        }
        assertTrue(FaultProxy.await(() -> proxy.closedByClient() >= proxy.stalled(), HANG_GUARD_SECONDS),
                "every stalled request hung up: " + proxy.closedByClient() + " of " + proxy.stalled());
    }

    @Test
    void theWindowIsCheckedWhereItIsGiven() {
        try (TensorStore store = served.open(served.uri(), options().build())) {
            UnsupportedParameterException e = assertThrows(UnsupportedParameterException.class,
                    () -> ReadAhead.of(store, List.of("big"), 1000));
            assertTrue(e.getMessage().contains("read-ahead window 1000 bytes is outside"), e.getMessage());
        }
    }
}
