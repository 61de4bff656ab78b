package dev.tensorseal.internal.crypto;

import dev.tensorseal.UnsupportedParameterException;
import java.lang.foreign.MemorySegment;

/**
 * HKDF-SHA256 (RFC 5869) on {@link HmacSha256}: the input key, the PRK, every block T(i) and the output stay in
 * key memory, zeroed when done; nothing of them is copied to the Java heap (the JDK's Mac would leave the PRK,
 * which is key-equivalent, in arrays nobody can wipe).
 */
public final class Hkdf {
    private static final int HASH_LEN = Sha256.DIGEST_BYTES;
    private static final int MAX_BYTES = 255 * HASH_LEN;

    private Hkdf() {}

    /** Extract-then-expand: {@code length} bytes (1 to 255 * 32) of OKM as a secret. */
    public static SecretBytes deriveSecret(SecretBytes ikm, byte[] salt, byte[] info, int length) {
        checkLength(length);
        SecretBytes okm = SecretBytes.allocate(length);
        try {
            derive(ikm.insecureSegment(), salt, info, okm.insecureWritableSegment());
            return okm;
        } catch (RuntimeException e) {
            okm.close();
            throw e;
        }
    }

    /** RFC 5869 on heap arrays, through the same code: for published vectors. {@code wipeIkm} zeroes {@code ikm} afterwards. */
    public static byte[] derive(byte[] ikm, byte[] salt, byte[] info, int length, boolean wipeIkm) {
        try {
            checkLength(length);
            byte[] okm = new byte[length];
            derive(MemorySegment.ofArray(ikm), salt, info, MemorySegment.ofArray(okm));
            return okm;
        } finally {
            if (wipeIkm) {
                java.util.Arrays.fill(ikm, (byte) 0);
            }
        }
    }

    private static void checkLength(int length) {
        if (length < 0 || length > MAX_BYTES) {
            throw new UnsupportedParameterException("HKDF-SHA256 output is 0 to " + MAX_BYTES + " bytes, got " + length);
        }
    }

    /** Fills {@code okm} from {@code ikm}; an empty or null salt is HashLen zeros, a null info is empty. */
    private static void derive(MemorySegment ikm, byte[] salt, byte[] info, MemorySegment okm) {
        byte[] s = (salt == null || salt.length == 0) ? new byte[HASH_LEN] : salt;
        try (KeyScratch scratch = KeyScratch.take(2 * HASH_LEN)) {
            MemorySegment prk = scratch.segment().asSlice(0, HASH_LEN);
            MemorySegment t = scratch.segment().asSlice(HASH_LEN, HASH_LEN);
            // HKDF-Extract: PRK = HMAC(salt, IKM)
            try (HmacSha256 extract = new HmacSha256(MemorySegment.ofArray(s))) {
                extract.update(ikm);
                extract.finish(prk);
            }
            // HKDF-Expand: T(i) = HMAC(PRK, T(i-1) || info || i)
            try (HmacSha256 expand = new HmacSha256(prk)) {
                long pos = 0;
                for (int i = 1; pos < okm.byteSize(); i++) {
                    if (i > 1) {
                        expand.update(t);
                    }
                    if (info != null) {
                        expand.update(info);
                    }
                    expand.update((byte) i);
                    expand.finish(t);
                    long n = Math.min(HASH_LEN, okm.byteSize() - pos);
                    MemorySegment.copy(t, 0, okm, pos, n);
                    pos += n;
                }
            }
        }
    }
}
