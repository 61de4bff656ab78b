package dev.tensorseal.internal.crypto;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.UnsupportedParameterException;
import java.lang.foreign.MemorySegment;

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

    /** The plaintext length of {@code sealedBytes} = ciphertext || tag; a message shorter than its tag fails integrity. */
    static long plaintextBytes(long sealedBytes, int tagSizeBytes) {
        if (sealedBytes < tagSizeBytes) {
            throw new IntegrityException("ciphertext shorter than the " + tagSizeBytes + "-byte tag");
        }
        return sealedBytes - tagSizeBytes;
    }

    /** Whether {@code a} and {@code b} start at the same byte of the same memory. */
    static boolean sameRegion(MemorySegment a, MemorySegment b) {
        return a.isNative() == b.isNative() && a.address() == b.address() && a.heapBase().equals(b.heapBase());
    }

    /** For engines that work in place: input and output are disjoint, or start at the same byte. */
    static void checkNoPartialOverlap(String engine, MemorySegment a, MemorySegment b) {
        if (a.asOverlappingSlice(b).isPresent() && !sameRegion(a, b)) {
            throw new IllegalArgumentException(engine + ": input and output overlap without being the same region");
        }
    }
}
