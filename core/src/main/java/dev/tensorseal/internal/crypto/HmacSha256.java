package dev.tensorseal.internal.crypto;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * HMAC-SHA256 (RFC 2104, FIPS 198-1) with the key and every key-dependent value (the padded key block, the
 * inner and outer hash states, the inner digest) in key memory this object owns and zeroes on {@link #close()}.
 * The key is read once from its segment and never copied to the Java heap; the JDK's Mac would clone it into a
 * SecretKeySpec and its ipad/opad arrays, which nobody can wipe. Not thread-safe. Usage: {@code update}s, then
 * {@link #finish}, which also starts the next message under the same key.
 */
public final class HmacSha256 implements AutoCloseable {
    /** Bytes of a tag. */
    public static final int TAG_BYTES = Sha256.DIGEST_BYTES;
    private static final byte IPAD = 0x36;
    private static final byte OPAD = 0x5c;
    private static final long KEY_BLOCK = 0;
    private static final long PADDED = KEY_BLOCK + Sha256.BLOCK_BYTES;
    private static final long INNER = PADDED + Sha256.BLOCK_BYTES;

    private final KeyScratch memory = KeyScratch.take((int) INNER + Sha256.DIGEST_BYTES);
    private final MemorySegment m = memory.segment();
    private final Sha256 sha = new Sha256();

    /** Keys the MAC with {@code key} (any length; longer than a block: its SHA-256, as RFC 2104 says). */
    public HmacSha256(MemorySegment key) {
        if (key.byteSize() > Sha256.BLOCK_BYTES) {
            sha.update(key);
            sha.finish(m.asSlice(KEY_BLOCK, Sha256.DIGEST_BYTES));
        } else {
            MemorySegment.copy(key, 0, m, KEY_BLOCK, key.byteSize());
        }
        start();
    }

    /** A MAC over a heap array under a key the caller keeps; for a tag that is stored or compared (not secret). */
    public static byte[] mac(SecretBytes key, byte[] data) {
        try (HmacSha256 mac = new HmacSha256(key.insecureSegment())) {
            mac.update(data);
            return mac.finish();
        }
    }

    private void start() {
        padded(IPAD);
        sha.update(m.asSlice(PADDED, Sha256.BLOCK_BYTES));
    }

    private void padded(byte pad) {
        for (long i = 0; i < Sha256.BLOCK_BYTES; i++) {
            m.set(ValueLayout.JAVA_BYTE, PADDED + i, (byte) (m.get(ValueLayout.JAVA_BYTE, KEY_BLOCK + i) ^ pad));
        }
    }

    public void update(byte[] data) {
        sha.update(data);
    }

    public void update(byte b) {
        sha.update(b);
    }

    /** Adds {@code data} (heap or native) to the message. */
    public void update(MemorySegment data) {
        sha.update(data);
    }

    /** Writes the tag to {@code out[0..32)} (key memory when the tag is a secret, as HKDF's blocks are). */
    public void finish(MemorySegment out) {
        MemorySegment inner = m.asSlice(INNER, Sha256.DIGEST_BYTES);
        sha.finish(inner);
        padded(OPAD);
        sha.update(m.asSlice(PADDED, Sha256.BLOCK_BYTES));
        sha.update(inner);
        sha.finish(out);
        start();
    }

    /** The tag as a heap array: only for tags that are not secrets. */
    public byte[] finish() {
        byte[] tag = new byte[TAG_BYTES];
        finish(MemorySegment.ofArray(tag));
        return tag;
    }

    /**
     * Zeroes the key block and every state. Idempotent. Use after close throws: every method reaches the closed
     * {@link Sha256} before it writes a byte of the (pooled, by then reused) scratch.
     */
    @Override
    public void close() {
        sha.close();
        memory.close();
    }
}
