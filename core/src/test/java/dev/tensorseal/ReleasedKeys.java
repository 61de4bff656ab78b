package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** What the key-release tests (KeyReleaseTest, VerifiedAttestationKeySourceTest) ask of a gated key source. */
public final class ReleasedKeys {
    private ReleasedKeys() {}

    /** Asks {@code source} for its key; returns the bytes written, or throws what it threw, having written nothing. */
    public static byte[] release(KeySource source) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment dst = a.allocate(KeySource.KEY_BYTES);
            try {
                source.writeKey(dst);
                return dst.toArray(ValueLayout.JAVA_BYTE);
            } catch (KeyReleaseDeniedException e) {
                assertArrayEquals(new byte[KeySource.KEY_BYTES], dst.toArray(ValueLayout.JAVA_BYTE), "nothing written when denied");
                throw e;
            }
        }
    }

    /** A store built on {@code released} seals a tensor and reads it back. */
    public static void storeWorksWith(KeySource released) {
        try (TensorStore store = TensorStore.builder().keySource(released).build()) {
            store.put("t", new float[] {1f, 2f}, 2);
            try (TensorView v = store.read("t")) {
                assertEquals(2f, v.segment().getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, 1));
            }
        }
    }
}
