package dev.tensorseal.internal.crypto;

import java.lang.foreign.MemorySegment;

/**
 * AES-GCM under one key with a caller-chosen nonce. The caller guarantees a nonce is never reused
 * under the key; the store does so by construction. Not thread-safe: one instance per thread.
 *
 * <p>Contract for {@code open}: the tag is verified before any plaintext is released; on failure
 * the output region is zeroed (never the input) and {@link dev.tensorseal.IntegrityException} is
 * thrown.
 */
public interface InsecureNonceAesGcm extends AutoCloseable {
    int tagSizeBytes();

    /** Seals {@code plaintext} into {@code out} = ciphertext || tag ({@code plaintext.byteSize() + tagSizeBytes()} bytes). */
    void seal(byte[] iv, byte[] aad, MemorySegment plaintext, MemorySegment out);

    /** Opens {@code in} = ciphertext || tag into {@code out} ({@code in.byteSize() - tagSizeBytes()} bytes). */
    void open(byte[] iv, byte[] aad, MemorySegment in, MemorySegment out);

    default byte[] seal(byte[] iv, byte[] aad, byte[] plaintext) {
        byte[] out = new byte[plaintext.length + tagSizeBytes()];
        seal(iv, aad, MemorySegment.ofArray(plaintext), MemorySegment.ofArray(out));
        return out;
    }

    default byte[] open(byte[] iv, byte[] aad, byte[] ciphertextAndTag) {
        byte[] out = new byte[(int) AesParams.plaintextBytes(ciphertextAndTag.length, tagSizeBytes())];
        open(iv, aad, MemorySegment.ofArray(ciphertextAndTag), MemorySegment.ofArray(out));
        return out;
    }

    /**
     * Opens {@code in} but releases only plaintext bytes {@code fromBytes .. fromBytes + out.byteSize()} into
     * {@code out} (a slice read needs a few bytes of a verified chunk). Same failure contract as open. This
     * default decrypts into off-heap scratch, zeroed before return; engines may avoid the extra copy.
     */
    default void openPart(byte[] iv, byte[] aad, MemorySegment in, long fromBytes, MemorySegment out) {
        long n = AesParams.plaintextBytes(in.byteSize(), tagSizeBytes());
        java.util.Objects.checkFromIndexSize(fromBytes, out.byteSize(), n);
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment all = arena.allocate(Math.max(n, 1), 64).asSlice(0, n);
            try {
                open(iv, aad, in, all);
                MemorySegment.copy(all, fromBytes, out, 0, out.byteSize());
            } catch (RuntimeException e) {
                out.fill((byte) 0);
                throw e;
            } finally {
                all.fill((byte) 0);
            }
        }
    }

    /**
     * Checks the tag of {@code in} = ciphertext || tag and keeps no plaintext: throws
     * {@link dev.tensorseal.IntegrityException} on a mismatch. This default opens into a heap buffer and zeroes
     * it; engines may avoid the copy.
     */
    default void authenticate(byte[] iv, byte[] aad, MemorySegment in) {
        long n = AesParams.plaintextBytes(in.byteSize(), tagSizeBytes());
        byte[] scratch = new byte[Math.toIntExact(n)];
        try {
            open(iv, aad, in, MemorySegment.ofArray(scratch));
        } finally {
            java.util.Arrays.fill(scratch, (byte) 0);
        }
    }

    /** Drops the key schedule as far as the engine allows. */
    @Override
    void close();
}
