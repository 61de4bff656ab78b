package dev.tensorseal.nativebridge;

import dev.tensorseal.nativebridge.internal.Linux;
import dev.tensorseal.nativebridge.internal.OsMemory;

/**
 * {@code memfd_secret(2)} pages for key-sized secrets: out of the kernel's direct map and always locked. Whether the
 * kernel has it is probed once (an fd is created and closed); its answer is kept for {@link MemoryStatus}.
 */
final class SecretPages {
    private final OsMemory os;
    private final LockBudget budget;
    private final Degradations degradations;
    private volatile String detail; // null: not probed yet; "available" when it works

    SecretPages(OsMemory os, LockBudget budget, Degradations degradations) {
        this.os = os;
        this.budget = budget;
        this.degradations = degradations;
    }

    /** Whether memfd_secret works here; probed on the first call. */
    boolean available() {
        if (os == null) {
            return false;
        }
        String d = detail;
        if (d == null) {
            try {
                os.close(os.memfdSecret());
                d = "available";
            } catch (NativeException e) {
                d = e.code() == Linux.ENOSYS
                        ? e.getMessage() + ": the kernel lacks it (Linux 5.14+ with secretmem enabled, e.g. secretmem.enable=1)"
                        : e.getMessage();
            }
            detail = d;
        }
        return d.equals("available");
    }

    /** The kernel's answer, or null before the first {@link #available()}. */
    String detail() {
        return detail;
    }

    /**
     * Maps secret pages over the reservation's interior, charged to the lock budget; false (with the reason kept) if
     * not possible, and then nothing is charged and the reservation is as it was.
     */
    boolean map(long pages, long pagesBytes) {
        if (!available() || !budget.reserve(pagesBytes)) {
            return false;
        }
        int fd;
        try {
            fd = os.memfdSecret();
        } catch (NativeException e) {
            budget.release(pagesBytes);
            degradations.quietly("memfd_secret", e.getMessage());
            return false;
        }
        try {
            os.ftruncate(fd, pagesBytes);
            os.mmapSharedFixed(pages, pagesBytes, fd);
        } catch (NativeException e) {
            // The reservation is still PROT_NONE (MAP_FIXED failed before replacing it).
            budget.release(pagesBytes);
            degradations.quietly("memfd_secret", e.getMessage());
            return false;
        } finally {
            os.close(fd); // the mapping keeps the memory alive
        }
        // Secret pages are shared mappings: wipe-on-fork does not apply; keep them out of children.
        try {
            os.madvise(pages, pagesBytes, Linux.MADV_DONTFORK);
        } catch (NativeException e) {
            budget.release(pagesBytes); // the caller unmaps the region; give its lock budget back
            throw e;
        }
        return true;
    }
}
