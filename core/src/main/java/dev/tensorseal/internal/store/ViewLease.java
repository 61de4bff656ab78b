package dev.tensorseal.internal.store;

import dev.tensorseal.TensorInfo;
import dev.tensorseal.internal.memory.PlaintextMemory;
import java.lang.foreign.MemorySegment;

/**
 * The plaintext behind one open view: a block from the store's budget, decrypted and verified
 * before this object existed. Closing zeroes and releases the block; later access throws.
 */
public class ViewLease {
    private final ViewLeases owner;
    final TensorInfo info;
    final long offsetBytes;
    final PlaintextMemory.Block block;
    final MemorySegment slice;
    private volatile boolean closed;

    ViewLease(ViewLeases owner, TensorInfo info, long offsetBytes, PlaintextMemory.Block block, MemorySegment slice) {
        this.owner = owner;
        this.info = info;
        this.offsetBytes = offsetBytes;
        this.block = block;
        this.slice = slice;
    }

    public TensorInfo info() {
        return info;
    }

    /** Where the view starts in the tensor. */
    public long offsetBytes() {
        return offsetBytes;
    }

    public long byteSize() {
        return slice.byteSize();
    }

    /** The plaintext, read-only for a read lease. */
    public MemorySegment segment() {
        ensureOpen();
        return slice.asReadOnly();
    }

    public final boolean isClosed() {
        return closed;
    }

    final void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("view of tensor '" + info.name() + "' is closed");
        }
    }

    /**
     * Zeroes and releases the plaintext. Idempotent. Throws {@link IllegalStateException} (and stays
     * open) while a native call still holds the memory.
     */
    public void close() {
        closeNow();
    }

    /** Closes without waiting for anything else; the store calls this when it is closed. */
    final void closeNow() {
        synchronized (this) {
            if (closed) {
                return;
            }
            owner.release(this);
            closed = true;
        }
    }
}
