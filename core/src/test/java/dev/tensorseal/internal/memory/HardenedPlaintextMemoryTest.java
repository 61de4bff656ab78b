package dev.tensorseal.internal.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.nativebridge.MemoryPolicy;
import dev.tensorseal.nativebridge.SecureMemory;
import dev.tensorseal.nativebridge.Smaps;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Recycled small view regions: reuse, epoch invalidation, zeros for a kept segment, bounded idle memory. */
class HardenedPlaintextMemoryTest {
    private static SecureMemory bridge() {
        SecureMemory m = SecureMemory.create("ffm", MemoryPolicy.BEST_EFFORT);
        assertTrue(m.isAvailable(), () -> "the native bridge must be available in tests: " + m.status().summary());
        return m;
    }

    /** What PlaintextPool.give does: zero, then close. */
    private static void give(PlaintextMemory.Block b) {
        b.segment().fill((byte) 0);
        b.close();
    }

    @Test
    void aKeptSegmentReadsZerosThenThrowsAndNeverSeesTheNextViewsPlaintext() {
        SecureMemory bridge = bridge();
        HardenedPlaintextMemory mem = new HardenedPlaintextMemory(bridge);
        PlaintextMemory.Block first = mem.allocate(65536);
        MemorySegment kept = first.segment();
        kept.fill((byte) 0x5a);
        give(first);
        assertEquals(0, kept.get(ValueLayout.JAVA_BYTE, 100), "a closed view's kept segment reads zeros");
        Set<Long> addresses = new HashSet<>();
        // Fill the rest of the epoch and close it: its arena closes, and its regions are recycled.
        for (int i = 1; i < HardenedPlaintextMemory.VIEWS_PER_EPOCH; i++) {
            give(mem.allocate(65536));
        }
        assertThrows(IllegalStateException.class, () -> kept.get(ValueLayout.JAVA_BYTE, 100),
                "once the epoch ended, the kept segment is invalid");
        List<PlaintextMemory.Block> next = new ArrayList<>();
        for (int i = 0; i < HardenedPlaintextMemory.VIEWS_PER_EPOCH; i++) {
            PlaintextMemory.Block b = mem.allocate(65536);
            b.segment().fill((byte) 0x33); // another view's plaintext, possibly in the first view's region
            addresses.add(b.segment().address());
            next.add(b);
        }
        assertTrue(addresses.contains(kept.address()), "the first view's region was recycled");
        assertThrows(IllegalStateException.class, () -> kept.get(ValueLayout.JAVA_BYTE, 100));
        next.forEach(HardenedPlaintextMemoryTest::give);
        assertTrue(bridge.status().lockedBytes() <= HardenedPlaintextMemory.MAX_IDLE_BYTES + 2 * HardenedPlaintextMemory.EPOCH_BYTES,
                "idle locked memory is bounded: " + bridge.status().lockedBytes());
    }

    @Test
    void bytesWrittenThroughAKeptSegmentBeforeItsEpochEndsAreGoneWhenTheRegionIsReused() {
        HardenedPlaintextMemory mem = new HardenedPlaintextMemory(bridge());
        PlaintextMemory.Block first = mem.allocate(100); // a 4 KiB region, the view at its end
        MemorySegment kept = first.segment();
        give(first);
        kept.fill((byte) 0x77); // a writer that kept its segment past close, before the epoch ended
        for (int i = 1; i < HardenedPlaintextMemory.VIEWS_PER_EPOCH; i++) {
            give(mem.allocate(100));
        }
        boolean reused = false;
        List<PlaintextMemory.Block> next = new ArrayList<>();
        for (int i = 0; i < HardenedPlaintextMemory.VIEWS_PER_EPOCH; i++) {
            PlaintextMemory.Block b = mem.allocate(4096); // the whole region
            reused |= b.segment().address() + 4096 == kept.address() + 100 + (64 - 100 % 64) % 64;
            for (long at = 0; at < 4096; at++) {
                assertEquals(0, b.segment().get(ValueLayout.JAVA_BYTE, at), "byte " + at + " of a reused region");
            }
            next.add(b);
        }
        assertTrue(reused, "the kept segment's region came back");
        next.forEach(HardenedPlaintextMemoryTest::give);
    }

    @Test
    void recycledBlocksStayGuardedDontDumpAndRightAligned() throws Exception {
        HardenedPlaintextMemory mem = new HardenedPlaintextMemory(bridge());
        for (long size : new long[] {1, 4096, 5000, 65536, 400_000, HardenedPlaintextMemory.MAX_RECYCLED_BYTES}) {
            PlaintextMemory.Block b = mem.allocate(size);
            MemorySegment s = b.segment();
            assertEquals(size, s.byteSize());
            Smaps.Mapping mapping = Smaps.containing(s.address()).orElseThrow();
            assertTrue(mapping.vmFlags().contains("dd"), () -> "no MADV_DONTDUMP: " + mapping.describe());
            assertTrue(mapping.end() - (s.address() + size) < 64, () -> size + ": not right-aligned to the guard page");
            assertTrue(Smaps.containing(mapping.end()).orElseThrow().isNoAccess(), "guard page after the block");
            give(b);
        }
    }

    @Test
    void aLargeViewsRegionIsRetainedForTheNextViewOfItsSizeAndAKeptSegmentThrowsAtOnce() throws Exception {
        SecureMemory bridge = bridge();
        ManualClock clock = new ManualClock();
        HardenedPlaintextMemory mem = new HardenedPlaintextMemory(bridge, 64L << 20, clock);
        long size = 4L << 20;
        PlaintextMemory.Block first = mem.allocate(size);
        MemorySegment kept = first.segment();
        kept.fill((byte) 0x5a);
        long end = kept.address() + size;
        give(first);
        assertThrows(IllegalStateException.class, () -> kept.get(ValueLayout.JAVA_BYTE, 0),
                "a large block's own arena closes with it: a kept segment is dead before the region is reused");
        assertEquals(size, mem.retainedBytes());
        long regions = bridge.status().openRegions();
        PlaintextMemory.Block second = mem.allocate(size - 1000); // within 1/8: the same region, right-aligned again
        MemorySegment s = second.segment();
        assertEquals(size - 1000, s.byteSize());
        assertTrue(end - (s.address() + s.byteSize()) < 64, "reused region, right-aligned to its guard page");
        assertEquals(0, mem.retainedBytes());
        assertEquals(regions, bridge.status().openRegions(), "no new region was mapped");
        Smaps.Mapping mapping = Smaps.containing(s.address()).orElseThrow();
        assertTrue(mapping.vmFlags().contains("dd"), () -> "no MADV_DONTDUMP: " + mapping.describe());
        assertTrue(Smaps.containing(mapping.end()).orElseThrow().isNoAccess(), "guard page after the block");
        s.fill((byte) 0x33);
        PlaintextMemory.Block small = mem.allocate(2L << 20); // over 1/8 smaller than any retained region: its own
        assertTrue(small.segment().address() + small.segment().byteSize() != end);
        give(second);
        give(small);
        assertEquals(size + (2L << 20), mem.retainedBytes());
        clock.advance(HardenedPlaintextMemory.RETAIN_IDLE_NANOS - 1);
        assertEquals(2, mem.trimIdle(clock.nanoTime()), "not idle long enough yet");
        assertEquals(size + (2L << 20), mem.retainedBytes());
        clock.advance(1); // the trim task scheduled at the first retain is due now
        assertEquals(0, mem.retainedBytes(), "the scheduled trim released both");
        assertEquals(regions - 1, bridge.status().openRegions(), "both idle regions were unmapped");
    }

    @Test
    void eachRetainedRegionIsUnmappedOnceItSatIdleForTheIdleTimeByTheScheduledTrim() {
        SecureMemory bridge = bridge();
        ManualClock clock = new ManualClock();
        HardenedPlaintextMemory mem = new HardenedPlaintextMemory(bridge, 64L << 20, clock);
        long idle = HardenedPlaintextMemory.RETAIN_IDLE_NANOS;
        PlaintextMemory.Block older = mem.allocate(4L << 20);
        PlaintextMemory.Block newer = mem.allocate(2L << 20);
        long regions = bridge.status().openRegions();
        give(older);
        clock.advance(idle / 2);
        give(newer);
        assertEquals(6L << 20, mem.retainedBytes());
        clock.advance(idle / 2); // the older one sat idle for the idle time: the trim releases it and is rescheduled
        assertEquals(2L << 20, mem.retainedBytes(), "only the region idle for the whole idle time was released");
        assertEquals(regions - 1, bridge.status().openRegions());
        assertEquals(1, clock.pendingTasks(), "a trim is scheduled for what is still retained");
        clock.advance(idle / 2); // the newer one's idle time is up; the rescheduled trim is not due until idle from the last run
        assertEquals(2L << 20, mem.retainedBytes(), "the rescheduled trim runs one idle time after the last");
        clock.advance(idle / 2);
        assertEquals(0, mem.retainedBytes());
        assertEquals(regions - 2, bridge.status().openRegions(), "both regions unmapped");
        assertEquals(0, clock.pendingTasks());
    }

    @Test
    void retainedRegionsAreBoundedOldestOutAndZeroTurnsRetentionOff() {
        SecureMemory bridge = bridge();
        ManualClock clock = new ManualClock();
        HardenedPlaintextMemory mem = new HardenedPlaintextMemory(bridge, 9L << 20, clock);
        List<PlaintextMemory.Block> open = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            open.add(mem.allocate(4L << 20));
        }
        long regions = bridge.status().openRegions();
        open.forEach(HardenedPlaintextMemoryTest::give);
        assertEquals(8L << 20, mem.retainedBytes(), "two of three 4 MiB regions fit 9 MiB");
        assertEquals(regions - 1, bridge.status().openRegions());
        PlaintextMemory.Block other = mem.allocate(6L << 20); // no match: evicts the oldest so retained + fresh fits
        assertEquals(0, mem.retainedBytes());
        give(other);
        assertEquals(6L << 20, mem.retainedBytes());
        clock.advance(HardenedPlaintextMemory.RETAIN_IDLE_NANOS);
        assertEquals(0, mem.retainedBytes(), "idle: released by the scheduled trim");

        HardenedPlaintextMemory off = new HardenedPlaintextMemory(bridge, 0);
        long before = bridge.status().openRegions();
        give(off.allocate(4L << 20));
        assertEquals(0, off.retainedBytes());
        assertEquals(before, bridge.status().openRegions(), "with retention off a large region is unmapped at close");
    }

    @Test
    void sizeClassesArePowersOfTwoFromOnePage() {
        assertEquals(0, HardenedPlaintextMemory.classOf(1));
        assertEquals(0, HardenedPlaintextMemory.classOf(4096));
        assertEquals(1, HardenedPlaintextMemory.classOf(4097));
        assertEquals(4, HardenedPlaintextMemory.classOf(65536));
        assertEquals(8, HardenedPlaintextMemory.classOf(HardenedPlaintextMemory.MAX_RECYCLED_BYTES));
    }
}
