package dev.tensorseal.nativebridge;

import java.lang.foreign.MemorySegment;

/**
 * Page-locked host memory from {@code cuMemHostAlloc}: the staging area for ciphertext uploads
 * ({@code cuMemHostRegister} on arbitrary memory fails in CC mode, this does not). Zeroed on close.
 */
public final class PinnedBuffer implements AutoCloseable {
    private final GpuAesGcm owner;
    private final MemorySegment segment;
    private boolean closed;

    PinnedBuffer(GpuAesGcm owner, MemorySegment segment) {
        this.owner = owner;
        this.segment = segment;
    }

    /** The pinned memory; do not use after close. */
    public MemorySegment segment() {
        if (closed) {
            throw new IllegalStateException("pinned buffer already closed");
        }
        return segment;
    }

    public long byteSize() {
        return segment.byteSize();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        owner.makeCurrent();
        segment.fill((byte) 0);
        CudaDriver.memFreeHost(segment);
    }
}
