package dev.tensorseal.internal.store;

import dev.tensorseal.CapacityException;
import dev.tensorseal.UnsupportedParameterException;
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
 * be bound (not Linux, no native access), the arena is used. Public for the remote reader's {@link #reserve};
 * the package is not exported.
 */
public final class AnonymousMemory {
    /** Below this, the arena's allocation is as fast and avoids two system calls. */
    static final long MIN_BYTES = 2L << 20;

    private AnonymousMemory() {}

    /**
     * {@code bytes} of zeroed memory whose lifetime is {@code arena}'s ({@code munmap} when it
     * closes or, for an automatic arena, when it becomes unreachable). Page-aligned.
     *
     * @throws NativeCallException when {@code mmap} or {@code madvise} fails (e.g. ENOMEM under an overcommit limit)
     */
    public static MemorySegment allocate(Arena arena, long bytes) {
        if (bytes < MIN_BYTES || AnonymousPages.unavailableReason() != null) {
            return arena.allocate(bytes, 64);
        }
        long address;
        try {
            address = AnonymousPages.map(bytes);
        } catch (NativeException e) {
            throw NativeCallException.from("cannot map " + bytes + " bytes", e);
        }
        try {
            AnonymousPages.adviseHugePages(address, bytes); // false without THP: 4 KiB pages work too
        } catch (NativeException e) {
            unmap(address, bytes);
            throw NativeCallException.from("cannot advise " + bytes + " mapped bytes", e);
        }
        return asSegment(address, bytes, arena);
    }

    @SuppressWarnings("restricted") // the address is our own mapping of exactly `bytes`
    private static MemorySegment asSegment(long address, long bytes, Arena arena) {
        return MemorySegment.ofAddress(address).reinterpret(bytes, arena, s -> unmap(address, bytes));
    }

    /**
     * {@code bytes} of address space with no memory behind it ({@code PROT_NONE}, no swap reserved), for slices
     * that stand for a remote object's chunks: they are only ever compared by address, and any access faults
     * instead of reading something that was never authenticated. Released with {@code arena}.
     *
     * @throws UnsupportedParameterException where libc cannot be bound (no native access)
     * @throws CapacityException when {@code mmap} cannot reserve the range (address space or map count exhausted)
     */
    public static MemorySegment reserve(Arena arena, long bytes) {
        String unavailable = AnonymousPages.unavailableReason();
        if (unavailable != null) {
            throw new UnsupportedParameterException("opening a remote .tseal needs native access (" + unavailable
                    + "): run java with --enable-native-access=dev.tensorseal.core (or ALL-UNNAMED on the class path)");
        }
        long size = Math.max(bytes, 1);
        long address;
        try {
            address = AnonymousPages.reserve(size);
        } catch (NativeException e) {
            throw new CapacityException("cannot reserve " + size + " bytes of address space: " + e.getMessage());
        }
        return asSegment(address, size, arena);
    }

    private static void unmap(long address, long bytes) {
        try {
            AnonymousPages.unmap(address, bytes);
        } catch (NativeException e) {
            throw NativeCallException.from("cannot unmap " + bytes + " bytes", e);
        }
    }
}
