package dev.tensorseal.nativebridge;

import java.util.List;

/**
 * Which protections a {@link SecureMemory} has in force, as observed on the allocations made so
 * far (a protection counts as in force until a call for it fails). Limits are in bytes; -1 means
 * unlimited.
 *
 * @param binding            {@code ffm} or {@code jna}
 * @param available          whether hardened regions can be made at all
 * @param unavailableReason  why not (names the {@code --enable-native-access} flag when that is it); empty when available
 * @param nativeAccess       whether this module may call native code
 * @param policy             what happens when a protection cannot be applied
 * @param guardPages         regions sit between {@code PROT_NONE} pages
 * @param mlock              every region so far was locked ({@code unlockedBytes == 0} and no mlock failure)
 * @param dontDump           {@code MADV_DONTDUMP} applied to every region
 * @param wipeOnFork         {@code MADV_WIPEONFORK} applied to every private region
 * @param dontForkFallback   {@code MADV_DONTFORK} was used where wipe-on-fork was refused
 * @param memfdSecret        {@code memfd_secret(2)} works here (key-sized regions use it)
 * @param memfdSecretDetail  the kernel's answer when it does not (or {@code "available"})
 * @param memlockSoftBytes   {@code RLIMIT_MEMLOCK} soft limit
 * @param memlockHardBytes   {@code RLIMIT_MEMLOCK} hard limit
 * @param ipcLockCapability  the process holds {@code CAP_IPC_LOCK}, so the kernel ignores the limit
 * @param lockBudgetBytes    how many bytes this instance locks at most (-1: unlimited)
 * @param lockedBytes        bytes now locked (mlock or memfd_secret), page-rounded
 * @param unlockedBytes      bytes now in open regions that could not be locked, page-rounded
 * @param openRegions        regions not yet closed
 * @param degradations       what was given up, one line each, first occurrence only
 */
public record MemoryStatus(
        String binding,
        boolean available,
        String unavailableReason,
        boolean nativeAccess,
        MemoryPolicy policy,
        boolean guardPages,
        boolean mlock,
        boolean dontDump,
        boolean wipeOnFork,
        boolean dontForkFallback,
        boolean memfdSecret,
        String memfdSecretDetail,
        long memlockSoftBytes,
        long memlockHardBytes,
        boolean ipcLockCapability,
        long lockBudgetBytes,
        long lockedBytes,
        long unlockedBytes,
        int openRegions,
        List<String> degradations) {

    public MemoryStatus {
        degradations = List.copyOf(degradations);
    }

    /** One line for logs: binding, policy and the counters. */
    public String summary() {
        if (!available) {
            return binding + ": unavailable: " + unavailableReason;
        }
        return binding + " (" + policy.label() + "): locked " + lockedBytes + " bytes, unlocked " + unlockedBytes
                + " bytes, RLIMIT_MEMLOCK soft " + limit(memlockSoftBytes) + " hard " + limit(memlockHardBytes)
                + (ipcLockCapability ? " (CAP_IPC_LOCK: not enforced)" : "");
    }

    /** A limit for display: bytes, or {@code unlimited}. */
    public static String limit(long bytes) {
        return bytes < 0 ? "unlimited" : bytes + " bytes";
    }
}
