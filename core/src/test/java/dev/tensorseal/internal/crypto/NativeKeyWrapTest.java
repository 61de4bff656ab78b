package dev.tensorseal.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.testing.Prerequisites;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The native AES-NI key wrap against the JDK's AES/KW and AES/KWP ciphers, byte for byte, on random keys. */
class NativeKeyWrapTest {
    private static final int[] KEK_SIZES = {16, 24, 32};

    @BeforeEach
    void nativeKeyWrapRunsHere() {
        String why = NativeKeyWrap.unavailableReason();
        if (why != null && dev.tensorseal.nativebridge.AesKeyWrap.unsupportedMachine()) {
            System.out.println("SKIPPED: native key wrap unavailable: " + why);
            Assumptions.abort(why);
        }
        Prerequisites.require(why == null, "native key wrap unavailable: " + why);
    }

    @Test
    void theStoreUsesTheNativeKeyWrapWhereItRuns() {
        assertTrue(KeyWrap.keksStayOffHeap(), KeyWrap.implementation());
    }

    @Test
    void wrapAndUnwrapEqualTheJdkOnRandomKeysAndLengths() {
        qt().withExamples(400).forAll(longs().all(), integers().between(1, 600), integers().between(0, 2))
                .checkAssert((seed, length, kekIndex) -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    byte[] kekBytes = new byte[KEK_SIZES[kekIndex]];
                    byte[] plaintext = new byte[length];
                    r.nextBytes(kekBytes);
                    r.nextBytes(plaintext);
                    try (SecretBytes kek = SecretBytes.takeAndWipe(kekBytes.clone())) {
                        byte[] kwp = NativeKeyWrap.wrap(kek, true, MemorySegment.ofArray(plaintext));
                        assertArrayEquals(jdk("AES/KWP/NoPadding", Cipher.ENCRYPT_MODE, kekBytes, plaintext), kwp, "KWP wrap");
                        assertArrayEquals(plaintext, KeyWrap.unwrapWithPadding(kek, kwp), "KWP unwrap");
                        if (length >= 16 && length % 8 == 0) {
                            byte[] kw = NativeKeyWrap.wrap(kek, false, MemorySegment.ofArray(plaintext));
                            assertArrayEquals(jdk("AES/KW/NoPadding", Cipher.ENCRYPT_MODE, kekBytes, plaintext), kw, "KW wrap");
                            assertArrayEquals(plaintext, KeyWrap.unwrap(kek, kw), "KW unwrap");
                        }
                        // Any flipped bit fails closed, as in the JDK.
                        byte[] bad = kwp.clone();
                        bad[r.nextInt(bad.length)] ^= (byte) (1 << r.nextInt(8));
                        assertThrows(IntegrityException.class, () -> KeyWrap.unwrapWithPadding(kek, bad));
                        assertTrue(jdkUnwrapFails(kekBytes, bad), "the JDK accepted what the native unwrap rejected");
                    }
                });
    }

    @Test
    void aDataKeyWrapsAndUnwrapsInKeyMemoryAndAWrongKekFails() {
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 50; i++) {
            try (SecretBytes kek = random(r, 32); SecretBytes other = random(r, 32); SecretBytes dek = random(r, 32)) {
                byte[] wrapped = KeyWrap.wrapKey(kek, dek);
                assertEquals(40, wrapped.length);
                byte[] dekBytes = dek.insecureCopy();
                assertArrayEquals(jdk("AES/KWP/NoPadding", Cipher.ENCRYPT_MODE, kek.insecureCopy(), dekBytes), wrapped);
                try (SecretBytes back = KeyWrap.unwrapKey(kek, wrapped)) {
                    assertTrue(back.constantTimeEquals(dek));
                }
                assertThrows(IntegrityException.class, () -> KeyWrap.unwrapKey(other, wrapped));
            }
        }
        // A wrapped key of fewer bytes than its padded length comes back at its own length.
        try (SecretBytes kek = random(r, 32); SecretBytes short20 = random(r, 20);
                SecretBytes back = KeyWrap.unwrapKey(kek, KeyWrap.wrapKey(kek, short20))) {
            assertEquals(20, back.size());
            assertTrue(back.constantTimeEquals(short20));
        }
    }

    @Test
    void theJdkFallbackGivesTheSameWrapsAndFailsClosedToo() {
        SplittableRandom r = new SplittableRandom(5);
        for (int length : new int[] {1, 7, 8, 9, 16, 31, 32, 33, 64}) {
            byte[] plaintext = new byte[length];
            r.nextBytes(plaintext);
            try (SecretBytes kek = random(r, 32)) {
                byte[] wrapped = JdkKeyWrap.wrap(kek, true, plaintext);
                assertArrayEquals(NativeKeyWrap.wrap(kek, true, MemorySegment.ofArray(plaintext)), wrapped, "length " + length);
                assertArrayEquals(plaintext, JdkKeyWrap.unwrap(kek, true, wrapped));
                wrapped[0] ^= 1;
                assertThrows(IntegrityException.class, () -> JdkKeyWrap.unwrap(kek, true, wrapped));
            }
        }
    }

    @Test
    void kwpPaddingAndLengthChecksRejectWhatTheJdkRejects() {
        // A KWP ciphertext whose message length claims more than its blocks hold (the JDK rejects it too).
        try (SecretBytes kek = SecretBytes.takeAndWipe(new byte[32])) {
            byte[] kw = KeyWrap.wrap(kek, new byte[16]); // a KW wrap is not a valid KWP wrap: wrong initial value
            assertThrows(IntegrityException.class, () -> KeyWrap.unwrapWithPadding(kek, kw));
            byte[] kwp = KeyWrap.wrapWithPadding(kek, new byte[16]);
            assertThrows(IntegrityException.class, () -> KeyWrap.unwrap(kek, kwp));
        }
    }

    private static SecretBytes random(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return SecretBytes.takeAndWipe(b);
    }

    private static byte[] jdk(String transformation, int mode, byte[] kek, byte[] input) {
        try {
            Cipher c = Cipher.getInstance(transformation);
            c.init(mode, new SecretKeySpec(kek, "AES"));
            return c.doFinal(input);
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(transformation + " failed", e);
        }
    }

    private static boolean jdkUnwrapFails(byte[] kek, byte[] wrapped) {
        try {
            jdk("AES/KWP/NoPadding", Cipher.DECRYPT_MODE, kek, wrapped);
            return false;
        } catch (AssertionError e) {
            return e.getCause() instanceof javax.crypto.BadPaddingException
                    || e.getCause() instanceof javax.crypto.IllegalBlockSizeException;
        }
    }
}
