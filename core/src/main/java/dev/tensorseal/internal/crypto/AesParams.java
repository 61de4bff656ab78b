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

    /** GCM tags end at 16 bytes; where they start is the engine's. */
    static boolean tagSizeInRange(int tagSizeBytes, int minTagBytes) {
        return tagSizeBytes >= minTagBytes && tagSizeBytes <= 16;
    }

    /** The checks every engine makes before keying an instance; the message names the engine and its tag range. */
    static void checkKeyAndTag(String engine, int keySizeBytes, int tagSizeBytes, int minTagBytes) {
        checkKeySize(keySizeBytes);
        if (!tagSizeInRange(tagSizeBytes, minTagBytes)) {
            throw new UnsupportedParameterException(engine + " supports GCM tags of " + minTagBytes + " to 16 bytes, got "
                    + tagSizeBytes);
        }
    }

    static void checkIv(byte[] iv) {
        if (iv == null || iv.length == 0) {
            throw new UnsupportedParameterException("GCM needs an IV of at least 1 byte, got " + (iv == null ? "none" : "0 bytes"));
        }
    }
}
