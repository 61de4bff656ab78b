package dev.tensorseal.internal.memory;

import dev.tensorseal.CapacityException;
import dev.tensorseal.nativebridge.NativeException;
import dev.tensorseal.nativebridge.SecureMemory;
import dev.tensorseal.nativebridge.SecureRegion;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
 *
 * <p>Large blocks get a region of their own, and closing one <em>retains</em> the region (zeroed by the
 * store, still locked, guarded and don't-dump) for a later view of about the same size (at most 1/8
 * larger). Why: fresh memory is the dominant cost of opening a large view: mapping and locking 1 GiB took
 * 93 ms (transparent huge pages) to 2 s (when the hypervisor had to provide the pages again) on the
 * 2-vCPU VM of BENCHMARKS.md, against about 120 ms to decrypt it. Each large block has its own arena, closed
 * before the region is retained, so a segment kept past its view's close throws from then on and can
 * never reach a later view's plaintext. Retained regions hold no plaintext; they are bounded by
 * {@value #RETAIN_PROPERTY} (default 1 GiB; 0 turns retention off), by a quarter of a limited lock budget
 * for locked ones, evicted oldest first when a fresh region would exceed the bound, and unmapped after
 * {@link #RETAIN_IDLE_NANOS} idle by a daemon thread.
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
    /** System property: the most bytes of large-view regions retained after their views closed. */
    public static final String RETAIN_PROPERTY = "tensorseal.viewMemory.retainBytes";
    static final long DEFAULT_RETAIN_BYTES = 1L << 30;
    /** A retained region unused for this long is unmapped. */
    static final long RETAIN_IDLE_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long MIN_CLASS_BYTES = 4096;
    private static final int CLASSES = Long.numberOfTrailingZeros(MAX_RECYCLED_BYTES / MIN_CLASS_BYTES) + 1;
    private static final PlaintextMemory SYSTEM = choose(SecureMemory.system());

    private final SecureMemory memory;
    private final Object lock = new Object();
    private final List<ArrayDeque<SecureRegion>> idle = new ArrayList<>();
    private final long maxIdleBytes;
    private long idleBytes; // guarded by lock
    private Epoch current; // guarded by lock
    /** Large blocks' regions, kept zeroed for the next view of about their size. */
    private final RetainedCache<SecureRegion> retained;

    public HardenedPlaintextMemory(SecureMemory memory) {
        this(memory, Long.getLong(RETAIN_PROPERTY, DEFAULT_RETAIN_BYTES));
    }

    HardenedPlaintextMemory(SecureMemory memory, long maxRetainedBytes) {
        this(memory, maxRetainedBytes, IdleTrim.SYSTEM);
    }

    /** With the clock the retained regions' idle time is measured and trimmed on (tests move their own). */
    HardenedPlaintextMemory(SecureMemory memory, long maxRetainedBytes, IdleTrim.Clock clock) {
        this.memory = memory;
        long budget = memory.status().lockBudgetBytes();
        this.maxIdleBytes = budget < 0 ? MAX_IDLE_BYTES : Math.min(MAX_IDLE_BYTES, budget / 4);
        long maxRetained = Math.max(0, maxRetainedBytes);
        this.retained = new RetainedCache<>(maxRetained, budget < 0 ? maxRetained : Math.min(maxRetained, budget / 4),
                RETAIN_IDLE_NANOS, clock, SecureRegion::byteSize, SecureRegion::pagesBytes, SecureRegion::isLocked, SecureRegion::close);
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

    /** A region of its own: a retained one of about this size, else a fresh one (evicting retained ones to make room). */
    private Block own(long bytes) {
        SecureRegion region = retained.take(bytes);
        if (region == null) {
            retained.evictFor(bytes);
            try {
                region = memory.allocate(bytes);
            } catch (NativeException e) {
                throw new CapacityException("cannot allocate " + bytes + " bytes of hardened view memory: " + e.getMessage());
            }
        }
        return new Large(region, bytes);
    }

    /** Bytes of large-view regions retained now (for tests and stats). */
    long retainedBytes() {
        return retained.retainedBytes();
    }

    /** Unmaps retained regions idle since before {@code nowNanos - RETAIN_IDLE_NANOS}; returns how many remain. */
    int trimIdle(long nowNanos) {
        return retained.trimIdle(nowNanos);
    }

    /** A large view's block: its own arena over a region of its own, retained (or unmapped) at close. */
    private final class Large implements Block {
        private final SecureRegion region;
        private final Arena arena = Arena.ofShared();
        private final MemorySegment segment;
        private boolean closed;

        @SuppressWarnings("restricted") // a view of our own region's pages, inside its bounds, scoped to this block
        Large(SecureRegion region, long bytes) {
            this.region = region;
            MemorySegment pages = region.segment();
            // Right-aligned (to 64 bytes) against the trailing guard page, as the bridge places its own segments.
            long at = pages.byteSize() - (bytes + 63) / 64 * 64;
            this.segment = MemorySegment.ofAddress(pages.address() + at).reinterpret(bytes, arena, null);
        }

        @Override
        public MemorySegment segment() {
            return segment;
        }

        /**
         * The caller has zeroed the segment (PlaintextPool.give). Throws IllegalStateException while a native call
         * holds the segment (the block stays open, and can be closed again later).
         */
        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                arena.close(); // from here a kept segment throws: the region can serve another view
                closed = true;
            }
            retained.give(region); // or unmapped (zeroed again) when it would exceed the bounds
        }
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
