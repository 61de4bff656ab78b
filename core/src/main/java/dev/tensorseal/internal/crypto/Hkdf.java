package dev.tensorseal.internal.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HKDF-SHA256 (RFC 5869). Output key material goes straight into off-heap {@link SecretBytes}. */
public final class Hkdf {
    private static final int HASH_LEN = 32;

    private Hkdf() {}

    /** Extract-then-expand: {@code length} bytes (at most 255 * 32) of OKM as a secret. */
    public static SecretBytes deriveSecret(SecretBytes ikm, byte[] salt, byte[] info, int length) {
        byte[] okm = derive(ikm.insecureCopy(), salt, info, length, true);
        return SecretBytes.takeAndWipe(okm);
    }

    /** RFC 5869 on heap arrays, for vectors. {@code wipeIkm} zeroes {@code ikm} afterwards. */
    public static byte[] derive(byte[] ikm, byte[] salt, byte[] info, int length, boolean wipeIkm) {
        if (length < 0 || length > 255 * HASH_LEN) {
            throw new dev.tensorseal.UnsupportedParameterException("HKDF-SHA256 output is 0 to 8160 bytes, got " + length);
        }
        byte[] prk = null;
        try {
            prk = extract(salt, ikm);
            return expand(prk, info == null ? new byte[0] : info, length);
        } finally {
            if (prk != null) {
                Arrays.fill(prk, (byte) 0);
            }
            if (wipeIkm) {
                Arrays.fill(ikm, (byte) 0);
            }
        }
    }

    /** HKDF-Extract: PRK = HMAC-SHA256(salt, IKM); an empty or null salt is HashLen zeros. */
    public static byte[] extract(byte[] salt, byte[] ikm) {
        byte[] s = (salt == null || salt.length == 0) ? new byte[HASH_LEN] : salt;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(s, "HmacSHA256"));
            return mac.doFinal(ikm);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks HmacSHA256", e);
        }
    }

    /** HKDF-Expand. */
    public static byte[] expand(byte[] prk, byte[] info, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(prk, "HmacSHA256"));
            byte[] out = new byte[length];
            byte[] t = new byte[0];
            int pos = 0;
            for (int i = 1; pos < length; i++) {
                mac.update(t);
                mac.update(info);
                mac.update((byte) i);
                byte[] next = mac.doFinal();
                Arrays.fill(t, (byte) 0);
                t = next;
                int n = Math.min(HASH_LEN, length - pos);
                System.arraycopy(t, 0, out, pos, n);
                pos += n;
            }
            Arrays.fill(t, (byte) 0);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks HmacSHA256", e);
        }
    }
}
