package dev.tensorseal.nativebridge.internal;

/**
 * The raw Linux memory calls that {@code SecureMemory} is built from, one method per libc call.
 * Implemented twice (FFM and JNA) so the policy code above is written once. Addresses are plain
 * {@code long}s; every failure is a {@link dev.tensorseal.nativebridge.NativeException} naming the
 * function and carrying {@code strerror} text.
 */
public interface OsMemory {
    /** {@code ffm} or {@code jna}. */
    String name();

    /** {@code sysconf(_SC_PAGESIZE)}. */
    long pageSizeBytes();

    /** A private anonymous, non-reserved mapping with protection {@code prot}; returns its address. */
    long mmapAnonymous(long bytes, int prot);

    /** Maps {@code fd} read-write, shared, at exactly {@code address} (replacing what is there). */
    void mmapSharedFixed(long address, long bytes, int fd);

    void munmap(long address, long bytes);

    void mprotect(long address, long bytes, int prot);

    void mlock(long address, long bytes);

    /**
     * {@code mlock2(address, bytes, MLOCK_ONFAULT)}: the range is locked (and charged to RLIMIT_MEMLOCK) now, but each
     * page is populated and locked when first touched, on the thread that touches it.
     */
    void mlockOnFault(long address, long bytes);

    void munlock(long address, long bytes);

    void madvise(long address, long bytes, int advice);

    /** {@code syscall(SYS_memfd_secret, O_CLOEXEC)}; returns the file descriptor. */
    int memfdSecret();

    void ftruncate(int fd, long bytes);

    void close(int fd);

    /** Zeroes memory through a call the JIT cannot see into, so the stores cannot be elided. */
    void explicitBzero(long address, long bytes);

    /** {@code {soft, hard}}; {@link Linux#RLIM_INFINITY} (-1) means unlimited. */
    long[] getrlimit(int resource);

    void setrlimit(int resource, long softBytes, long hardBytes);

    /** {@code prctl(option, arg2, 0, 0, 0)}; returns the call's result. */
    int prctl(int option, long arg2);
}
