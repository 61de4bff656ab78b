package dev.tensorseal.internal.store;

import dev.tensorseal.TensorInfo;
import dev.tensorseal.internal.memory.PlaintextMemory;
import java.lang.foreign.MemorySegment;
import java.util.BitSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The plaintext of a writable view, with its tensor's write permit and the chunks touched since the
 * last commit. The plaintext covers whole chunks {@code firstChunk..lastChunk} (so untouched bytes
 * at the edges are re-sealed as they were); the caller sees only the requested slice.
 */
public final class WriteLease extends ViewLease {
    private final PlaintextSealer sealer;
    final TensorState state;
    final int firstChunk;
    final int lastChunk;
    final long spanStart;
    final BitSet dirty = new BitSet();
    private final ReentrantLock commitLock = new ReentrantLock();

    WriteLease(ViewLeases owner, PlaintextSealer sealer, TensorInfo info, long offsetBytes, PlaintextMemory.Block block,
               MemorySegment slice, TensorState state, int firstChunk, int lastChunk, long spanStart) {
        super(owner, info, offsetBytes, block, slice);
        this.sealer = sealer;
        this.state = state;
        this.firstChunk = firstChunk;
        this.lastChunk = lastChunk;
        this.spanStart = spanStart;
    }

    /** The writable plaintext. Handing it out marks every chunk it covers as touched. */
    @Override
    public MemorySegment segment() {
        ensureOpen();
        markDirty(0, slice.byteSize());
        return slice;
    }

    /** Records that bytes {@code offsetInView..+lengthBytes} will change (the typed setters call this). */
    public void markDirty(long offsetInView, long lengthBytes) {
        ensureOpen();
        if (lengthBytes <= 0) {
            return;
        }
        int cs = state.table().meta.chunkSizeBytes();
        long from = offsetBytes + offsetInView;
        long to = from + lengthBytes - 1;
        dirty.set((int) (from / cs), (int) (to / cs) + 1);
    }

    /** The writable slice without marking anything: for setters that call {@link #markDirty} themselves. */
    public MemorySegment unmarkedSegment() {
        ensureOpen();
        return slice;
    }

    /**
     * Re-seals the touched chunks with a fresh generation and publishes them atomically. Commits of
     * one view run one at a time, and closing the view waits for a running commit: two sealings of
     * this view's bytes can never read the same generation, and its plaintext is never zeroed or
     * handed to another writer while it is being sealed.
     */
    public void commit() {
        commitLock.lock();
        try {
            ensureOpen();
            sealer.commit(this);
        } finally {
            commitLock.unlock();
        }
    }

    @Override
    public void close() {
        commitLock.lock();
        try {
            super.close();
        } finally {
            commitLock.unlock();
        }
    }
}
