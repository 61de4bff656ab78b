package dev.tensorseal.internal.memory;

import java.lang.foreign.MemorySegment;

/**
 * Where plaintext scratch for views comes from. The default is {@link ArenaPlaintextMemory}; the
 * native bridge supplies hardened blocks (mlock, MADV_DONTDUMP, guard pages) through this seam.
 * The store zeroes a block before closing it, so implementations need not (they may again).
 */
public interface PlaintextMemory {
    /** A block of plaintext scratch. */
    interface Block extends AutoCloseable {
        /** At least 64-byte aligned, exactly the size asked for. */
        MemorySegment segment();

        /** Releases the memory; the segment is unusable afterwards. */
        @Override
        void close();
    }

    /** A block of {@code bytes} (at least 1). */
    Block allocate(long bytes);
}
