package dev.tensorseal.internal.onnx;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/** Writes protobuf wire format into a growing heap buffer (used only for graph structure, never weights). */
final class ProtoWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    void varint(long value) {
        long v = value;
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    void tag(int field, int wireType) {
        varint(((long) field << 3) | wireType);
    }

    void varintField(int field, long value) {
        tag(field, ProtoReader.VARINT);
        varint(value);
    }

    void bytesField(int field, byte[] payload) {
        tag(field, ProtoReader.LENGTH_DELIMITED);
        varint(payload.length);
        out.writeBytes(payload);
    }

    void stringField(int field, String value) {
        bytesField(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Copies bytes verbatim (a field kept exactly as it was). */
    void raw(MemorySegment bytes) {
        out.writeBytes(bytes.toArray(ValueLayout.JAVA_BYTE));
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
