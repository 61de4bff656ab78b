package dev.tensorseal.internal.crypto;

import dev.tensorseal.nativebridge.AesKeyWrap;
import java.lang.foreign.MemorySegment;

/**
 * KW and KWP through the native bridge's AES-NI key wrap ({@link AesKeyWrap}): the KEK is passed from its
 * {@link SecretBytes} in place, and the schedule and intermediate blocks live in {@link KeyScratch} key memory that
 * the library zeroes before returning and that is zeroed again when it goes back to its pool.
 */
final class NativeKeyWrap {
    private NativeKeyWrap() {}

    /** Null when the native path can be used; otherwise why not. */
    static String unavailableReason() {
        return AesKeyWrap.unavailableReason().orElse(null);
    }

    static byte[] wrap(SecretBytes kek, boolean padded, MemorySegment plaintext) {
        long wrappedBytes = ((plaintext.byteSize() + 7) & ~7L) + 8;
        byte[] out = new byte[Math.toIntExact(wrappedBytes)];
        try (KeyScratch scratch = scratch(plaintext.byteSize())) {
            AesKeyWrap.wrap(aligned(scratch), kek.insecureSegment(), padded, plaintext, MemorySegment.ofArray(out));
        }
        return out;
    }

    /** Unwraps into {@code out} (at least {@code wrapped.length - 8} bytes); the length, or -1 on an integrity failure. */
    static long unwrap(SecretBytes kek, boolean padded, byte[] wrapped, MemorySegment out) {
        try (KeyScratch scratch = scratch(wrapped.length)) {
            return AesKeyWrap.unwrap(aligned(scratch), kek.insecureSegment(), padded, MemorySegment.ofArray(wrapped), out);
        }
    }

    private static KeyScratch scratch(long inputBytes) {
        return KeyScratch.take(Math.toIntExact(AesKeyWrap.scratchBytes(inputBytes) + AesKeyWrap.SCRATCH_ALIGNMENT));
    }

    private static MemorySegment aligned(KeyScratch scratch) {
        MemorySegment raw = scratch.segment();
        long skip = (AesKeyWrap.SCRATCH_ALIGNMENT - raw.address() % AesKeyWrap.SCRATCH_ALIGNMENT) % AesKeyWrap.SCRATCH_ALIGNMENT;
        return raw.asSlice(skip, raw.byteSize() - AesKeyWrap.SCRATCH_ALIGNMENT);
    }
}
