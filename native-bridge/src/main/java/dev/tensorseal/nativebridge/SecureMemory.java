package dev.tensorseal.nativebridge;

import dev.tensorseal.nativebridge.internal.Bindings;
import dev.tensorseal.nativebridge.internal.Linux;
import dev.tensorseal.nativebridge.internal.OsMemory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hardened OS memory: {@link SecureRegion}s with guard pages, {@code mlock}, {@code MADV_DONTDUMP},
 * {@code MADV_WIPEONFORK} (or {@code MADV_DONTFORK}), non-elidable zeroing, and
 * {@code memfd_secret(2)} for key-sized secrets. Locking stays within a budget derived from
 * {@code RLIMIT_MEMLOCK}; beyond it the {@link MemoryPolicy} decides: strict refuses, best-effort
 * hands out guarded, don't-dump, zeroed but unlocked pages, warns once and counts them in
 * {@link #status()}.
 *
 * <p>Getting an instance never throws: a missing binding, a non-Linux OS or missing native
 * access is reported by {@link #status()}. Allocation then fails under strict and falls back to
 * plain off-heap memory (zeroed on close) under best-effort.
 */
public final class SecureMemory {
    /** System property choosing the binding: {@code ffm} (default) or {@code jna}. */
    public static final String BINDING_PROPERTY = "tensorseal.native";
    /** Secrets up to this size go to {@code memfd_secret} pages when the kernel allows. */
    public static final long MAX_SECRET_BYTES = 64 * 1024;
    private static final long HUGE_PAGE_BYTES = 2L << 20;
    private volatile boolean onFaultLocking = true;

    private static final System.Logger LOG = System.getLogger(SecureMemory.class.getName());
    private static final long ALIGNMENT_BYTES = 64;
    private static final int MAX_DEGRADATIONS = 16;

    private final String binding;
    private final OsMemory os;
    private final String unavailableReason;
    private final MemoryPolicy policy;
    private final long pageSizeBytes;
    private final long memlockSoftBytes;
    private final long memlockHardBytes;
    private final boolean ipcLock;
    private final long lockBudgetBytes;
    private final AtomicLong lockedBytes = new AtomicLong();
    private final AtomicLong unlockedBytes = new AtomicLong();
    private final AtomicInteger openRegions = new AtomicInteger();
    private final AtomicBoolean warned = new AtomicBoolean();
    private final Map<String, String> degraded = new ConcurrentHashMap<>();
    private volatile String memfdSecretDetail; // null: not probed yet; "available" when it works

    private SecureMemory(String binding, MemoryPolicy policy, long lockBudgetBytes) {
        Bindings.Loaded loaded = Bindings.load(binding);
        this.binding = binding;
        this.os = loaded.os();
        this.unavailableReason = loaded.unavailableReason() == null ? "" : loaded.unavailableReason();
        this.policy = policy;
        if (os == null) {
            this.pageSizeBytes = 4096;
            this.memlockSoftBytes = -1;
            this.memlockHardBytes = -1;
            this.ipcLock = false;
            this.lockBudgetBytes = 0;
            return;
        }
        this.pageSizeBytes = os.pageSizeBytes();
        long[] memlock = os.getrlimit(Linux.RLIMIT_MEMLOCK);
        this.memlockSoftBytes = memlock[0];
        this.memlockHardBytes = memlock[1];
        this.ipcLock = hasIpcLockCapability();
        long osBudget = ipcLock || memlockSoftBytes < 0 ? Long.MAX_VALUE : memlockSoftBytes;
        this.lockBudgetBytes = Math.min(osBudget, lockBudgetBytes < 0 ? Long.MAX_VALUE : lockBudgetBytes);
    }

    /**
     * The process-wide instance: binding from {@value #BINDING_PROPERTY} (default {@code ffm}),
     * policy from {@value MemoryPolicy#PROPERTY} (default best-effort), budget from RLIMIT_MEMLOCK.
     */
    public static SecureMemory system() {
        return SystemHolder.INSTANCE;
    }

    /** A separate instance with its own budget and counters (tests, tools). */
    public static SecureMemory create(String binding, MemoryPolicy policy) {
        return create(binding, policy, -1);
    }

    /**
     * A separate instance that locks at most {@code lockBudgetBytes} (-1: as much as
     * RLIMIT_MEMLOCK allows).
     */
    public static SecureMemory create(String binding, MemoryPolicy policy, long lockBudgetBytes) {
        return new SecureMemory(binding, policy, lockBudgetBytes);
    }

    /** The binding named by {@value #BINDING_PROPERTY}, default {@code ffm}. */
    public static String bindingFromSystemProperty() {
        String value = System.getProperty(BINDING_PROPERTY);
        return value == null || value.isBlank() ? "ffm" : value.trim();
    }

    private static final class SystemHolder {
        static final SecureMemory INSTANCE =
                create(bindingFromSystemProperty(), MemoryPolicy.fromSystemProperty());
    }

    public String binding() {
        return binding;
    }

    public MemoryPolicy policy() {
        return policy;
    }

    public boolean isAvailable() {
        return os != null;
    }

    public long pageSizeBytes() {
        return pageSizeBytes;
    }

    /**
     * Leaves the pages under {@code segment} out of core dumps ({@code MADV_DONTDUMP}), for memory this class did
     * not map: a plaintext input file mapped while it is sealed (the JVM's coredump filter includes file-backed
     * mappings). The range is widened to whole pages, which a file mapping always has.
     *
     * @return true when the kernel took the advice; false where it cannot be given (no binding, a heap segment,
     *         the kernel refused), with the reason counted in {@link #status()}'s degradations
     */
    public boolean excludeFromDumps(MemorySegment segment) {
        if (os == null || !segment.isNative() || segment.byteSize() == 0) {
            return false;
        }
        long start = segment.address() & -pageSizeBytes;
        long end = roundUp(segment.address() + segment.byteSize(), pageSizeBytes);
        try {
            os.madvise(start, end - start, Linux.MADV_DONTDUMP);
            return true;
        } catch (NativeException e) {
            degradeQuietly("dontdump-input", "madvise(MADV_DONTDUMP) on a mapped input refused: " + e.getMessage());
            return false;
        }
    }

    /**
     * A zero-filled region of {@code bytes} for plaintext (views, scratch). Locked while the budget
     * lasts; see the class comment for what happens beyond it.
     *
     * @throws NativeException under strict when a protection cannot be applied (the message
     *         names the limit or the failing call), or when a mapping cannot be made at all
     */
    public SecureRegion allocate(long bytes) {
        return allocate(bytes, false);
    }

    /**
     * A zero-filled region for key material: {@code memfd_secret} pages (out of the kernel's
     * direct map, always locked) when {@code bytes <= MAX_SECRET_BYTES} and the kernel allows it;
     * otherwise the same as {@link #allocate}.
     */
    public SecureRegion allocateSecret(long bytes) {
        return allocate(bytes, bytes <= MAX_SECRET_BYTES);
    }

    @SuppressWarnings("restricted") // wraps pages this instance just mapped, with their exact size
    private SecureRegion allocate(long bytes, boolean wantSecret) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("region size must be positive, got " + bytes + " bytes");
        }
        if (os == null) {
            return plainRegion(bytes);
        }
        long pagesBytes = roundUp(bytes, pageSizeBytes);
        long mappingBytes = pagesBytes + 2 * pageSizeBytes;
        long mapping = os.mmapAnonymous(mappingBytes, Linux.PROT_NONE);
        long pages = mapping + pageSizeBytes;
        try {
            boolean secret = wantSecret && mapSecret(pages, pagesBytes);
            boolean locked = secret || protectPrivate(pages, pagesBytes);
            if (!locked) {
                unlockedBytes.addAndGet(pagesBytes);
            }
            Arena arena = Arena.ofShared();
            long start = pages + pagesBytes - roundUp(bytes, ALIGNMENT_BYTES);
            MemorySegment segment = MemorySegment.ofAddress(start).reinterpret(bytes, arena, null);
            openRegions.incrementAndGet();
            return new SecureRegion(this, os, arena, segment, mapping, mappingBytes, pages, pagesBytes, locked, secret);
        } catch (RuntimeException e) {
            os.munmap(mapping, mappingBytes);
            throw e;
        }
    }

    /** Makes the interior RW and applies the madvise flags and mlock; returns whether it is locked. */
    private boolean protectPrivate(long pages, long pagesBytes) {
        os.mprotect(pages, pagesBytes, Linux.PROT_READ | Linux.PROT_WRITE);
        try {
            os.madvise(pages, pagesBytes, Linux.MADV_DONTDUMP);
        } catch (NativeException e) {
            degrade("dontdump", "madvise(MADV_DONTDUMP) refused: " + e.getMessage(), e);
        }
        try {
            os.madvise(pages, pagesBytes, Linux.MADV_WIPEONFORK);
        } catch (NativeException e) {
            // Older kernels (before 4.14): the child then has no mapping at all instead of zeros.
            os.madvise(pages, pagesBytes, Linux.MADV_DONTFORK);
            degradeQuietly("wipeonfork", "MADV_WIPEONFORK refused (" + e.getMessage() + "); MADV_DONTFORK used");
        }
        if (pagesBytes >= HUGE_PAGE_BYTES) {
            try {
                // A view of a large tensor faults in ~2x faster on transparent huge pages; only a hint.
                os.madvise(pages, pagesBytes, Linux.MADV_HUGEPAGE);
            } catch (NativeException e) {
                // THP disabled ("never") or not built in: 4 KiB pages, same protections.
            }
        }
        if (!reserveLock(pagesBytes)) {
            degrade("mlock", "locking " + pagesBytes + " more bytes would exceed the lock budget of "
                    + lockBudgetBytes + " bytes (RLIMIT_MEMLOCK soft " + MemoryStatus.limit(memlockSoftBytes)
                    + ", hard " + MemoryStatus.limit(memlockHardBytes) + "; " + lockedBytes.get()
                    + " bytes already locked); raise it with ulimit -l or systemd LimitMEMLOCK", null);
            return false;
        }
        try {
            lock(pages, pagesBytes);
            return true;
        } catch (NativeException e) {
            lockedBytes.addAndGet(-pagesBytes);
            degrade("mlock", e.getMessage() + " (RLIMIT_MEMLOCK soft " + MemoryStatus.limit(memlockSoftBytes)
                    + ", hard " + MemoryStatus.limit(memlockHardBytes) + ")", e);
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

    /** Maps memfd_secret pages over the reservation's interior; false (with the reason kept) if not possible. */
    private boolean mapSecret(long pages, long pagesBytes) {
        if (!memfdSecretAvailable() || !reserveLock(pagesBytes)) {
            return false;
        }
        int fd;
        try {
            fd = os.memfdSecret();
        } catch (NativeException e) {
            lockedBytes.addAndGet(-pagesBytes);
            degradeQuietly("memfd_secret", e.getMessage());
            return false;
        }
        try {
            os.ftruncate(fd, pagesBytes);
            os.mmapSharedFixed(pages, pagesBytes, fd);
        } catch (NativeException e) {
            // The reservation is still PROT_NONE (MAP_FIXED failed before replacing it).
            lockedBytes.addAndGet(-pagesBytes);
            degradeQuietly("memfd_secret", e.getMessage());
            return false;
        } finally {
            os.close(fd); // the mapping keeps the memory alive
        }
        // Secret pages are shared mappings: wipe-on-fork does not apply; keep them out of children.
        try {
            os.madvise(pages, pagesBytes, Linux.MADV_DONTFORK);
        } catch (NativeException e) {
            lockedBytes.addAndGet(-pagesBytes); // the caller unmaps the region; give its lock budget back
            throw e;
        }
        return true;
    }

    /** Whether memfd_secret works here; probed once (an fd is created and closed). */
    public boolean memfdSecretAvailable() {
        if (os == null) {
            return false;
        }
        String detail = memfdSecretDetail;
        if (detail == null) {
            try {
                os.close(os.memfdSecret());
                detail = "available";
            } catch (NativeException e) {
                detail = e.code() == Linux.ENOSYS
                        ? e.getMessage() + ": the kernel lacks it (Linux 5.14+ with secretmem enabled, e.g. secretmem.enable=1)"
                        : e.getMessage();
            }
            memfdSecretDetail = detail;
        }
        return detail.equals("available");
    }

    private boolean reserveLock(long bytes) {
        while (true) {
            long now = lockedBytes.get();
            if (now + bytes > lockBudgetBytes || now + bytes < 0) {
                return false;
            }
            if (lockedBytes.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    private SecureRegion plainRegion(long bytes) {
        if (policy == MemoryPolicy.STRICT) {
            throw new NativeException("secure memory unavailable (" + binding + "): " + unavailableReason, null);
        }
        degrade("binding", binding + " unavailable: " + unavailableReason + "; using plain off-heap memory", null);
        Arena arena = Arena.ofShared();
        MemorySegment segment = arena.allocate(bytes, ALIGNMENT_BYTES);
        unlockedBytes.addAndGet(bytes);
        openRegions.incrementAndGet();
        return new SecureRegion(this, null, arena, segment, 0, 0, segment.address(), bytes, false, false);
    }

    void released(SecureRegion region) {
        openRegions.decrementAndGet();
        if (region.isLocked()) {
            lockedBytes.addAndGet(-region.accountedBytes());
        } else {
            unlockedBytes.addAndGet(-region.accountedBytes());
        }
    }

    /** Strict: throw. Best-effort: remember, warn once. */
    private void degrade(String protection, String reason, NativeException cause) {
        if (policy == MemoryPolicy.STRICT) {
            throw new NativeException(protection + " refused under the strict memory policy: " + reason, cause);
        }
        degradeQuietly(protection, reason);
        if (warned.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "tensorseal hardened memory degraded (best-effort): {0}: {1}"
                    + " (further degradations are counted in SecureMemory.status(); run tensorseal doctor)",
                    protection, reason);
        }
    }

    private void degradeQuietly(String protection, String reason) {
        if (degraded.size() < MAX_DEGRADATIONS) {
            degraded.putIfAbsent(protection, reason);
        }
    }

    /**
     * Opt-in process hardening: {@code prctl(PR_SET_DUMPABLE, 0)} (no core dumps, no ptrace attach
     * without CAP_SYS_PTRACE) and {@code RLIMIT_CORE} 0. Returns one line per step done; under
     * best-effort a failed step is reported, under strict it throws.
     */
    public List<String> hardenProcess() {
        List<String> done = new ArrayList<>();
        if (os == null) {
            degrade("harden", "unavailable: " + unavailableReason, null);
            done.add("unavailable: " + unavailableReason);
            return done;
        }
        try {
            os.prctl(Linux.PR_SET_DUMPABLE, 0);
            done.add("prctl(PR_SET_DUMPABLE, 0)");
        } catch (NativeException e) {
            degrade("harden", e.getMessage(), e);
            done.add("failed: " + e.getMessage());
        }
        try {
            os.setrlimit(Linux.RLIMIT_CORE, 0, 0);
            done.add("setrlimit(RLIMIT_CORE, 0, 0)");
        } catch (NativeException e) {
            degrade("harden", e.getMessage(), e);
            done.add("failed: " + e.getMessage());
        }
        return done;
    }

    /** What is in force now. */
    public MemoryStatus status() {
        boolean secret = memfdSecretAvailable();
        String secretDetail = os == null ? "unavailable: " + unavailableReason : memfdSecretDetail;
        boolean up = os != null;
        return new MemoryStatus(binding, up, unavailableReason, Bindings.nativeAccessEnabled(), policy,
                up, up && !degraded.containsKey("mlock") && unlockedBytes.get() == 0,
                up && !degraded.containsKey("dontdump"), up && !degraded.containsKey("wipeonfork"),
                degraded.containsKey("wipeonfork"), secret, secretDetail, memlockSoftBytes, memlockHardBytes,
                ipcLock, lockBudgetBytes == Long.MAX_VALUE ? -1 : lockBudgetBytes, lockedBytes.get(),
                unlockedBytes.get(), openRegions.get(), degraded.entrySet().stream()
                        .map(e -> e.getKey() + ": " + e.getValue()).sorted().toList());
    }

    /** CAP_IPC_LOCK (bit 14 of CapEff) lets the kernel ignore RLIMIT_MEMLOCK for this process. */
    private static boolean hasIpcLockCapability() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << 14)) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false; // unknown: assume the limit applies (the safe reading)
        }
        return false;
    }

    private static long roundUp(long value, long multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }
}
