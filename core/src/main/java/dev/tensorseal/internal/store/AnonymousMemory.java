package dev.tensorseal.internal.store;

import dev.tensorseal.internal.NativeCallException;
import dev.tensorseal.nativebridge.NativeException;
import dev.tensorseal.nativebridge.internal.ffm.AnonymousPages;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Large off-heap buffers straight from {@code mmap}, advised for transparent huge pages. Why: an
 * {@code Arena} allocation is malloc plus a full zeroing pass, and the pass takes one page fault per
 * 4 KiB; for a 1 GiB view or a tensor's ciphertext that cost more than the AES-GCM itself
 * (BENCHMARKS.md). Anonymous mappings are already zero, and with {@code MADV_HUGEPAGE} the kernel
 * faults them in 2 MiB at a time. The calls are the native bridge's libc binding (errno captured per
 * call); a failed one is a {@link NativeCallException} with {@code strerror}'s text. Where libc cannot
 * be bound (not Linux, no native access), the arena is used.
 */
final class AnonymousMemory {
    /** Below this, the arena's allocation is as fast and avoids two system calls. */
    static final long MIN_BYTES = 2L << 20;

    private AnonymousMemory() {}

    /**
     * {@code bytes} of zeroed memory whose lifetime is {@code arena}'s ({@code munmap} when it
     * closes or, for an automatic arena, when it becomes unreachable). Page-aligned.
     *
     * @throws NativeCallException when {@code mmap} or {@code madvise} fails (e.g. ENOMEM under an overcommit limit)
     */
    static MemorySegment allocate(Arena arena, long bytes) {
        if (bytes < MIN_BYTES || AnonymousPages.unavailableReason() != null) {
            return arena.allocate(bytes, 64);
        }
        long address;
        try {
            address = AnonymousPages.map(bytes);
        } catch (NativeException e) {
            throw new NativeCallException("cannot map " + bytes + " bytes: " + e.getMessage(), e);
        }
        try {
            AnonymousPages.adviseHugePages(address, bytes); // false without THP: 4 KiB pages work too
        } catch (NativeException e) {
            unmap(address, bytes);
            throw new NativeCallException("cannot advise " + bytes + " mapped bytes: " + e.getMessage(), e);
        }
        return asSegment(address, bytes, arena);
    }

    @SuppressWarnings("restricted") // the address is our own mapping of exactly `bytes`
    private static MemorySegment asSegment(long address, long bytes, Arena arena) {
        return MemorySegment.ofAddress(address).reinterpret(bytes, arena, s -> unmap(address, bytes));
    }

    private static void unmap(long address, long bytes) {
        try {
            AnonymousPages.unmap(address, bytes);
        } catch (NativeException e) {
            throw new NativeCallException("cannot unmap " + bytes + " bytes: " + e.getMessage(), e);
        }
    }
}
