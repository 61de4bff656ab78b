package dev.tensorseal.nativebridge;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How many bytes one {@link SecureMemory} may lock, and how many it has locked and left unlocked: the budget is the
 * smaller of the caller's and {@code RLIMIT_MEMLOCK}'s soft limit (none with {@code CAP_IPC_LOCK}), and it is
 * checked before a lock is tried, so a region beyond it degrades (or fails, under strict) without asking the kernel.
 */
final class LockBudget {
    private final long memlockSoftBytes;
    private final long memlockHardBytes;
    private final boolean ipcLock;
    private final long budgetBytes;
    private final AtomicLong lockedBytes = new AtomicLong();
    private final AtomicLong unlockedBytes = new AtomicLong();

    /**
     * @param memlock       RLIMIT_MEMLOCK {soft, hard}, -1 for unlimited
     * @param ipcLock       whether the kernel ignores the limit for this process
     * @param callerBytes   the caller's own bound (-1: none)
     */
    LockBudget(long[] memlock, boolean ipcLock, long callerBytes) {
        this.memlockSoftBytes = memlock[0];
        this.memlockHardBytes = memlock[1];
        this.ipcLock = ipcLock;
        long osBudget = ipcLock || memlockSoftBytes < 0 ? Long.MAX_VALUE : memlockSoftBytes;
        this.budgetBytes = Math.min(osBudget, callerBytes < 0 ? Long.MAX_VALUE : callerBytes);
    }

    /** No binding: nothing can be locked, and the limits are unknown. */
    static LockBudget none() {
        return new LockBudget(new long[] {-1, -1}, false, 0);
    }

    /** Charges {@code bytes} to the budget; false (nothing charged) when they do not fit. */
    boolean reserve(long bytes) {
        while (true) {
            long now = lockedBytes.get();
            if (now + bytes > budgetBytes || now + bytes < 0) {
                return false;
            }
            if (lockedBytes.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    /** Gives back what {@link #reserve} charged (a failed lock, a closed region). */
    void release(long bytes) {
        lockedBytes.addAndGet(-bytes);
    }

    /** Counts (or, negative, uncounts) bytes of open regions that could not be locked. */
    void addUnlocked(long bytes) {
        unlockedBytes.addAndGet(bytes);
    }

    long lockedBytes() {
        return lockedBytes.get();
    }

    long unlockedBytes() {
        return unlockedBytes.get();
    }

    /** The bound, -1 when there is none. */
    long budgetBytes() {
        return budgetBytes == Long.MAX_VALUE ? -1 : budgetBytes;
    }

    long memlockSoftBytes() {
        return memlockSoftBytes;
    }

    long memlockHardBytes() {
        return memlockHardBytes;
    }

    boolean ipcLock() {
        return ipcLock;
    }

    /** "RLIMIT_MEMLOCK soft N bytes, hard M bytes", for messages. */
    String limits() {
        return "RLIMIT_MEMLOCK soft " + MemoryStatus.limit(memlockSoftBytes) + ", hard " + MemoryStatus.limit(memlockHardBytes);
    }

    /** Why {@code bytes} more cannot be locked, for the degradation. */
    String exceeded(long bytes) {
        return "locking " + bytes + " more bytes would exceed the lock budget of " + budgetBytes + " bytes (" + limits()
                + "; " + lockedBytes.get() + " bytes already locked); raise it with ulimit -l or systemd LimitMEMLOCK";
    }
}
