package dev.tensorseal.internal.crypto;

import dev.tensorseal.UnsupportedParameterException;

/** Parameter checks shared by the engines. */
final class AesParams {
    private AesParams() {}

    static void checkKeySize(int keySizeBytes) {
        if (keySizeBytes != 16 && keySizeBytes != 24 && keySizeBytes != 32) {
            throw new UnsupportedParameterException("AES keys are 16, 24 or 32 bytes, got " + keySizeBytes);
        }
    }

    static void checkIv(byte[] iv) {
        if (iv == null || iv.length == 0) {
            throw new UnsupportedParameterException("GCM needs an IV of at least 1 byte, got " + (iv == null ? "none" : "0 bytes"));
        }
    }
}
