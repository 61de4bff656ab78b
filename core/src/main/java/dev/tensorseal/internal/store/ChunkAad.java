package dev.tensorseal.internal.store;

import dev.tensorseal.TensorInfo;
import java.nio.charset.StandardCharsets;

/**
 * The additional data and nonce of one chunk (format version 1). AAD is a sequence of fields, each
 * a u32 big-endian length followed by that many bytes, in this order:
 * <ol>
 *   <li>format version: u32 BE (1)</li>
 *   <li>tensor id: 16 bytes</li>
 *   <li>name: UTF-8</li>
 *   <li>dtype: its safetensors name in ASCII (e.g. {@code F32})</li>
 *   <li>shape: each dimension as u64 BE (empty for a scalar)</li>
 *   <li>chunk size: u64 BE</li>
 *   <li>chunk index: u32 BE</li>
 *   <li>chunk count: u64 BE</li>
 *   <li>key id: 16 bytes</li>
 *   <li>generation: u64 BE</li>
 * </ol>
 * The nonce is chunk index (u32 BE) || generation (u64 BE). Fields 1-6 are the per-tensor prefix,
 * computed once; fields 7-10 ({@link #TAIL_BYTES}) are rewritten per chunk into a reused buffer.
 */
public final class ChunkAad {
    public static final int FORMAT_VERSION = 1;
    public static final int NONCE_BYTES = 12;
    public static final int KEY_ID_BYTES = 16;
    static final int TAIL_BYTES = (4 + 4) + (4 + 8) + (4 + KEY_ID_BYTES) + (4 + 8);

    private ChunkAad() {}

    static byte[] prefix(byte[] tensorId, TensorInfo info, int chunkSizeBytes) {
        byte[] name = info.name().getBytes(StandardCharsets.UTF_8);
        byte[] dtype = info.dtype().name().getBytes(StandardCharsets.US_ASCII);
        long[] shape = info.shape();
        int size = (4 + 4) + (4 + tensorId.length) + (4 + name.length) + (4 + dtype.length) + (4 + 8 * shape.length) + (4 + 8);
        byte[] out = new byte[size];
        int p = 0;
        p = putInt(out, p, 4);
        p = putInt(out, p, FORMAT_VERSION);
        p = putBytes(out, p, tensorId);
        p = putBytes(out, p, name);
        p = putBytes(out, p, dtype);
        p = putInt(out, p, 8 * shape.length);
        for (long d : shape) {
            p = putLong(out, p, d);
        }
        p = putInt(out, p, 8);
        putLong(out, p, chunkSizeBytes);
        return out;
    }

    /** A buffer holding {@code prefix} followed by room for the per-chunk tail. */
    static byte[] newBuffer(byte[] prefix) {
        byte[] aad = new byte[prefix.length + TAIL_BYTES];
        System.arraycopy(prefix, 0, aad, 0, prefix.length);
        return aad;
    }

    /** Writes the per-chunk fields after the prefix, and the nonce into {@code nonce}. */
    static void fill(byte[] aad, int prefixLength, byte[] nonce, int index, long chunkCount, byte[] keyId, long generation) {
        int p = prefixLength;
        p = putInt(aad, p, 4);
        p = putInt(aad, p, index);
        p = putInt(aad, p, 8);
        p = putLong(aad, p, chunkCount);
        p = putBytes(aad, p, keyId);
        p = putInt(aad, p, 8);
        putLong(aad, p, generation);
        putInt(nonce, 0, index);
        putLong(nonce, 4, generation);
    }

    private static int putBytes(byte[] out, int p, byte[] field) {
        p = putInt(out, p, field.length);
        System.arraycopy(field, 0, out, p, field.length);
        return p + field.length;
    }

    private static int putInt(byte[] out, int p, int v) {
        out[p] = (byte) (v >>> 24);
        out[p + 1] = (byte) (v >>> 16);
        out[p + 2] = (byte) (v >>> 8);
        out[p + 3] = (byte) v;
        return p + 4;
    }

    private static int putLong(byte[] out, int p, long v) {
        putInt(out, p, (int) (v >>> 32));
        putInt(out, p + 4, (int) v);
        return p + 8;
    }
}
