package dev.tensorseal;

import dev.tensorseal.internal.store.ViewLease;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Decrypted, authenticated plaintext of a tensor or of a slice of one, in off-heap memory taken
 * from the store's plaintext budget.
 *
 * <p><b>Lifetime.</b> The memory stays valid, unchanged, until {@link #close()}, which zeroes it and
 * returns it to the budget. Anything that keeps a pointer into it must be done with it first:
 * ONNX Runtime's {@code OrtSession.SessionOptions.addInitializer} and {@code OnnxTensor}s created
 * over {@link #asByteBuffer()}, DJL NDArrays created from the buffer, native kernels. Every method
 * of a closed view throws {@link IllegalStateException}; native code that kept a raw pointer would
 * read freed memory, which Java cannot detect.
 *
 * <p><b>Layout.</b> Bytes are the tensor's elements in row-major order, little-endian (the
 * safetensors layout; also the native order of x86-64 and aarch64). Typed accessors take an
 * element index counted from the start of this view. A view is a snapshot: writes committed after
 * it opened do not show in it. Views are safe to read from many threads.
 */
public sealed class TensorView implements AutoCloseable permits WritableView {
    /** ByteBuffers hold at most 2^31 - 1 bytes; pieces are cut at a 64-byte boundary below that. */
    static final long MAX_BUFFER_BYTES = Integer.MAX_VALUE & ~63L;

    final ViewLease lease;

    TensorView(ViewLease lease) {
        this.lease = lease;
    }

    /** The tensor this view is of. */
    public TensorInfo info() {
        return lease.info();
    }

    /** Where this view starts in the tensor, in bytes. */
    public long offsetBytes() {
        return lease.offsetBytes();
    }

    /** Bytes in this view. */
    public long byteSize() {
        return lease.byteSize();
    }

    /** The plaintext for this class's own reads (a writable view does not mark chunks touched on reads). */
    MemorySegment data() {
        return lease.segment();
    }

    /**
     * The plaintext. For views from {@code read} the segment is read-only ({@link MemorySegment#isReadOnly()}): a
     * write to it throws {@link IllegalArgumentException}, as the JDK specifies for every read-only segment since
     * Java 22 (the FFM preview threw {@link UnsupportedOperationException}); a write through {@link #asByteBuffer()}
     * throws {@link java.nio.ReadOnlyBufferException}, an {@code UnsupportedOperationException}.
     */
    public MemorySegment segment() {
        return lease.segment();
    }

    /**
     * The plaintext as one direct buffer in native byte order (read-only for views from {@code read}).
     *
     * @throws CapacityException when the view is 2 GiB or more: use {@link #byteBuffers()}
     */
    public ByteBuffer asByteBuffer() {
        MemorySegment s = segment();
        if (s.byteSize() > MAX_BUFFER_BYTES) {
            throw new CapacityException("view of tensor '" + info().name() + "' is " + s.byteSize()
                    + " bytes, more than one ByteBuffer holds (" + MAX_BUFFER_BYTES + "): use byteBuffers()");
        }
        return s.asByteBuffer().order(ByteOrder.nativeOrder());
    }

    /** The plaintext as consecutive direct buffers of at most 2 GiB - 64 bytes each, native byte order. */
    public List<ByteBuffer> byteBuffers() {
        MemorySegment s = segment();
        List<ByteBuffer> out = new ArrayList<>();
        for (long at = 0; at < s.byteSize(); at += MAX_BUFFER_BYTES) {
            out.add(s.asSlice(at, Math.min(MAX_BUFFER_BYTES, s.byteSize() - at)).asByteBuffer().order(ByteOrder.nativeOrder()));
        }
        return out;
    }

    public byte getByte(long index) {
        return data().get(ValueLayout.JAVA_BYTE, index);
    }

    public short getShort(long index) {
        return data().get(Layouts.SHORT, index * 2);
    }

    public int getInt(long index) {
        return data().get(Layouts.INT, index * 4);
    }

    public long getLong(long index) {
        return data().get(Layouts.LONG, index * 8);
    }

    public float getFloat(long index) {
        return data().get(Layouts.FLOAT, index * 4);
    }

    public double getDouble(long index) {
        return data().get(Layouts.DOUBLE, index * 8);
    }

    /** Copies the view's bytes into a new heap array (the copy is yours to wipe). */
    public byte[] toByteArray() {
        return data().toArray(ValueLayout.JAVA_BYTE);
    }

    public boolean isClosed() {
        return lease.isClosed();
    }

    /** Zeroes the plaintext and returns it to the budget. Idempotent. */
    @Override
    public void close() {
        lease.close();
    }

    @Override
    public String toString() {
        return "TensorView[" + info().name() + " bytes " + offsetBytes() + ".." + (offsetBytes() + byteSize())
                + (isClosed() ? ", closed]" : "]");
    }

    /** Little-endian, unaligned (a slice may start anywhere). */
    static final class Layouts {
        static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

        private Layouts() {}
    }
}
