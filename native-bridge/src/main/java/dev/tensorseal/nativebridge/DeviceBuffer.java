package dev.tensorseal.nativebridge;

/**
 * Device memory from {@code cuMemAlloc_v2}. {@link #close()} zeroes it before freeing, because it
 * may have held plaintext; the owning {@link GpuAesGcm}'s context must still be alive.
 */
public final class DeviceBuffer implements AutoCloseable {
    private final GpuAesGcm owner;
    private final long address;
    private final long byteSize;
    private boolean closed;

    DeviceBuffer(GpuAesGcm owner, long address, long byteSize) {
        this.owner = owner;
        this.address = address;
        this.byteSize = byteSize;
    }

    /** The {@code CUdeviceptr}, for other CUDA code in the same context. */
    public long address() {
        checkOpen();
        return address;
    }

    public long byteSize() {
        return byteSize;
    }

    void checkRange(long offset, long bytes) {
        checkOpen();
        if (offset < 0 || bytes < 0 || offset + bytes > byteSize) {
            throw new IndexOutOfBoundsException("range " + offset + "+" + bytes + " outside device buffer of " + byteSize);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("device buffer already closed");
        }
    }

    /**
     * Waits for all work in the context (a kernel on any stream may still be writing plaintext here), zeroes,
     * waits for the zeroing, frees. Idempotent. Throws {@link IllegalStateException}, changing nothing, when the owning
     * {@link GpuAesGcm} is already closed ({@code GpuSession} closes its tensors before it).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        // First: if the owner is closed this throws and the buffer stays open (its plaintext is not forgotten).
        owner.makeCurrent();
        closed = true;
        CudaDriver.contextSynchronize(); // the legacy-stream memset below does not wait for non-blocking streams
        CudaDriver.memsetD8(address, (byte) 0, byteSize);
        CudaDriver.contextSynchronize();
        CudaDriver.memFree(address);
    }
}
