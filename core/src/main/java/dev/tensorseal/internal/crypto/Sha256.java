package dev.tensorseal.internal.crypto;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * SHA-256 (FIPS 180-4) whose whole state (chaining value, partial block, message schedule) lives in key memory
 * (a {@link KeyScratch} block) that it owns and zeroes on {@link #close()}. Why not the JDK's MessageDigest: HMAC and HKDF hash secrets (a key
 * block, a PRK, derived key blocks), and the JDK keeps its buffer and state in heap arrays that no caller can
 * wipe and that the garbage collector may copy. SHA-256 is additions, rotations and XORs on 32-bit words, with no
 * table lookup indexed by data, so it runs in constant time. Not thread-safe; for the small inputs of HMAC and HKDF.
 */
final class Sha256 implements AutoCloseable {
    static final int BLOCK_BYTES = 64;
    static final int DIGEST_BYTES = 32;
    private static final ValueLayout.OfInt BIG_ENDIAN = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt WORD = ValueLayout.JAVA_INT_UNALIGNED;
    private static final long STATE = 0;
    private static final long BUFFER = STATE + DIGEST_BYTES;
    private static final long SCHEDULE = BUFFER + BLOCK_BYTES;
    private static final int MEMORY_BYTES = (int) SCHEDULE + 64 * 4;
    private static final int[] INITIAL = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    private static final int[] K = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

    private final KeyScratch memory = KeyScratch.take(MEMORY_BYTES);
    private final MemorySegment m = memory.segment();
    private long messageBytes; // a length: not secret
    private int buffered;

    Sha256() {
        reset();
    }

    /** Starts a new message. */
    void reset() {
        ensureOpen();
        for (int i = 0; i < INITIAL.length; i++) {
            m.set(WORD, STATE + 4L * i, INITIAL[i]);
        }
        m.asSlice(BUFFER, BLOCK_BYTES).fill((byte) 0);
        messageBytes = 0;
        buffered = 0;
    }

    void update(byte[] data) {
        ensureOpen();
        update(MemorySegment.ofArray(data));
    }

    void update(byte b) {
        ensureOpen();
        m.set(ValueLayout.JAVA_BYTE, BUFFER + buffered, b);
        messageBytes++;
        if (++buffered == BLOCK_BYTES) {
            compress(m, BUFFER);
            buffered = 0;
        }
    }

    /** Hashes all of {@code data} (heap or native; read once, never copied outside this object's memory). */
    void update(MemorySegment data) {
        ensureOpen();
        long at = 0;
        long length = data.byteSize();
        messageBytes += length;
        if (buffered > 0) {
            int n = (int) Math.min(BLOCK_BYTES - buffered, length);
            MemorySegment.copy(data, at, m, BUFFER + buffered, n);
            at += n;
            buffered += n;
            if (buffered < BLOCK_BYTES) {
                return;
            }
            compress(m, BUFFER);
            buffered = 0;
        }
        for (; length - at >= BLOCK_BYTES; at += BLOCK_BYTES) {
            compress(data, at);
        }
        int rest = (int) (length - at);
        MemorySegment.copy(data, at, m, BUFFER, rest);
        buffered = rest;
    }

    /** Writes the digest to {@code out[0..32)} and starts a new message. */
    void finish(MemorySegment out) {
        ensureOpen();
        long bits = messageBytes * 8;
        update((byte) 0x80);
        while (buffered != BLOCK_BYTES - 8) {
            update((byte) 0);
        }
        m.set(BIG_ENDIAN, BUFFER + BLOCK_BYTES - 8, (int) (bits >>> 32));
        m.set(BIG_ENDIAN, BUFFER + BLOCK_BYTES - 4, (int) bits);
        compress(m, BUFFER);
        for (int i = 0; i < 8; i++) {
            out.set(BIG_ENDIAN, 4L * i, m.get(WORD, STATE + 4L * i));
        }
        reset();
    }

    private void compress(MemorySegment block, long offset) {
        for (int t = 0; t < 16; t++) {
            m.set(WORD, SCHEDULE + 4L * t, block.get(BIG_ENDIAN, offset + 4L * t));
        }
        for (int t = 16; t < 64; t++) {
            int w15 = m.get(WORD, SCHEDULE + 4L * (t - 15));
            int w2 = m.get(WORD, SCHEDULE + 4L * (t - 2));
            int s0 = Integer.rotateRight(w15, 7) ^ Integer.rotateRight(w15, 18) ^ (w15 >>> 3);
            int s1 = Integer.rotateRight(w2, 17) ^ Integer.rotateRight(w2, 19) ^ (w2 >>> 10);
            m.set(WORD, SCHEDULE + 4L * t, m.get(WORD, SCHEDULE + 4L * (t - 16)) + s0 + m.get(WORD, SCHEDULE + 4L * (t - 7)) + s1);
        }
        int a = m.get(WORD, STATE), b = m.get(WORD, STATE + 4), c = m.get(WORD, STATE + 8), d = m.get(WORD, STATE + 12);
        int e = m.get(WORD, STATE + 16), f = m.get(WORD, STATE + 20), g = m.get(WORD, STATE + 24), h = m.get(WORD, STATE + 28);
        for (int t = 0; t < 64; t++) {
            int t1 = h + (Integer.rotateRight(e, 6) ^ Integer.rotateRight(e, 11) ^ Integer.rotateRight(e, 25))
                    + ((e & f) ^ (~e & g)) + K[t] + m.get(WORD, SCHEDULE + 4L * t);
            int t2 = (Integer.rotateRight(a, 2) ^ Integer.rotateRight(a, 13) ^ Integer.rotateRight(a, 22))
                    + ((a & b) ^ (a & c) ^ (b & c));
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        m.set(WORD, STATE, m.get(WORD, STATE) + a);
        m.set(WORD, STATE + 4, m.get(WORD, STATE + 4) + b);
        m.set(WORD, STATE + 8, m.get(WORD, STATE + 8) + c);
        m.set(WORD, STATE + 12, m.get(WORD, STATE + 12) + d);
        m.set(WORD, STATE + 16, m.get(WORD, STATE + 16) + e);
        m.set(WORD, STATE + 20, m.get(WORD, STATE + 20) + f);
        m.set(WORD, STATE + 24, m.get(WORD, STATE + 24) + g);
        m.set(WORD, STATE + 28, m.get(WORD, STATE + 28) + h);
    }

    private boolean closed;

    /** Use after close would write into scratch that the pool has handed to someone else. */
    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("closed");
        }
    }

    /** Zeroes the state. Idempotent. */
    @Override
    public void close() {
        closed = true;
        memory.close();
    }
}
