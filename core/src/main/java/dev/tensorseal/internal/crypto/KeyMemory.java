package dev.tensorseal.internal.crypto;

import java.lang.foreign.MemorySegment;

/**
 * Where key material is allocated. By default, plain off-heap memory zeroed on close; when the
 * native bridge's hardened memory is installed ({@link #install}), keys go to locked, don't-dump
 * pages (memfd_secret where the kernel allows it).
 */
public final class KeyMemory {
    /** A hardened allocator for small secrets. */
    public interface Allocator {
        /** A zero-filled segment of {@code size} bytes, or null if none can be had. */
        MemorySegment allocate(int size);

        /** Zeroes (again) and releases a segment this allocator returned. */
        void release(MemorySegment segment);
    }

    // Installed at start-up when the native bridge is available (no native access: null, plain memory).
    private static volatile Allocator allocator =
            dev.tensorseal.internal.memory.HardenedKeyMemory.systemAllocatorOrNull();

    private KeyMemory() {}

    /** Installs {@code a} (null: plain memory) and returns the allocator it replaces, for a test to put back. */
    public static Allocator install(Allocator a) {
        Allocator previous = allocator;
        allocator = a;
        return previous;
    }

    static MemorySegment allocate(int size) {
        Allocator a = allocator;
        return a == null ? null : a.allocate(size);
    }

    static void release(MemorySegment segment) {
        Allocator a = allocator;
        if (a != null) {
            a.release(segment);
        }
    }
}
