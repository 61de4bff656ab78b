package dev.tensorseal.nativebridge;

import dev.tensorseal.nativebridge.internal.Bindings;
import dev.tensorseal.nativebridge.internal.Linux;
import dev.tensorseal.nativebridge.internal.OsMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

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
 *
 * <p>This class maps regions and answers for them; each other concern is a class of its own: the binding is chosen
 * by {@link dev.tensorseal.nativebridge.internal.Bindings}, the interior's protections applied by {@link PrivatePages},
 * memfd_secret probed and mapped by {@link SecretPages}, locked bytes counted by {@link LockBudget}, given-up
 * protections kept by {@link Degradations}, process hardening done by {@link ProcessHardening}, {@code /proc} read by
 * {@link ProcStatus}.
 */
public final class SecureMemory {
    /** System property choosing the binding: {@code ffm} (default) or {@code jna}. */
    public static final String BINDING_PROPERTY = "tensorseal.native";
    /** Secrets up to this size go to {@code memfd_secret} pages when the kernel allows. */
    public static final long MAX_SECRET_BYTES = 64 * 1024;

    private static final long ALIGNMENT_BYTES = 64;

    private final String binding;
    private final OsMemory os;
    private final String unavailableReason;
    private final MemoryPolicy policy;
    private final long pageSizeBytes;
    private final LockBudget budget;
    private final Degradations degradations;
    private final PrivatePages privatePages;
    private final SecretPages secretPages;
    private final AtomicInteger openRegions = new AtomicInteger();

    private SecureMemory(String binding, MemoryPolicy policy, long lockBudgetBytes) {
        Bindings.Loaded loaded = Bindings.load(binding);
        this.binding = binding;
        this.os = loaded.os();
        this.unavailableReason = loaded.unavailableReason() == null ? "" : loaded.unavailableReason();
        this.policy = policy;
        this.pageSizeBytes = os == null ? 4096 : os.pageSizeBytes();
        this.budget = os == null ? LockBudget.none()
                : new LockBudget(os.getrlimit(Linux.RLIMIT_MEMLOCK), ProcStatus.hasIpcLockCapability(), lockBudgetBytes);
        this.degradations = new Degradations(policy);
        this.privatePages = new PrivatePages(os, budget, degradations);
        this.secretPages = new SecretPages(os, budget, degradations);
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
            degradations.quietly("dontdump-input", "madvise(MADV_DONTDUMP) on a mapped input refused: " + e.getMessage());
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

    /** The interior between two guard pages, made secret or private; the segment is right-aligned against the end. */
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
            boolean secret = wantSecret && secretPages.map(pages, pagesBytes);
            boolean locked = secret || privatePages.protect(pages, pagesBytes);
            if (!locked) {
                budget.addUnlocked(pagesBytes);
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

    /** Whether memfd_secret works here; probed once (an fd is created and closed). */
    public boolean memfdSecretAvailable() {
        return secretPages.available();
    }

    private SecureRegion plainRegion(long bytes) {
        if (policy == MemoryPolicy.STRICT) {
            throw new NativeException("secure memory unavailable (" + binding + "): " + unavailableReason, null);
        }
        degradations.degrade("binding", binding + " unavailable: " + unavailableReason + "; using plain off-heap memory", null);
        Arena arena = Arena.ofShared();
        MemorySegment segment = arena.allocate(bytes, ALIGNMENT_BYTES);
        budget.addUnlocked(bytes);
        openRegions.incrementAndGet();
        return new SecureRegion(this, null, arena, segment, 0, 0, segment.address(), bytes, false, false);
    }

    void released(SecureRegion region) {
        openRegions.decrementAndGet();
        if (region.isLocked()) {
            budget.release(region.accountedBytes());
        } else {
            budget.addUnlocked(-region.accountedBytes());
        }
    }

    /**
     * Opt-in process hardening: {@code prctl(PR_SET_DUMPABLE, 0)} (no core dumps, no ptrace attach
     * without CAP_SYS_PTRACE) and {@code RLIMIT_CORE} 0. Returns one line per step done; under
     * best-effort a failed step is reported, under strict it throws.
     */
    public List<String> hardenProcess() {
        return ProcessHardening.apply(os, unavailableReason, degradations);
    }

    /** What is in force now. */
    public MemoryStatus status() {
        boolean secret = memfdSecretAvailable();
        boolean up = os != null;
        return MemoryStatus.builder(binding)
                .available(up)
                .unavailableReason(unavailableReason)
                .nativeAccess(Bindings.nativeAccessEnabled())
                .policy(policy)
                .guardPages(up)
                .mlock(up && !degradations.contains("mlock") && budget.unlockedBytes() == 0)
                .dontDump(up && !degradations.contains("dontdump"))
                .wipeOnFork(up && !degradations.contains("wipeonfork"))
                .dontForkFallback(degradations.contains("wipeonfork"))
                .memfdSecret(secret)
                .memfdSecretDetail(up ? secretPages.detail() : "unavailable: " + unavailableReason)
                .memlockSoftBytes(budget.memlockSoftBytes())
                .memlockHardBytes(budget.memlockHardBytes())
                .ipcLockCapability(budget.ipcLock())
                .lockBudgetBytes(budget.budgetBytes())
                .lockedBytes(budget.lockedBytes())
                .unlockedBytes(budget.unlockedBytes())
                .openRegions(openRegions.get())
                .degradations(degradations.lines())
                .build();
    }

    private static long roundUp(long value, long multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }
}
