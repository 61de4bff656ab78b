package dev.tensorseal.nativebridge.internal.ffm;

import dev.tensorseal.nativebridge.NativeException;
import dev.tensorseal.nativebridge.internal.Linux;

/**
 * Private anonymous mappings for core's large buffers (exported to core only). Every failure is a
 * {@link NativeException} naming the call and carrying {@code strerror}'s text.
 */
public final class AnonymousPages {
    private AnonymousPages() {}

    /** Null when the calls below work here, else why not (then core uses an arena). */
    public static String unavailableReason() {
        return LibcAvailability.unavailableReason();
    }

    /** {@code bytes} of zeroed, read-write, private memory; page-aligned. */
    public static long map(long bytes) {
        LibcAvailability.require();
        return Libc.mmap(0L, bytes, Linux.PROT_READ | Linux.PROT_WRITE, Linux.MAP_PRIVATE | Linux.MAP_ANONYMOUS, -1, 0L);
    }

    /**
     * {@code bytes} of address space with nothing behind it ({@code PROT_NONE}, no swap reserved): any access
     * faults. Page-aligned.
     */
    public static long reserve(long bytes) {
        LibcAvailability.require();
        return Libc.mmap(0L, bytes, Linux.PROT_NONE, Linux.MAP_PRIVATE | Linux.MAP_ANONYMOUS | Linux.MAP_NORESERVE, -1, 0L);
    }

    /**
     * Asks for transparent huge pages; false when the kernel has none ({@code EINVAL}: built without THP), which is
     * not an error, since 4 KiB pages work. Any other failure throws.
     */
    public static boolean adviseHugePages(long address, long bytes) {
        try {
            Libc.madvise(address, bytes, Linux.MADV_HUGEPAGE);
            return true;
        } catch (NativeException e) {
            if (e.code() == Linux.EINVAL) {
                return false;
            }
            throw e;
        }
    }

    public static void unmap(long address, long bytes) {
        Libc.munmap(address, bytes);
    }
}
