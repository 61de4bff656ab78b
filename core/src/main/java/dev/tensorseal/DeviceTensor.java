package dev.tensorseal;

import dev.tensorseal.nativebridge.DeviceBuffer;
import java.lang.foreign.MemorySegment;

/**
 * A tensor's plaintext in GPU memory, from {@link GpuSession#upload} (decrypted and verified on the
 * device) or {@link GpuSession#allocate} (zero-filled, for other CUDA code to fill and
 * {@link GpuSession#seal} back). Its bytes never pass through host memory. Use
 * {@link #devicePointer()} in CUDA code on the same context, ordered after {@link #stream()}.
 * {@link #close()} zeroes the device memory, then frees it; closing the session first does the same for every
 * tensor still open (and reports them). Not thread-safe.
 */
public final class DeviceTensor implements AutoCloseable {
    private final GpuSession session;
    private final TensorInfo info;
    private final DeviceMemory memory;
    private final DeviceTensorOwner owner;
    private boolean closed;

    DeviceTensor(GpuSession session, TensorInfo info, DeviceMemory memory, DeviceTensorOwner owner) {
        this.session = session;
        this.info = info;
        this.memory = memory;
        this.owner = owner;
    }

    public TensorInfo info() {
        return info;
    }

    /** The {@code CUdeviceptr} of the first byte (little-endian elements, as in the store). */
    public long devicePointer() {
        checkOpen();
        return memory.address();
    }

    /** The {@code CUstream} the upload ran on: work ordered after it sees the finished plaintext. */
    public MemorySegment stream() {
        return session.stream();
    }

    /** The tensor's size in bytes ({@code info().byteSize()}). */
    public long byteSize() {
        return info.byteSize();
    }

    DeviceBuffer buffer() {
        checkOpen();
        return memory.buffer();
    }

    public boolean isClosed() {
        return closed;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("device tensor '" + info.name() + "' is closed");
        }
    }

    GpuSession session() {
        return session;
    }

    /**
     * Zeroes the device memory, waits, frees it. Idempotent; after the session closed, a no-op (the session did it).
     * If the zeroing fails the tensor stays open, so the session's close tries again.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        memory.zeroAndFree();
        closed = true;
        owner.removed(this);
    }
}
