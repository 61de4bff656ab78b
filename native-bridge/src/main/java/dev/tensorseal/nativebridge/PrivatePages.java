package dev.tensorseal.nativebridge;

import dev.tensorseal.nativebridge.internal.Linux;
import dev.tensorseal.nativebridge.internal.OsMemory;

/**
 * Turns a reservation's interior into hardened private pages: read-write, out of core dumps, wiped (or absent) in
 * forked children, huge-page advised when large, and locked while the {@link LockBudget} lasts.
 */
final class PrivatePages {
    static final long HUGE_PAGE_BYTES = 2L << 20;

    private final OsMemory os;
    private final LockBudget budget;
    private final Degradations degradations;
    private volatile boolean onFaultLocking = true;

    PrivatePages(OsMemory os, LockBudget budget, Degradations degradations) {
        this.os = os;
        this.budget = budget;
        this.degradations = degradations;
    }

    /** Makes the interior RW and applies the madvise flags and mlock; returns whether it is locked. */
    boolean protect(long pages, long pagesBytes) {
        os.mprotect(pages, pagesBytes, Linux.PROT_READ | Linux.PROT_WRITE);
        try {
            os.madvise(pages, pagesBytes, Linux.MADV_DONTDUMP);
        } catch (NativeException e) {
            degradations.degrade("dontdump", "madvise(MADV_DONTDUMP) refused: " + e.getMessage(), e);
        }
        try {
            os.madvise(pages, pagesBytes, Linux.MADV_WIPEONFORK);
        } catch (NativeException e) {
            // Older kernels (before 4.14): the child then has no mapping at all instead of zeros.
            os.madvise(pages, pagesBytes, Linux.MADV_DONTFORK);
            degradations.quietly("wipeonfork", "MADV_WIPEONFORK refused (" + e.getMessage() + "); MADV_DONTFORK used");
        }
        if (pagesBytes >= HUGE_PAGE_BYTES) {
            try {
                // A view of a large tensor faults in ~2x faster on transparent huge pages; only a hint.
                os.madvise(pages, pagesBytes, Linux.MADV_HUGEPAGE);
            } catch (NativeException e) {
                // THP disabled ("never") or not built in: 4 KiB pages, same protections.
            }
        }
        if (!budget.reserve(pagesBytes)) {
            degradations.degrade("mlock", budget.exceeded(pagesBytes), null);
            return false;
        }
        try {
            lock(pages, pagesBytes);
            return true;
        } catch (NativeException e) {
            budget.release(pagesBytes);
            degradations.degrade("mlock", e.getMessage() + " (" + budget.limits() + ")", e);
            return false;
        }
    }

    /**
     * Locks the pages: a region of {@value #HUGE_PAGE_BYTES} bytes or more with {@code mlock2(MLOCK_ONFAULT)}, so its
     * pages are populated and locked by the threads that first write them (a large view's decrypting threads, in
     * parallel) instead of serially here; a fresh 1 GiB region written by 2 threads took 72 ms that way against
     * 130 ms (92 ms of it in mlock) on the machine of BENCHMARKS.md. The whole range is locked and charged to
     * RLIMIT_MEMLOCK at once either way, and a page holds nothing before it is first written. Smaller regions, and
     * kernels without mlock2 (before 4.4), use plain mlock.
     */
    private void lock(long pages, long pagesBytes) {
        if (pagesBytes >= HUGE_PAGE_BYTES && onFaultLocking) {
            try {
                os.mlockOnFault(pages, pagesBytes);
                return;
            } catch (NativeException e) {
                if (e.code() != Linux.ENOSYS && e.code() != Linux.EINVAL) {
                    throw e; // e.g. ENOMEM or EPERM: the same answer plain mlock would give
                }
                onFaultLocking = false; // no mlock2 (or no MLOCK_ONFAULT) here: populate up front from now on
            }
        }
        os.mlock(pages, pagesBytes);
    }
}
