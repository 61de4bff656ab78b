package dev.tensorseal.internal.memory;

import dev.tensorseal.CapacityException;
import dev.tensorseal.internal.store.ArenaPlaintextMemory;
import dev.tensorseal.internal.store.PlaintextMemory;
import dev.tensorseal.nativebridge.NativeException;
import dev.tensorseal.nativebridge.SecureMemory;
import dev.tensorseal.nativebridge.SecureRegion;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * View plaintext in the native bridge's hardened pages: guard pages on both sides, MADV_DONTDUMP,
 * MADV_WIPEONFORK, locked while the memory-lock budget lasts, {@code explicit_bzero} on release.
 * Beyond the budget the bridge's policy decides: best-effort keeps every protection but the lock
 * (and counts the unlocked bytes), strict refuses, which surfaces here as a {@link CapacityException}.
 *
 * <p>Small blocks (up to {@link #MAX_RECYCLED_BYTES}) are recycled. Why: a fresh region per view costs
 * six system calls plus the close of its own shared arena, a handshake with every Java thread (about
 * 55 us measured, most of a 4 KiB slice read). A recycled region stays mapped, locked and guarded; the
 * caller zeroes the block before {@link Block#close()}. Segments come from an <em>epoch</em> arena
 * shared by up to {@link #VIEWS_PER_EPOCH} blocks (and {@link #EPOCH_BYTES}), closed (one handshake) when its last block closes
 * after the epoch stopped issuing; only then do its regions go back to the free list. So a segment kept
 * from a closed view reads zeros until its epoch ends and throws after, and can never reach the
 * plaintext of a later view in the same region. Idle and epoch-pinned regions hold locked memory, so
 * both are bounded well inside the lock budget (RLIMIT_MEMLOCK is often 8 MiB); a region that could not
 * be locked is unmapped at release rather than recycled.
 */
public final class HardenedPlaintextMemory implements PlaintextMemory {
    /** Blocks up to this size are recycled (size classes: powers of two from 4 KiB). */
    public static final long MAX_RECYCLED_BYTES = 1L << 20;
    /** Blocks sharing one arena; its close (one thread handshake) is paid once for all of them. */
    public static final int VIEWS_PER_EPOCH = 32;
    /** An epoch stops issuing after this many bytes: bounds the regions a slow view keeps from reuse. */
    public static final long EPOCH_BYTES = 2L << 20;
    /** Idle (zeroed, locked) bytes kept, all classes together, at most; regions beyond are unmapped. */
    static final long MAX_IDLE_BYTES = 4L << 20;
    private static final long MIN_CLASS_BYTES = 4096;
    private static final int CLASSES = Long.numberOfTrailingZeros(MAX_RECYCLED_BYTES / MIN_CLASS_BYTES) + 1;
    private static final PlaintextMemory SYSTEM = choose(SecureMemory.system());

    private final SecureMemory memory;
    private final Object lock = new Object();
    private final List<ArrayDeque<SecureRegion>> idle = new ArrayList<>();
    private final long maxIdleBytes;
    private long idleBytes; // guarded by lock
    private Epoch current; // guarded by lock

    public HardenedPlaintextMemory(SecureMemory memory) {
        this.memory = memory;
        long budget = memory.status().lockBudgetBytes();
        this.maxIdleBytes = budget < 0 ? MAX_IDLE_BYTES : Math.min(MAX_IDLE_BYTES, budget / 4);
        for (int i = 0; i < CLASSES; i++) {
            idle.add(new ArrayDeque<>());
        }
    }

    /** Hardened memory when the bridge's binding is available, else plain off-heap memory (zeroed on close). */
    public static PlaintextMemory system() {
        return SYSTEM;
    }

    static PlaintextMemory choose(SecureMemory memory) {
        return memory.isAvailable() ? new HardenedPlaintextMemory(memory) : ArenaPlaintextMemory.INSTANCE;
    }

    @Override
    public Block allocate(long bytes) {
        if (bytes > MAX_RECYCLED_BYTES) {
            return own(bytes);
        }
        int cls = classOf(bytes);
        long classBytes = MIN_CLASS_BYTES << cls;
        SecureRegion region;
        Epoch epoch;
        synchronized (lock) {
            region = idle.get(cls).poll();
            if (region != null) {
                idleBytes -= classBytes;
            }
            if (current == null) {
                current = new Epoch();
            }
            epoch = current;
            epoch.open++;
            epoch.issuedBytes += classBytes;
            if (++epoch.issued == VIEWS_PER_EPOCH || epoch.issuedBytes >= EPOCH_BYTES) {
                current = null; // the next block starts a new epoch; this one ends with its last block
            }
        }
        if (region == null) {
            try {
                region = memory.allocate(classBytes);
            } catch (NativeException e) {
                closed(epoch, null, cls);
                throw new CapacityException("cannot allocate " + bytes + " bytes of hardened view memory: " + e.getMessage());
            }
        }
        return new Recycled(epoch, region, cls, bytes);
    }

    /** A region of its own, unmapped on close (large views: recycling them would pin too much locked memory). */
    private Block own(long bytes) {
        SecureRegion region;
        try {
            region = memory.allocate(bytes);
        } catch (NativeException e) {
            throw new CapacityException("cannot allocate " + bytes + " bytes of hardened view memory: " + e.getMessage());
        }
        MemorySegment segment = region.segment();
        return new Block() {
            @Override
            public MemorySegment segment() {
                return segment;
            }

            @Override
            public void close() {
                region.close();
            }
        };
    }

    static int classOf(long bytes) {
        long c = Math.max(MIN_CLASS_BYTES, Long.highestOneBit(bytes - 1) << 1);
        return Long.numberOfTrailingZeros(c / MIN_CLASS_BYTES);
    }

    /** Ends a block: when it was its epoch's last and the epoch issues no more, closes the arena and recycles. */
    private void closed(Epoch epoch, SecureRegion region, int cls) {
        List<SecureRegion> recycle;
        synchronized (lock) {
            epoch.open--;
            if (region != null) {
                epoch.regions.add(region);
                epoch.classes.add(cls);
            }
            if (epoch.open > 0 || epoch == current) {
                return;
            }
            recycle = epoch.regions;
        }
        try {
            epoch.arena.close(); // every segment of the epoch is invalid from here: the regions can be reused
        } catch (IllegalStateException heldByNativeCode) {
            // A native call still holds a segment kept past its view's close. Its pages were zeroed when
            // the view closed; they stay mapped (unmapping them under that call would crash it) and are
            // never reused.
            return;
        }
        List<SecureRegion> surplus = new ArrayList<>();
        for (SecureRegion r : recycle) {
            // Views zero their own bytes; this also clears whatever a segment kept past its view's close
            // wrote before the epoch ended, so a reused region starts all zero.
            r.segment().fill((byte) 0);
        }
        synchronized (lock) {
            for (int i = 0; i < recycle.size(); i++) {
                int c = epoch.classes.get(i);
                SecureRegion r = recycle.get(i);
                if (r.isLocked() && idleBytes + (MIN_CLASS_BYTES << c) <= maxIdleBytes) {
                    idle.get(c).push(r); // last in, first out: its pages are the likeliest in cache
                    idleBytes += MIN_CLASS_BYTES << c;
                } else {
                    surplus.add(recycle.get(i));
                }
            }
        }
        surplus.forEach(SecureRegion::close);
    }

    /** Regions and blocks of one shared arena. Fields guarded by {@code lock}. */
    private static final class Epoch {
        final Arena arena = Arena.ofShared();
        final List<SecureRegion> regions = new ArrayList<>();
        final List<Integer> classes = new ArrayList<>();
        int open;
        int issued;
        long issuedBytes;
    }

    private final class Recycled implements Block {
        private final Epoch epoch;
        private final SecureRegion region;
        private final int cls;
        private final MemorySegment segment;
        private boolean closed;

        @SuppressWarnings("restricted") // a view of our own region's pages, inside its bounds, scoped to the epoch
        Recycled(Epoch epoch, SecureRegion region, int cls, long bytes) {
            this.epoch = epoch;
            this.region = region;
            this.cls = cls;
            MemorySegment pages = region.segment();
            // Right-aligned (to 64 bytes) against the trailing guard page, as the bridge places its own segments.
            long at = pages.byteSize() - (bytes + 63) / 64 * 64;
            this.segment = MemorySegment.ofAddress(pages.address() + at).reinterpret(bytes, epoch.arena, null);
        }

        @Override
        public MemorySegment segment() {
            return segment;
        }

        /** The caller has zeroed the segment (PlaintextPool.give); the whole region is zeroed again before reuse. */
        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            closed(epoch, region, cls);
        }
    }
}
