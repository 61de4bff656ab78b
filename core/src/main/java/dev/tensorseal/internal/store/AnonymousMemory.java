package dev.tensorseal.internal.store;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Large off-heap buffers straight from {@code mmap}, advised for transparent huge pages. Why: an
 * {@code Arena} allocation is malloc plus a full zeroing pass, and the pass takes one page fault per
 * 4 KiB; for a 1 GiB view or a tensor's ciphertext that cost more than the AES-GCM itself
 * (BENCHMARKS.md). Anonymous mappings are already zero, and with {@code MADV_HUGEPAGE} the kernel
 * faults them in 2 MiB at a time. Falls back to the arena where libc cannot be bound.
 */
// Binding libc is the point of this class: it needs --enable-native-access for this module (or ALL-UNNAMED).
@SuppressWarnings("restricted")
public final class AnonymousMemory {
    /** Below this, the arena's allocation is as fast and avoids two system calls. */
    static final long MIN_BYTES = 2L << 20;

    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int MAP_PRIVATE = 2;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final int MAP_NORESERVE = 0x4000;
    private static final int PROT_NONE = 0;
    private static final int MADV_HUGEPAGE = 14;
    private static final long MAP_FAILED = -1L;

    // void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset);
    private static final MethodHandle mmap;
    // int madvise(void *addr, size_t length, int advice);
    private static final MethodHandle madvise;
    // int munmap(void *addr, size_t length);
    private static final MethodHandle munmap;

    static {
        MethodHandle a = null;
        MethodHandle b = null;
        MethodHandle c = null;
        if (System.getProperty("os.name", "").startsWith("Linux")) {
            try {
                Linker linker = Linker.nativeLinker();
                var libc = linker.defaultLookup();
                a = linker.downcallHandle(libc.find("mmap").orElseThrow(), FunctionDescriptor.of(ValueLayout.ADDRESS,
                        ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_LONG));
                b = linker.downcallHandle(libc.find("madvise").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
                c = linker.downcallHandle(libc.find("munmap").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
            } catch (RuntimeException e) {
                a = null; // no native access or no libc: the arena path below
            }
        }
        mmap = a;
        madvise = b;
        munmap = c;
    }

    private AnonymousMemory() {}

    /**
     * {@code bytes} of zeroed memory whose lifetime is {@code arena}'s ({@code munmap} when it
     * closes or, for an automatic arena, when it becomes unreachable). Page-aligned.
     */
    static MemorySegment allocate(Arena arena, long bytes) {
        if (mmap == null || bytes < MIN_BYTES) {
            return arena.allocate(bytes, 64);
        }
        MemorySegment p;
        try {
            p = (MemorySegment) mmap.invokeExact(MemorySegment.NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("mmap of " + bytes + " bytes failed", t);
        }
        if (p.address() == MAP_FAILED) {
            return arena.allocate(bytes, 64); // e.g. an overcommit limit: let the arena report it as OutOfMemoryError
        }
        try {
            // Advice only: a kernel without THP (or with it set to never) ignores it, and 4 KiB pages still work.
            int ignored = (int) madvise.invokeExact(p, bytes, MADV_HUGEPAGE);
        } catch (Throwable t) {
            unmap(p.address(), bytes);
            throw new IllegalStateException("madvise failed", t);
        }
        long address = p.address();
        return p.reinterpret(bytes, arena, s -> unmap(address, bytes));
    }

    /**
     * {@code bytes} of address space with no memory behind it ({@code PROT_NONE}, no swap reserved), for slices
     * that stand for a remote object's chunks: they are only ever compared by address, and any access faults
     * instead of reading something that was never authenticated. Released with {@code arena}.
     *
     * @throws dev.tensorseal.UnsupportedParameterException where libc cannot be bound (no native access)
     */
    public static MemorySegment reserve(Arena arena, long bytes) {
        if (mmap == null) {
            throw new dev.tensorseal.UnsupportedParameterException("opening a remote .tseal needs native access:"
                    + " run java with --enable-native-access=dev.tensorseal.core (or ALL-UNNAMED on the class path)");
        }
        long size = Math.max(bytes, 1);
        MemorySegment p;
        try {
            p = (MemorySegment) mmap.invokeExact(MemorySegment.NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                    -1, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("mmap of " + size + " bytes of address space failed", t);
        }
        if (p.address() == MAP_FAILED) {
            throw new dev.tensorseal.CapacityException("mmap could not reserve " + size + " bytes of address space");
        }
        long address = p.address();
        return p.reinterpret(size, arena, s -> unmap(address, size));
    }

    private static void unmap(long address, long bytes) {
        try {
            int ignored = (int) munmap.invokeExact(MemorySegment.ofAddress(address), bytes);
        } catch (Throwable t) {
            throw new IllegalStateException("munmap failed", t);
        }
    }
}
