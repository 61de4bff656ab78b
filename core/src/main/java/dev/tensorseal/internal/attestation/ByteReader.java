package dev.tensorseal.internal.attestation;

import java.util.Arrays;

/**
 * A bounds-checked little-endian cursor over untrusted bytes: every read names the field, and a read past
 * the end is an {@link EvidenceFormatException} giving the field, its offset and how many bytes were left.
 */
final class ByteReader {
    private final byte[] data;
    private final String what;
    private int position;

    ByteReader(byte[] data, String what) {
        this.data = data;
        this.what = what;
    }

    int position() {
        return position;
    }

    int remaining() {
        return data.length - position;
    }

    int u8(String field) {
        require(field, 1);
        return data[position++] & 0xff;
    }

    int u16(String field) {
        require(field, 2);
        int v = (data[position] & 0xff) | (data[position + 1] & 0xff) << 8;
        position += 2;
        return v;
    }

    int u24(String field) {
        require(field, 3);
        int v = (data[position] & 0xff) | (data[position + 1] & 0xff) << 8 | (data[position + 2] & 0xff) << 16;
        position += 3;
        return v;
    }

    byte[] bytes(String field, int length) {
        require(field, length);
        byte[] out = Arrays.copyOfRange(data, position, position + length);
        position += length;
        return out;
    }

    /** Fails unless every byte was consumed: trailing bytes would be unauthenticated or misparsed. */
    void expectEnd() {
        if (remaining() != 0) {
            throw new EvidenceFormatException(what + ": " + remaining() + " unexpected trailing bytes at offset " + position);
        }
    }

    private void require(String field, int length) {
        if (length < 0 || length > remaining()) {
            throw new EvidenceFormatException(what + ": " + field + " needs " + length + " bytes at offset " + position
                    + ", only " + remaining() + " left");
        }
    }
}
