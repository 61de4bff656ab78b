package dev.tensorseal.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The off-heap SHA-256, HMAC-SHA256 and HKDF: RFC 4231's HMAC cases and the JDK as the oracle on random inputs. */
class HmacSha256Test {
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] filled(int n, int b) {
        byte[] a = new byte[n];
        Arrays.fill(a, (byte) b);
        return a;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try (HmacSha256 m = new HmacSha256(MemorySegment.ofArray(key))) {
            m.update(data);
            return m.finish();
        }
    }

    /** RFC 4231 section 4, test cases 1 to 7 (HMAC-SHA-256; case 5 is truncated to 128 bits). */
    @Test
    void rfc4231CasesGiveThePublishedTags() {
        byte[] key4 = new byte[25];
        for (int i = 0; i < key4.length; i++) {
            key4[i] = (byte) (i + 1);
        }
        Object[][] cases = {
            {filled(20, 0x0b), ascii("Hi There"), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
            {ascii("Jefe"), ascii("what do ya want for nothing?"), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
            {filled(20, 0xaa), filled(50, 0xdd), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
            {key4, filled(50, 0xcd), "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
            {filled(20, 0x0c), ascii("Test With Truncation"), "a3b6167473100ee06e0c796c2955552b"},
            {filled(131, 0xaa), ascii("Test Using Larger Than Block-Size Key - Hash Key First"),
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
            {filled(131, 0xaa), ascii("This is a test using a larger than block-size key and a larger than block-size data."
                    + " The key needs to be hashed before being used by the HMAC algorithm."),
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
        };
        for (int i = 0; i < cases.length; i++) {
            String expected = (String) cases[i][2];
            byte[] tag = hmac((byte[]) cases[i][0], (byte[]) cases[i][1]);
            assertEquals(expected, HEX.formatHex(tag, 0, expected.length() / 2), "RFC 4231 test case " + (i + 1));
        }
    }

    @Test
    void hmacEqualsTheJdkMacOnRandomKeysAndMessagesFedInRandomPieces() {
        qt().withExamples(300).forAll(longs().all(), integers().between(1, 200), integers().between(0, 700))
                .checkAssert((seed, keyLen, dataLen) -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    byte[] key = new byte[keyLen];
                    byte[] data = new byte[dataLen];
                    r.nextBytes(key);
                    r.nextBytes(data);
                    byte[] expected = jdkHmac(key, data);
                    try (SecretBytes k = SecretBytes.takeAndWipe(key.clone());
                            HmacSha256 m = new HmacSha256(k.insecureSegment())) {
                        for (int round = 0; round < 2; round++) { // finish() starts the next message under the same key
                            int at = 0;
                            while (at < data.length) {
                                int n = r.nextInt(1, 130);
                                n = Math.min(n, data.length - at);
                                if (n == 1) {
                                    m.update(data[at]);
                                } else {
                                    m.update(MemorySegment.ofArray(data).asSlice(at, n));
                                }
                                at += n;
                            }
                            assertArrayEquals(expected, m.finish(), "round " + round);
                        }
                    }
                });
    }

    @Test
    void sha256EqualsTheJdkDigestAtEveryLengthAroundTheBlockSize() throws Exception {
        SplittableRandom r = new SplittableRandom(7);
        try (Sha256 sha = new Sha256()) {
            for (int n = 0; n <= 260; n++) {
                byte[] data = new byte[n];
                r.nextBytes(data);
                sha.update(data);
                byte[] out = new byte[32];
                sha.finish(MemorySegment.ofArray(out));
                assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), out, "length " + n);
            }
        }
    }

    @Test
    void hkdfEqualsAnHkdfBuiltOnTheJdkMacAndTheSecretAndHeapPathsAgree() {
        qt().withExamples(150).forAll(longs().all(), integers().between(1, 100), integers().between(0, 40), integers().between(1, 300))
                .checkAssert((seed, ikmLen, saltLen, length) -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    byte[] ikm = new byte[ikmLen];
                    byte[] salt = new byte[saltLen];
                    byte[] info = new byte[r.nextInt(0, 50)];
                    r.nextBytes(ikm);
                    r.nextBytes(salt);
                    r.nextBytes(info);
                    byte[] expected = jdkHkdf(ikm, salt, info, length);
                    assertArrayEquals(expected, Hkdf.derive(ikm.clone(), salt, info, length, true));
                    try (SecretBytes k = SecretBytes.takeAndWipe(ikm.clone());
                            SecretBytes okm = Hkdf.deriveSecret(k, salt, info, length)) {
                        assertArrayEquals(expected, okm.insecureCopy());
                    }
                });
    }

    private static byte[] jdkHmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] jdkHkdf(byte[] ikm, byte[] salt, byte[] info, int length) {
        byte[] prk = jdkHmac(salt.length == 0 ? new byte[32] : salt, ikm);
        byte[] okm = new byte[length];
        byte[] t = new byte[0];
        for (int i = 1, pos = 0; pos < length; i++) {
            byte[] msg = new byte[t.length + info.length + 1];
            System.arraycopy(t, 0, msg, 0, t.length);
            System.arraycopy(info, 0, msg, t.length, info.length);
            msg[msg.length - 1] = (byte) i;
            t = jdkHmac(prk, msg);
            int n = Math.min(32, length - pos);
            System.arraycopy(t, 0, okm, pos, n);
            pos += n;
        }
        return okm;
    }
}
