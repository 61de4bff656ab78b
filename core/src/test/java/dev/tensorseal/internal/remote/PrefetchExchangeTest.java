package dev.tensorseal.internal.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A read that is exactly one block of the read-ahead takes the block's buffer instead of a copy of it, and the
 * buffer it gives in exchange is what a later block is fetched into; any other read gets nothing to exchange.
 */
class PrefetchExchangeTest {
    private static final long BLOCK = 4096;

    /** Fills each block with its offset's low byte, recording the buffers it was given. */
    private static Prefetch.Fetcher filling(List<MemorySegment> into) {
        return (offset, dst, what) -> {
            into.add(dst);
            dst.fill((byte) offset);
        };
    }

    /** Count-driven; the deadline is only a hang guard. */
    private static void awaitIssued(List<MemorySegment> fetchedInto, int blocks) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (fetchedInto.size() < blocks) {
            assertTrue(System.nanoTime() < deadline, "block " + blocks + " was never fetched");
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    @Test
    void aReadOfExactlyOneBlockTakesItsBufferAndGivesItsOwnForTheNextBlock() {
        List<MemorySegment> fetchedInto = new CopyOnWriteArrayList<>();
        // Window of one block: the second block is fetched only once the first is taken.
        try (Prefetch p = new Prefetch("m", List.<long[]>of(new long[] {0, 2 * BLOCK, BLOCK}), BLOCK, BLOCK, 1,
                filling(fetchedInto))) {
            awaitIssued(fetchedInto, 1); // a pending block is the reader's to fetch: exchange waits only for one issued
            MemorySegment spare = Arena.ofAuto().allocate(BLOCK, 64);
            MemorySegment first = p.exchange(0, BLOCK, spare);
            assertNotNull(first, "the first block, once fetched");
            assertEquals(fetchedInto.get(0).address(), first.address(), "the block's own buffer, not a copy");
            assertEquals(0, first.get(java.lang.foreign.ValueLayout.JAVA_BYTE, BLOCK - 1));
            awaitIssued(fetchedInto, 2);
            MemorySegment second = p.exchange(BLOCK, 2 * BLOCK, Arena.ofAuto().allocate(BLOCK, 64));
            assertNotNull(second, "the second block");
            assertEquals(spare.address(), fetchedInto.get(1).address(), "fetched into the buffer given in exchange");
            assertEquals((byte) BLOCK, second.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
            assertEquals(2, fetchedInto.size());
        }
    }

    @Test
    void aReadThatIsNotExactlyOneBlockGetsNothingToExchange() {
        List<MemorySegment> fetchedInto = new CopyOnWriteArrayList<>();
        try (Prefetch p = new Prefetch("m", List.<long[]>of(new long[] {0, 2 * BLOCK, BLOCK}), BLOCK, 2 * BLOCK, 1,
                filling(fetchedInto))) {
            awaitIssued(fetchedInto, 2);
            assertNull(p.exchange(0, BLOCK / 2, Arena.ofAuto().allocate(BLOCK, 64)), "part of a block");
            assertNull(p.exchange(0, 2 * BLOCK, Arena.ofAuto().allocate(2 * BLOCK, 64)), "two blocks");
            assertNull(p.exchange(BLOCK, 2 * BLOCK, Arena.ofAuto().allocate(BLOCK / 2, 64)), "a spare too small");
            MemorySegment dst = Arena.ofAuto().allocate(BLOCK);
            assertTrue(p.take(0, dst).isEmpty(), "the first block is still there to copy");
            assertEquals(0, dst.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
        }
    }
}
