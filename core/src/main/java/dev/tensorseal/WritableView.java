package dev.tensorseal;

import dev.tensorseal.internal.store.WriteLease;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A view that can change the tensor. Opening one takes the tensor's write lock (one writer per
 * tensor); readers keep seeing the last committed state until {@link #commit()}, which re-seals
 * the chunks touched since the last commit under a fresh generation and publishes them all at
 * once. {@link #close()} without a commit discards the changes and releases the lock.
 *
 * <p>Touched chunks: the typed setters and {@link #copyFrom} mark exactly the chunks they write.
 * {@link #segment()} and the buffers hand out writable memory the view cannot watch, so they mark
 * every chunk this view covers.
 */
public final class WritableView extends TensorView {
    private final WriteLease w;

    WritableView(WriteLease lease) {
        super(lease);
        this.w = lease;
    }

    /** Writable plaintext; marks every chunk of this view as touched. */
    @Override
    public MemorySegment segment() {
        return w.segment();
    }

    @Override
    MemorySegment data() {
        return w.unmarkedSegment();
    }

    public void setByte(long index, byte v) {
        at(index, 1).set(ValueLayout.JAVA_BYTE, index, v);
    }

    public void setShort(long index, short v) {
        at(index * 2, 2).set(Layouts.SHORT, index * 2, v);
    }

    public void setInt(long index, int v) {
        at(index * 4, 4).set(Layouts.INT, index * 4, v);
    }

    public void setLong(long index, long v) {
        at(index * 8, 8).set(Layouts.LONG, index * 8, v);
    }

    public void setFloat(long index, float v) {
        at(index * 4, 4).set(Layouts.FLOAT, index * 4, v);
    }

    public void setDouble(long index, double v) {
        at(index * 8, 8).set(Layouts.DOUBLE, index * 8, v);
    }

    /** Copies {@code source} into this view at {@code offsetBytes} (counted from the view's start). */
    public void copyFrom(long offsetBytes, MemorySegment source) {
        MemorySegment s = at(offsetBytes, source.byteSize());
        MemorySegment.copy(source, 0, s, offsetBytes, source.byteSize());
    }

    /** Re-seals the touched chunks and publishes them atomically; the view stays open for more changes. */
    public void commit() {
        w.commit();
    }

    private MemorySegment at(long offsetBytes, long length) {
        MemorySegment s = w.unmarkedSegment();
        if (offsetBytes < 0 || length < 0 || offsetBytes > s.byteSize() - length) {
            throw new IndexOutOfBoundsException("view of tensor '" + info().name() + "' is " + s.byteSize()
                    + " bytes; cannot write " + length + " bytes at " + offsetBytes);
        }
        w.markDirty(offsetBytes, length);
        return s;
    }
}
