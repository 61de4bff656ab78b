package dev.tensorseal;

import dev.tensorseal.nativebridge.DeviceBuffer;
import java.lang.foreign.MemorySegment;

/**
 * A tensor's plaintext in GPU memory, from {@link GpuSession#upload} (decrypted and verified on the
 * device) or {@link GpuSession#allocate} (zero-filled, for other CUDA code to fill and
 * {@link GpuSession#seal} back). Its bytes never pass through host memory. Use
 * {@link #devicePointer()} in CUDA code on the same context, ordered after {@link #stream()}.
 * {@link #close()} zeroes the device memory, then frees it. Not thread-safe.
 */
public final class DeviceTensor implements AutoCloseable {
    private final GpuSession session;
    private final TensorInfo info;
    private final DeviceBuffer buffer;

    DeviceTensor(GpuSession session, TensorInfo info, DeviceBuffer buffer) {
        this.session = session;
        this.info = info;
        this.buffer = buffer;
    }

    public TensorInfo info() {
        return info;
    }

    /** The {@code CUdeviceptr} of the first byte (little-endian elements, as in the store). */
    public long devicePointer() {
        return buffer.address();
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
        return buffer;
    }

    GpuSession session() {
        return session;
    }

    /** Zeroes the device memory, waits, frees it. Idempotent. */
    @Override
    public void close() {
        buffer.close();
    }
}
