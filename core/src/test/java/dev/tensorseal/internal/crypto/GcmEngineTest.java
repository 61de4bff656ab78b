package dev.tensorseal.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.UnsupportedParameterException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parameter limits of the two CPU engines. */
class GcmEngineTest {

    @Test
    void bothEnginesAreRegistered() {
        assertEquals(List.of("jce", "bc"), Engines.NAMES);
        assertEquals("bc", GcmEngine.named("bc").name());
        UnsupportedParameterException e = assertThrows(UnsupportedParameterException.class, () -> GcmEngine.named("gpu2"));
        assertTrue(e.getMessage().contains("[jce, bc]"), e.getMessage());
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
