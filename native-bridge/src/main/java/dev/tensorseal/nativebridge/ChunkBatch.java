package dev.tensorseal.nativebridge;

import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.nio.ByteBuffer;

/**
 * The chunk descriptors of one AES-GCM kernel launch ({@code gcm_chunk_desc} in aes_gcm_core.h):
 * per chunk, where its input, output and AAD start, its length, its key and its nonce. For open,
 * the input is ciphertext||tag and the output plaintext; for seal the reverse. The kernel does not
 * bounds-check, so launches check every descriptor against the buffers first.
 */
public final class ChunkBatch {
    /** gcm_chunk_desc: 48 bytes. */
    public static final StructLayout DESCRIPTOR = structLayout(JAVA_LONG.withName("in_offset"),
            JAVA_LONG.withName("out_offset"), JAVA_LONG.withName("aad_offset"), JAVA_INT.withName("length"),
            JAVA_INT.withName("aad_length"), JAVA_INT.withName("key_index"),
            sequenceLayout(12, JAVA_BYTE).withName("nonce"));
    public static final int TAG_BYTES = 16;
    public static final int NONCE_BYTES = 12;
    /** Per-chunk status values the kernel writes. */
    public static final int STATUS_OK = 0;
    public static final int STATUS_TAG_MISMATCH = 1;
    public static final int STATUS_BAD_KEY_INDEX = 2;

    private final MemorySegment descriptors;
    private final int capacity;
    private int count;

    /** Room for {@code capacity} chunks, allocated in {@code arena}. */
    public ChunkBatch(Arena arena, int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
        this.descriptors = arena.allocate(DESCRIPTOR, capacity);
    }

    /** The store's nonce: chunk index (u32 BE) || generation (u64 BE). */
    public static byte[] nonce(int chunkIndex, long generation) {
        return ByteBuffer.allocate(NONCE_BYTES).putInt(chunkIndex).putLong(generation).array();
    }

    /** Appends one chunk; returns this. */
    public ChunkBatch add(long inOffset, long outOffset, long aadOffset, int lengthBytes, int aadLengthBytes,
                          int keyIndex, byte[] nonce) {
        if (count == capacity) {
            throw new IllegalStateException("batch full (" + capacity + " chunks)");
        }
        if (inOffset < 0 || outOffset < 0 || aadOffset < 0 || lengthBytes < 0 || aadLengthBytes < 0 || keyIndex < 0) {
            throw new IllegalArgumentException("offsets, lengths and key index must be non-negative");
        }
        if (nonce.length != NONCE_BYTES) {
            throw new IllegalArgumentException("nonce must be 12 bytes, got " + nonce.length);
        }
        MemorySegment d = descriptors.asSlice(count * DESCRIPTOR.byteSize(), DESCRIPTOR.byteSize());
        d.set(JAVA_LONG, 0, inOffset);
        d.set(JAVA_LONG, 8, outOffset);
        d.set(JAVA_LONG, 16, aadOffset);
        d.set(JAVA_INT, 24, lengthBytes);
        d.set(JAVA_INT, 28, aadLengthBytes);
        d.set(JAVA_INT, 32, keyIndex);
        MemorySegment.copy(nonce, 0, d, JAVA_BYTE, 36, NONCE_BYTES);
        count++;
        return this;
    }

    public int count() {
        return count;
    }

    /** The filled descriptors, {@code count() * 48} bytes. */
    public MemorySegment descriptors() {
        return descriptors.asSlice(0, count * DESCRIPTOR.byteSize());
    }

    /** Status array size in bytes for this batch (one u32 per chunk). */
    public long statusBytes() {
        return 4L * count;
    }

    void checkBounds(long keySlots, int keyCount, long inBytes, long aadBytes, long outBytes, long statusBytes,
                     boolean seal) {
        if (keyCount < 0 || keyCount > keySlots) {
            throw new IllegalArgumentException("key count " + keyCount + " exceeds the " + keySlots + " key contexts");
        }
        if (statusBytes < statusBytes()) {
            throw new IllegalArgumentException("status buffer " + statusBytes + " bytes < " + statusBytes());
        }
        for (int i = 0; i < count; i++) {
            long base = i * DESCRIPTOR.byteSize();
            long in = descriptors.get(JAVA_LONG, base);
            long out = descriptors.get(JAVA_LONG, base + 8);
            long aad = descriptors.get(JAVA_LONG, base + 16);
            long length = Integer.toUnsignedLong(descriptors.get(JAVA_INT, base + 24));
            long aadLength = Integer.toUnsignedLong(descriptors.get(JAVA_INT, base + 28));
            long inEnd = in + length + (seal ? 0 : TAG_BYTES);
            long outEnd = out + length + (seal ? TAG_BYTES : 0);
            if (inEnd > inBytes || outEnd > outBytes || aad + aadLength > aadBytes) {
                throw new IllegalArgumentException("chunk " + i + " reaches past its buffers (input end " + inEnd + " of "
                        + inBytes + ", output end " + outEnd + " of " + outBytes + ", AAD end " + (aad + aadLength)
                        + " of " + aadBytes + ")");
            }
        }
    }
}
