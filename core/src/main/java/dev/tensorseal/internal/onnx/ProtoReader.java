package dev.tensorseal.internal.onnx;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Reads protobuf wire format (varint, fixed32, fixed64, length-delimited) from a segment, with every length
 * checked against what is left, so a corrupt file fails with a message instead of reading past its end.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment data;
    private long position;

    ProtoReader(MemorySegment data) {
        this.data = data;
    }

    boolean hasMore() {
        return position < data.byteSize();
    }

    long position() {
        return position;
    }

    MemorySegment data() {
        return data;
    }

    /** Reads a tag; returns it whole (field number = tag >>> 3, wire type = tag & 7). */
    long readTag() {
        long tag = readVarint();
        if ((tag >>> 3) == 0) {
            throw new OnnxFormatException("protobuf field number 0 at byte " + position);
        }
        return tag;
    }

    long readVarint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (position >= data.byteSize()) {
                throw new OnnxFormatException("truncated varint at byte " + position);
            }
            byte b = data.get(ValueLayout.JAVA_BYTE, position++);
            result |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw new OnnxFormatException("varint longer than 10 bytes at byte " + position);
    }

    int readFixed32() {
        need(4);
        int v = data.get(INT_LE, position);
        position += 4;
        return v;
    }

    long readFixed64() {
        need(8);
        long v = data.get(LONG_LE, position);
        position += 8;
        return v;
    }

    /** Reads a length-delimited field's payload as a slice of the underlying segment (no copy). */
    MemorySegment readBytes() {
        long length = readVarint();
        if (length < 0) {
            throw new OnnxFormatException("negative length at byte " + position);
        }
        need(length);
        MemorySegment slice = data.asSlice(position, length);
        position += length;
        return slice;
    }

    String readString() {
        MemorySegment s = readBytes();
        if (s.byteSize() > 1 << 20) {
            throw new OnnxFormatException("string field of " + s.byteSize() + " bytes at byte " + position);
        }
        return new String(s.toArray(ValueLayout.JAVA_BYTE), java.nio.charset.StandardCharsets.UTF_8);
    }

    void skip(int wireType) {
        switch (wireType) {
            case VARINT -> readVarint();
            case FIXED64 -> readFixed64();
            case LENGTH_DELIMITED -> readBytes();
            case FIXED32 -> readFixed32();
            default -> throw new OnnxFormatException("unsupported protobuf wire type " + wireType + " at byte " + position);
        }
    }

    private void need(long bytes) {
        if (bytes > data.byteSize() - position) {
            throw new OnnxFormatException("field of " + bytes + " bytes at byte " + position + " runs past the end ("
                    + data.byteSize() + " bytes)");
        }
    }
}
