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

    /** A builder for {@code binding}'s status: every field named where it is set, unset ones at their "nothing" value (false, 0, -1 for limits). */
    public static Builder builder(String binding) {
        return new Builder(binding);
    }

    /** Builds a {@link MemoryStatus} by field name instead of twenty positional arguments. */
    public static final class Builder {
        private final String binding;
        private boolean available;
        private String unavailableReason = "";
        private boolean nativeAccess;
        private MemoryPolicy policy = MemoryPolicy.BEST_EFFORT;
        private boolean guardPages;
        private boolean mlock;
        private boolean dontDump;
        private boolean wipeOnFork;
        private boolean dontForkFallback;
        private boolean memfdSecret;
        private String memfdSecretDetail = "";
        private long memlockSoftBytes = -1;
        private long memlockHardBytes = -1;
        private boolean ipcLockCapability;
        private long lockBudgetBytes = -1;
        private long lockedBytes;
        private long unlockedBytes;
        private int openRegions;
        private List<String> degradations = List.of();

        private Builder(String binding) {
            this.binding = binding;
        }

        public Builder available(boolean available) {
            this.available = available;
            return this;
        }

        public Builder unavailableReason(String unavailableReason) {
            this.unavailableReason = unavailableReason;
            return this;
        }

        public Builder nativeAccess(boolean nativeAccess) {
            this.nativeAccess = nativeAccess;
            return this;
        }

        public Builder policy(MemoryPolicy policy) {
            this.policy = policy;
            return this;
        }

        public Builder guardPages(boolean guardPages) {
            this.guardPages = guardPages;
            return this;
        }

        public Builder mlock(boolean mlock) {
            this.mlock = mlock;
            return this;
        }

        public Builder dontDump(boolean dontDump) {
            this.dontDump = dontDump;
            return this;
        }

        public Builder wipeOnFork(boolean wipeOnFork) {
            this.wipeOnFork = wipeOnFork;
            return this;
        }

        public Builder dontForkFallback(boolean dontForkFallback) {
            this.dontForkFallback = dontForkFallback;
            return this;
        }

        public Builder memfdSecret(boolean memfdSecret) {
            this.memfdSecret = memfdSecret;
            return this;
        }

        public Builder memfdSecretDetail(String memfdSecretDetail) {
            this.memfdSecretDetail = memfdSecretDetail;
            return this;
        }

        public Builder memlockSoftBytes(long memlockSoftBytes) {
            this.memlockSoftBytes = memlockSoftBytes;
            return this;
        }

        public Builder memlockHardBytes(long memlockHardBytes) {
            this.memlockHardBytes = memlockHardBytes;
            return this;
        }

        public Builder ipcLockCapability(boolean ipcLockCapability) {
            this.ipcLockCapability = ipcLockCapability;
            return this;
        }

        public Builder lockBudgetBytes(long lockBudgetBytes) {
            this.lockBudgetBytes = lockBudgetBytes;
            return this;
        }

        public Builder lockedBytes(long lockedBytes) {
            this.lockedBytes = lockedBytes;
            return this;
        }

        public Builder unlockedBytes(long unlockedBytes) {
            this.unlockedBytes = unlockedBytes;
            return this;
        }

        public Builder openRegions(int openRegions) {
            this.openRegions = openRegions;
            return this;
        }

        public Builder degradations(List<String> degradations) {
            this.degradations = degradations;
            return this;
        }

        public MemoryStatus build() {
            return new MemoryStatus(binding, available, unavailableReason, nativeAccess, policy, guardPages, mlock, dontDump, wipeOnFork, dontForkFallback, memfdSecret, memfdSecretDetail, memlockSoftBytes, memlockHardBytes, ipcLockCapability, lockBudgetBytes, lockedBytes, unlockedBytes, openRegions, degradations);
        }
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
