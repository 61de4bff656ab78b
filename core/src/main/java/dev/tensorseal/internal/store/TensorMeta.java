package dev.tensorseal.internal.store;

import dev.tensorseal.CapacityException;
import dev.tensorseal.TensorInfo;
import dev.tensorseal.UnsupportedParameterException;

/**
 * What a tensor's ciphertext is bound to: its random id, info and chunk size. Immutable; the AAD
 * prefix (every field before the chunk index) is computed once.
 */
public final class TensorMeta {
    /** Chunk sizes allowed: 4 KiB to 64 MiB. */
    public static final int MIN_CHUNK_BYTES = 4 * 1024;
    public static final int MAX_CHUNK_BYTES = 64 * 1024 * 1024;
    public static final int DEFAULT_CHUNK_BYTES = 64 * 1024;
    /** Chunk indices go in a u32 nonce field; Java arrays hold the table, so the smaller bound wins. */
    static final long MAX_CHUNKS = Integer.MAX_VALUE - 8;
    public static final int TENSOR_ID_BYTES = 16;

    private final byte[] tensorId;
    private final TensorInfo info;
    private final int chunkSizeBytes;
    private final int chunkCount;
    private final byte[] aadPrefix;

    public TensorMeta(byte[] tensorId, TensorInfo info, int chunkSizeBytes) {
        if (tensorId.length != TENSOR_ID_BYTES) {
            throw new IllegalArgumentException("tensor ids are " + TENSOR_ID_BYTES + " bytes, got " + tensorId.length);
        }
        checkChunkSize(chunkSizeBytes);
        long chunks = Math.ceilDiv(info.byteSize(), (long) chunkSizeBytes); // no overflow near 2^63
        if (chunks > MAX_CHUNKS) {
            throw new CapacityException("tensor '" + info.name() + "' of " + info.byteSize() + " bytes needs " + chunks
                    + " chunks of " + chunkSizeBytes + " bytes; at most " + MAX_CHUNKS + ": use a larger chunk size");
        }
        this.tensorId = tensorId.clone();
        this.info = info;
        this.chunkSizeBytes = chunkSizeBytes;
        this.chunkCount = (int) chunks;
        this.aadPrefix = ChunkAad.prefix(this.tensorId, info, chunkSizeBytes);
    }

    public static void checkChunkSize(int chunkSizeBytes) {
        if (chunkSizeBytes < MIN_CHUNK_BYTES || chunkSizeBytes > MAX_CHUNK_BYTES) {
            throw new UnsupportedParameterException("chunk size must be " + MIN_CHUNK_BYTES + " to " + MAX_CHUNK_BYTES
                    + " bytes, got " + chunkSizeBytes);
        }
    }

    public byte[] tensorId() {
        return tensorId.clone();
    }

    public TensorInfo info() {
        return info;
    }

    public String name() {
        return info.name();
    }

    public int chunkSizeBytes() {
        return chunkSizeBytes;
    }

    public int chunkCount() {
        return chunkCount;
    }

    /** Plaintext bytes of chunk {@code index} (the last one may be short). */
    public int plainBytes(int index) {
        return (int) Math.min(chunkSizeBytes, info.byteSize() - (long) index * chunkSizeBytes);
    }

    /** Where chunk {@code index}'s plaintext starts in the tensor. */
    public long plainOffset(int index) {
        return (long) index * chunkSizeBytes;
    }

    byte[] aadPrefix() {
        return aadPrefix;
    }
}
