package dev.tensorseal.nativebridge;

import dev.tensorseal.nativebridge.internal.Linux;
import dev.tensorseal.nativebridge.internal.OsMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;

/**
 * One block of hardened memory from {@link SecureMemory}: page-aligned pages between two
 * {@code PROT_NONE} guard pages, locked and kept out of core dumps and forked children where the
 * OS allows. The usable segment is right-aligned against the trailing guard page (to a 64-byte
 * boundary), so a write just past its end faults when the size is a multiple of 64.
 *
 * <p>{@link #close()} zeroes every page through a native call the JIT cannot elide, then unlocks
 * and unmaps. After close the segment is invalid: access throws {@link IllegalStateException}
 * rather than touching unmapped memory. Thread-safe.
 */
public final class SecureRegion implements AutoCloseable {
    /** Test hook: sees the region's pages after zeroing, before they are unmapped. */
    static volatile Consumer<MemorySegment> beforeUnmap;

    private final SecureMemory owner;
    private final OsMemory os; // null for a plain (unhardened) region
    private final Arena arena;
    private final MemorySegment segment;
    private final long mappingAddress;
    private final long mappingBytes;
    private final long pagesAddress;
    private final long pagesBytes;
    private final boolean locked;
    private final boolean secret;
    private boolean noAccess;
    private boolean closed;

    SecureRegion(SecureMemory owner, OsMemory os, Arena arena, MemorySegment segment, long mappingAddress,
            long mappingBytes, long pagesAddress, long pagesBytes, boolean locked, boolean secret) {
        this.owner = owner;
        this.os = os;
        this.arena = arena;
        this.segment = segment;
        this.mappingAddress = mappingAddress;
        this.mappingBytes = mappingBytes;
        this.pagesAddress = pagesAddress;
        this.pagesBytes = pagesBytes;
        this.locked = locked;
        this.secret = secret;
    }

    /**
     * The usable memory, zero-filled at allocation. Valid until {@link #close()}.
     *
     * @throws IllegalStateException when closed or protected no-access
     */
    public synchronized MemorySegment segment() {
        ensureOpen();
        if (noAccess) {
            throw new IllegalStateException("region is protected no-access; call protectReadWrite() first");
        }
        return segment;
    }

    /** The size asked for. */
    public long byteSize() {
        return segment.byteSize();
    }

    /** Whether the pages are locked in RAM (mlock, or memfd_secret which is always locked). */
    public boolean isLocked() {
        return locked;
    }

    /** Whether the pages come from {@code memfd_secret(2)} (removed from the kernel's direct map). */
    public boolean isSecret() {
        return secret;
    }

    /** False for the plain off-heap fallback used when no binding is available (best-effort only). */
    public boolean isHardened() {
        return os != null;
    }

    /** Address of the first usable page (the leading guard page is just below it). */
    public long pagesAddress() {
        return pagesAddress;
    }

    /** Bytes of usable pages (the trailing guard page starts at {@code pagesAddress() + pagesBytes()}). */
    public long pagesBytes() {
        return pagesBytes;
    }

    /**
     * Makes the pages inaccessible ({@code mprotect PROT_NONE}) while the region is idle; the data
     * is kept. Any access through a segment obtained earlier then kills the JVM with SIGSEGV: hold
     * the region, not the segment, while it is idle. No-op for an unhardened region.
     */
    public synchronized void protectNoAccess() {
        ensureOpen();
        if (os != null && !noAccess) {
            os.mprotect(pagesAddress, pagesBytes, Linux.PROT_NONE);
            noAccess = true;
        }
    }

    /** Undoes {@link #protectNoAccess()}. */
    public synchronized void protectReadWrite() {
        ensureOpen();
        if (os != null && noAccess) {
            os.mprotect(pagesAddress, pagesBytes, Linux.PROT_READ | Linux.PROT_WRITE);
            noAccess = false;
        }
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("secure region is closed");
        }
    }

    /** Zeroes, then unlocks and unmaps. Idempotent; refused (IllegalStateException) while a native call uses the memory. */
    @Override
    @SuppressWarnings("restricted") // views our own pages, still mapped, for the test hook
    public synchronized void close() {
        if (closed) {
            return;
        }
        if (os == null) {
            segment.fill((byte) 0);
            runHook(segment);
            arena.close(); // throws while a native call holds the segment: the region then stays open
            closed = true;
            owner.released(this);
            return;
        }
        // From here no segment handed out can reach the pages. Throws IllegalStateException while a
        // native call holds the segment: the region then stays open, and close can be called again.
        arena.close();
        closed = true;
        try {
            if (noAccess) {
                os.mprotect(pagesAddress, pagesBytes, Linux.PROT_READ | Linux.PROT_WRITE);
            }
            os.explicitBzero(pagesAddress, pagesBytes);
            runHook(MemorySegment.ofAddress(pagesAddress).reinterpret(pagesBytes));
            if (locked && !secret) {
                os.munlock(pagesAddress, pagesBytes);
            }
        } finally {
            os.munmap(mappingAddress, mappingBytes);
            owner.released(this);
        }
    }

    private static void runHook(MemorySegment pages) {
        Consumer<MemorySegment> hook = beforeUnmap;
        if (hook != null) {
            hook.accept(pages);
        }
    }

    long accountedBytes() {
        return pagesBytes;
    }

    @Override
    public String toString() {
        return "SecureRegion[" + segment.byteSize() + " bytes" + (secret ? ", memfd_secret" : "")
                + (locked ? ", locked" : ", unlocked") + (closed ? ", closed" : "") + "]";
    }
}
