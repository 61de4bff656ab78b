package dev.tensorseal.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.UnsupportedParameterException;
import dev.tensorseal.nativebridge.internal.ossl.Libcrypto;
import dev.tensorseal.testing.Prerequisites;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parameter limits of the two CPU engines. */
class GcmEngineTest {

    /** Whether the ossl engine loaded; under CI its absence fails (CI machines have libcrypto.so.3), else prints why. */
    static boolean osslAvailable() {
        String why = OsslGcmEngine.unavailableReason();
        return Prerequisites.optional(why == null, "ossl engine not tested here: " + why);
    }

    /**
     * Whether the vaes engine runs here. Under CI its library must be packaged and load (CI installs gcc); a machine
     * that is not x86-64 or a CPU without VAES/VPCLMULQDQ on AVX-512 is not something CI installs, so then the reason
     * is printed and the engine is left out, as anywhere else.
     */
    static boolean vaesAvailable() {
        String why = VaesGcmEngine.unavailableReason();
        if (why != null && dev.tensorseal.nativebridge.CpuAesGcm.unsupportedMachine()) {
            System.out.println("vaes engine not tested here: " + why);
            return false;
        }
        return Prerequisites.optional(why == null, "vaes engine not tested here: " + why);
    }

    @Test
    void theEnginesAreRegistered() {
        boolean ossl = osslAvailable();
        boolean vaes = vaesAvailable();
        List<String> expected = new java.util.ArrayList<>(List.of("jce", "bc"));
        if (ossl) {
            expected.add("ossl");
        }
        if (vaes) {
            expected.add("vaes");
        }
        assertEquals(expected, Engines.NAMES);
        assertEquals(vaes ? "vaes" : "jce", GcmEngine.defaultName());
        assertEquals("bc", GcmEngine.named("bc").name());
        UnsupportedParameterException e = assertThrows(UnsupportedParameterException.class, () -> GcmEngine.named("gpu2"));
        assertTrue(e.getMessage().contains(expected.toString()), e.getMessage());
        if (ossl) {
            assertEquals("ossl", GcmEngine.named("ossl").name());
            System.out.println("ossl engine: " + Libcrypto.version());
        } else {
            UnsupportedParameterException u = assertThrows(UnsupportedParameterException.class, () -> GcmEngine.named("ossl"));
            assertTrue(u.getMessage().contains("unavailable: "), u.getMessage());
        }
    }

    @Test
    void osslTakesTags4To16IvsTo128BytesAndEveryKeySize() {
        if (!osslAvailable()) {
            return;
        }
        GcmEngine ossl = GcmEngine.named("ossl");
        for (int t = 0; t <= 20; t++) {
            assertEquals(t >= 4 && t <= 16, ossl.supportsTagSize(t));
        }
        assertTrue(ossl.supportsIvSize(1) && ossl.supportsIvSize(128) && !ossl.supportsIvSize(129) && !ossl.supportsIvSize(0));
        java.util.Random r = new java.util.Random(5);
        for (int keySize : new int[] {16, 24, 32}) {
            byte[] raw = new byte[keySize];
            r.nextBytes(raw);
            for (int tag = 4; tag <= 16; tag++) {
                for (int ivLen : new int[] {1, 12, 13, 60, 128}) {
                    byte[] iv = new byte[ivLen];
                    r.nextBytes(iv);
                    byte[] aad = new byte[ivLen % 7 * 5];
                    byte[] plain = new byte[ivLen * 3];
                    r.nextBytes(plain);
                    try (SecretBytes k1 = SecretBytes.copyOf(java.lang.foreign.MemorySegment.ofArray(raw));
                            InsecureNonceAesGcm o = ossl.newInstance(k1, tag);
                            InsecureNonceAesGcm b = GcmEngine.named("bc").newInstance(k1, tag)) {
                        byte[] sealed = o.seal(iv, aad, plain);
                        assertArrayEquals(b.seal(iv, aad, plain), sealed, keySize + "/" + tag + "/" + ivLen);
                        assertArrayEquals(plain, o.open(iv, aad, sealed));
                        sealed[sealed.length - 1] ^= 1;
                        assertThrows(IntegrityException.class, () -> o.open(iv, aad, sealed));
                    }
                }
            }
            try (SecretBytes k1 = SecretBytes.copyOf(java.lang.foreign.MemorySegment.ofArray(raw));
                    InsecureNonceAesGcm o = ossl.newInstance(k1, 16)) {
                assertThrows(UnsupportedParameterException.class, () -> o.seal(new byte[129], new byte[0], new byte[1]));
            }
        }
    }

    @Test
    void osslWorksInPlaceAndAcrossItsUpdateSlices() {
        if (!osslAvailable()) {
            return;
        }
        // three update calls, one of them partial
        checkInPlaceAndOnHeapSegments("ossl", OsslGcmEngine.MAX_UPDATE_BYTES * 2 + 37, 9, (g, buf, sealed) -> { });
    }

    /** What a check that an engine works in place may add, with the engine, the buffer and JDK's ciphertext. */
    @FunctionalInterface
    private interface InPlaceExtra {
        void check(InsecureNonceAesGcm engine, java.lang.foreign.MemorySegment buf, byte[] sealed);
    }

    /**
     * {@code engine} seals and opens {@code n} bytes in place in native memory, equal to the JDK's result; opens from a
     * long[]-backed heap segment (passed in place to native code); refuses a seal whose output overlaps its input
     * shifted; then runs {@code extra} with the sealed bytes.
     */
    private static void checkInPlaceAndOnHeapSegments(String engine, int n, long seed, InPlaceExtra extra) {
        byte[] plain = new byte[n];
        new java.util.Random(seed).nextBytes(plain);
        byte[] iv = new byte[12];
        try (SecretBytes k = SecretBytes.random(32, new java.security.SecureRandom());
                InsecureNonceAesGcm g = GcmEngine.named(engine).newInstance(k, 16);
                InsecureNonceAesGcm j = GcmEngine.named("jce").newInstance(k, 16);
                java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            byte[] sealed = j.seal(iv, new byte[3], plain);
            java.lang.foreign.MemorySegment buf = arena.allocate(n + 16);
            buf.copyFrom(java.lang.foreign.MemorySegment.ofArray(plain));
            g.seal(iv, new byte[3], buf.asSlice(0, n), buf); // in place
            assertArrayEquals(sealed, buf.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), engine);
            g.open(iv, new byte[3], buf, buf.asSlice(0, n)); // in place
            assertArrayEquals(plain, buf.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), engine);
            java.lang.foreign.MemorySegment longs = java.lang.foreign.MemorySegment.ofArray(new long[(n + 16 + 7) / 8]).asSlice(0, n + 16);
            longs.copyFrom(java.lang.foreign.MemorySegment.ofArray(sealed));
            java.lang.foreign.MemorySegment out = arena.allocate(n);
            g.open(iv, new byte[3], longs, out);
            assertArrayEquals(plain, out.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), engine);
            assertThrows(IllegalArgumentException.class, () -> g.seal(iv, new byte[0], buf.asSlice(1, 100), buf.asSlice(0, 116)));
            extra.check(g, buf, sealed);
        }
    }

    @Test
    void vaesTakesTags4To16Only12ByteIvsAndEveryKeySizeAndMatchesBc() {
        if (!vaesAvailable()) {
            return;
        }
        GcmEngine vaes = GcmEngine.named("vaes");
        for (int t = 0; t <= 20; t++) {
            assertEquals(t >= 4 && t <= 16, vaes.supportsTagSize(t));
        }
        for (int iv = 0; iv <= 130; iv++) {
            assertEquals(iv == 12, vaes.supportsIvSize(iv));
        }
        java.util.Random r = new java.util.Random(6);
        for (int keySize : new int[] {16, 24, 32}) {
            byte[] raw = new byte[keySize];
            r.nextBytes(raw);
            for (int tag = 4; tag <= 16; tag++) {
                // Lengths around the 16-byte block and the 256-byte vector step, and AAD of every length mod 16.
                for (int n : new int[] {0, 1, 15, 16, 17, 255, 256, 257, 511, 4096 + 7}) {
                    byte[] iv = new byte[12];
                    r.nextBytes(iv);
                    byte[] aad = new byte[(n + tag) % 40];
                    r.nextBytes(aad);
                    byte[] plain = new byte[n];
                    r.nextBytes(plain);
                    try (SecretBytes k1 = SecretBytes.copyOf(java.lang.foreign.MemorySegment.ofArray(raw));
                            InsecureNonceAesGcm v = vaes.newInstance(k1, tag);
                            InsecureNonceAesGcm b = GcmEngine.named("bc").newInstance(k1, tag)) {
                        byte[] sealed = v.seal(iv, aad, plain);
                        assertArrayEquals(b.seal(iv, aad, plain), sealed, keySize + "/" + tag + "/" + n);
                        assertArrayEquals(plain, v.open(iv, aad, sealed));
                        sealed[sealed.length - 1] ^= 1;
                        assertThrows(IntegrityException.class, () -> v.open(iv, aad, sealed));
                    }
                }
            }
            try (SecretBytes k1 = SecretBytes.copyOf(java.lang.foreign.MemorySegment.ofArray(raw));
                    InsecureNonceAesGcm v = vaes.newInstance(k1, 16)) {
                UnsupportedParameterException e = assertThrows(UnsupportedParameterException.class,
                        () -> v.seal(new byte[16], new byte[0], new byte[1]));
                assertTrue(e.getMessage().contains("12-byte GCM IVs, got 16"), e.getMessage());
            }
        }
    }

    @Test
    void vaesWorksInPlaceOnHeapAndNativeSegmentsAndRefusesShiftedOverlap() {
        if (!vaesAvailable()) {
            return;
        }
        int n = (1 << 20) + 37;
        checkInPlaceAndOnHeapSegments("vaes", n, 10, (v, buf, sealed) -> {
            byte[] iv = new byte[12];
            buf.copyFrom(java.lang.foreign.MemorySegment.ofArray(sealed));
            assertThrows(IllegalArgumentException.class, () -> v.open(iv, new byte[3], buf, buf.asSlice(16, n)));
            assertThrows(IllegalArgumentException.class, () -> v.openPart(iv, new byte[3], buf, 16, buf.asSlice(16, 100)));
        });
    }

    @Test
    void vaesReleasesNothingOnATagMismatchWholeOrPart() {
        if (!vaesAvailable()) {
            return;
        }
        // A whole open decrypts in the hashing pass and zeroes the output on a mismatch; a part is decrypted
        // only after the tag matched, so a failed part read leaves the ciphertext it was given untouched.
        byte[] plain = new byte[10_000];
        new java.util.Random(11).nextBytes(plain);
        byte[] iv = new byte[12];
        try (SecretBytes k = SecretBytes.random(32, new java.security.SecureRandom());
                InsecureNonceAesGcm v = GcmEngine.named("vaes").newInstance(k, 16);
                java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            byte[] sealed = v.seal(iv, new byte[0], plain);
            sealed[sealed.length - 1] ^= 1;
            java.lang.foreign.MemorySegment buf = arena.allocate(sealed.length);
            buf.copyFrom(java.lang.foreign.MemorySegment.ofArray(sealed));
            java.lang.foreign.MemorySegment body = buf.asSlice(0, plain.length);
            assertThrows(IntegrityException.class, () -> v.open(iv, new byte[0], buf, body));
            assertTrue(body.elements(java.lang.foreign.ValueLayout.JAVA_BYTE).allMatch(b -> b.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0) == 0),
                    "output zeroed");
            java.lang.foreign.MemorySegment part = arena.allocate(100);
            part.fill((byte) 0x44);
            assertThrows(IntegrityException.class, () -> v.openPart(iv, new byte[0], java.lang.foreign.MemorySegment.ofArray(sealed), 300, part));
            assertTrue(part.elements(java.lang.foreign.ValueLayout.JAVA_BYTE).allMatch(b -> b.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0) == 0),
                    "part output zeroed");
        }
    }

    @Test
    void bcTakesTagsOf4To16BytesAndJce12To16() {
        try (SecretBytes k = SecretBytes.allocate(32)) {
            for (int t = 0; t <= 20; t++) {
                int tag = t;
                boolean bc = tag >= 4 && tag <= 16;
                boolean jce = tag >= 12 && tag <= 16;
                assertEquals(bc, GcmEngine.named("bc").supportsTagSize(tag));
                assertEquals(jce, GcmEngine.named("jce").supportsTagSize(tag));
                if (bc) {
                    try (InsecureNonceAesGcm g = GcmEngine.named("bc").newInstance(k, tag)) {
                        byte[] sealed = g.seal(new byte[12], new byte[0], new byte[5]);
                        assertEquals(5 + tag, sealed.length);
                        assertArrayEquals(new byte[5], g.open(new byte[12], new byte[0], sealed));
                    }
                } else {
                    UnsupportedParameterException e = assertThrows(UnsupportedParameterException.class, () -> GcmEngine.named("bc").newInstance(k, tag));
                    assertTrue(e.getMessage().contains("4 to 16 bytes, got " + tag), e.getMessage());
                }
                if (!jce) {
                    assertThrows(UnsupportedParameterException.class, () -> GcmEngine.named("jce").newInstance(k, tag));
                }
            }
        }
    }

    @Test
    void emptyIvsAndBadKeySizesAreRejectedByBothEngines() {
        for (String name : Engines.NAMES) {
            GcmEngine engine = GcmEngine.named(name);
            assertFalse(engine.supportsIvSize(0));
            try (SecretBytes k = SecretBytes.allocate(16); InsecureNonceAesGcm g = engine.newInstance(k, 16)) {
                assertThrows(UnsupportedParameterException.class, () -> g.seal(new byte[0], new byte[0], new byte[3]));
            }
            try (SecretBytes k = SecretBytes.allocate(20)) {
                assertThrows(UnsupportedParameterException.class, () -> engine.newInstance(k, 16));
            }
        }
    }

    @Test
    void instancesCloseWithoutUseAndRefuseUseAfterClose() {
        for (String name : Engines.NAMES) {
            try (SecretBytes k = SecretBytes.allocate(16)) {
                GcmEngine.named(name).newInstance(k, 16).close();
                InsecureNonceAesGcm g = GcmEngine.named(name).newInstance(k, 16);
                byte[] sealed = g.seal(new byte[12], new byte[0], new byte[4]);
                g.close();
                assertThrows(RuntimeException.class, () -> g.open(new byte[12], new byte[0], sealed));
            }
        }
    }

    @Test
    void aTruncatedCiphertextIsAnIntegrityFailure() {
        for (String name : Engines.NAMES) {
            try (SecretBytes k = SecretBytes.allocate(32); InsecureNonceAesGcm g = GcmEngine.named(name).newInstance(k, 16)) {
                assertThrows(IntegrityException.class, () -> g.open(new byte[12], new byte[0], new byte[15]));
            }
        }
    }

    @Test
    void openPartReleasesOnlyItsRangeAndAuthenticateKeepsNothingBothFailOnATamperedChunk() {
        byte[] plain = new byte[5000];
        new java.util.Random(3).nextBytes(plain);
        byte[] iv = new byte[12];
        byte[] aad = {1, 2, 3};
        for (String name : Engines.NAMES) {
            try (SecretBytes k = SecretBytes.random(32, new java.security.SecureRandom());
                    InsecureNonceAesGcm g = GcmEngine.named(name).newInstance(k, 16)) {
                byte[] sealed = g.seal(iv, aad, plain);
                byte[] part = new byte[100];
                g.openPart(iv, aad, java.lang.foreign.MemorySegment.ofArray(sealed), 4321,
                        java.lang.foreign.MemorySegment.ofArray(part));
                assertArrayEquals(java.util.Arrays.copyOfRange(plain, 4321, 4421), part, name);
                g.authenticate(iv, aad, java.lang.foreign.MemorySegment.ofArray(sealed));
                sealed[17] ^= 1;
                java.util.Arrays.fill(part, (byte) 7);
                assertThrows(IntegrityException.class, () -> g.openPart(iv, aad, java.lang.foreign.MemorySegment.ofArray(sealed),
                        0, java.lang.foreign.MemorySegment.ofArray(part)), name);
                assertArrayEquals(new byte[100], part, name + ": the output is zeroed on failure");
                assertThrows(IntegrityException.class, () -> g.authenticate(iv, aad, java.lang.foreign.MemorySegment.ofArray(sealed)), name);
            }
        }
    }
}
