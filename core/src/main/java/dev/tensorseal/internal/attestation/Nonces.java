package dev.tensorseal.internal.attestation;

import java.security.MessageDigest;
import java.security.SecureRandom;

/** Attestation nonces: 32 fresh bytes from {@link SecureRandom} for every request, compared in constant time. */
public final class Nonces {
    public static final int NONCE_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Nonces() {}

    /** A new nonce; each call draws fresh bytes, so a nonce is never handed out twice. */
    public static byte[] fresh() {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    static boolean same(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }
}
