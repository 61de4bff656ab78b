package dev.tensorseal.internal.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.UnsupportedParameterException;
import dev.tensorseal.internal.crypto.SecretBytes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** RFC 9180 appendix A base-mode vectors through {@link Hpke}, the code recipients use; one dynamic test per case. */
class HpkeVectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    /** One "encryption" line of a case: sequence number, aad, nonce, ciphertext. */
    record Encryption(int sequence, byte[] aad, byte[] nonce, byte[] ciphertext) {}

    /** One case of the file, typed. */
    record Case(String id, int mode, int kemId, int kdfId, int aeadId, byte[] info, byte[] ikmE, byte[] pkEm, byte[] skEm,
                byte[] ikmR, byte[] pkRm, byte[] skRm, byte[] enc, byte[] plaintext, List<Encryption> encryptions) {
        static Case of(String id, Map<String, String> f, List<Encryption> encryptions) {
            return new Case(id, Integer.parseInt(f.get("mode")), Integer.parseInt(f.get("kem_id")), Integer.parseInt(f.get("kdf_id")),
                    Integer.parseInt(f.get("aead_id")), hex(f, "info"), hex(f, "ikmE"), hex(f, "pkEm"), hex(f, "skEm"), hex(f, "ikmR"),
                    hex(f, "pkRm"), hex(f, "skRm"), hex(f, "enc"), hex(f, "pt"), List.copyOf(encryptions));
        }

        private static byte[] hex(Map<String, String> f, String key) {
            String v = f.get(key);
            if (v == null) {
                throw new AssertionError("vector field " + key + " missing");
            }
            return HEX.parseHex(v);
        }
    }

    static List<Case> cases() throws IOException {
        List<Case> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                HpkeVectorsTest.class.getResourceAsStream("/vectors/rfc9180-base.txt"), StandardCharsets.US_ASCII))) {
            String id = null;
            Map<String, String> fields = new LinkedHashMap<>();
            List<Encryption> encryptions = new ArrayList<>();
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] p = line.trim().split("\\s+");
                if (p[0].equals("case")) {
                    if (id != null) {
                        out.add(Case.of(id, fields, encryptions));
                    }
                    id = p[1];
                    fields = new LinkedHashMap<>();
                    encryptions = new ArrayList<>();
                } else if (p[0].equals("encryption")) {
                    encryptions.add(new Encryption(Integer.parseInt(p[1]), HEX.parseHex(p[2]), HEX.parseHex(p[3]), HEX.parseHex(p[4])));
                } else {
                    fields.put(p[0].substring(0, p[0].length() - 1), p[1]);
                }
            }
            out.add(Case.of(id, fields, encryptions));
        }
        return out;
    }

    @Test
    void theFileHoldsTheThreeCases() throws IOException {
        assertEquals(List.of("A.1.1", "A.3.1", "A.6.1"), cases().stream().map(Case::id).toList());
    }

    @TestFactory
    Stream<DynamicTest> rfc9180BaseVectors() throws IOException {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.id(), () -> check(c)));
    }

    private static void check(Case c) {
        assertEquals(0, c.mode(), "only base mode is used");
        HpkeSuite suite = HpkeSuite.of(c.kemId(), c.kdfId(), c.aeadId());
        assertKeyPair(suite, c.ikmR(), c.skRm(), c.pkRm());
        assertKeyPair(suite, c.ikmE(), c.skEm(), c.pkEm());
        // Single-shot Seal/Open (RFC 9180 section 6.1) is sequence number 0 of a fresh context.
        Encryption first = c.encryptions().stream().filter(e -> e.sequence() == 0).findFirst().orElseThrow();
        Hpke.Sealed sealed = Hpke.insecureSealWithEphemeral(suite, c.pkRm(), c.info(), first.aad(), c.plaintext(), c.ikmE());
        assertArrayEquals(c.enc(), sealed.enc(), "enc");
        assertArrayEquals(first.ciphertext(), sealed.ciphertext(), "ciphertext");
        try (SecretBytes sk = SecretBytes.copyOf(java.lang.foreign.MemorySegment.ofArray(c.skRm()));
                SecretBytes opened = Hpke.open(suite, sk, new Hpke.Sealed(c.enc(), first.ciphertext()), c.info(), first.aad())) {
            assertArrayEquals(c.plaintext(), opened.insecureCopy(), "opened plaintext");
            assertArrayEquals(c.pkRm(), Hpke.publicKeyOf(suite, sk), "public key of skRm");
            for (int at = 0; at < first.ciphertext().length; at += 7) {
                byte[] bad = first.ciphertext();
                bad[at] ^= 1;
                assertThrows(IntegrityException.class, () -> Hpke.open(suite, sk, new Hpke.Sealed(c.enc(), bad), c.info(), first.aad()));
            }
            byte[] otherAad = first.aad().clone();
            otherAad[0] ^= 1;
            assertThrows(IntegrityException.class,
                    () -> Hpke.open(suite, sk, new Hpke.Sealed(c.enc(), first.ciphertext()), c.info(), otherAad));
        }
    }

    private static void assertKeyPair(HpkeSuite suite, byte[] ikm, byte[] sk, byte[] pk) {
        Hpke.KeyPair pair = Hpke.derive(suite, ikm);
        try (SecretBytes s = pair.privateKey()) {
            assertArrayEquals(serialized(suite, sk), s.insecureCopy(), "DeriveKeyPair private key");
            assertArrayEquals(pk, pair.publicKey(), "DeriveKeyPair public key");
        }
    }

    /**
     * {@code sk} as SerializePrivateKey writes it: RFC 9180 section 7.1.2 has X25519's clamp its output (RFC 7748),
     * while appendix A prints the scalar before clamping; the two are the same X25519 key.
     */
    private static byte[] serialized(HpkeSuite suite, byte[] sk) {
        byte[] out = sk.clone();
        if (suite.kemId() == 0x0020) {
            out[0] &= (byte) 248;
            out[31] &= 127;
            out[31] |= 64;
        }
        return out;
    }

    @Test
    void suitesOutsideTheImplementedSetAreRejected() {
        assertThrows(UnsupportedParameterException.class, () -> HpkeSuite.of(0x0020, 1, 3)); // A.2: ChaCha20-Poly1305
        assertThrows(UnsupportedParameterException.class, () -> HpkeSuite.of(0x0020, 1, 0xFFFF)); // A.7: export-only
        assertThrows(UnsupportedParameterException.class, () -> HpkeSuite.of(0x0021, 3, 2)); // X448
        assertThrows(UnsupportedParameterException.class, () -> HpkeSuite.recipientSuite(0x0020, 1, 1)); // AES-128
    }

    @Test
    void everyRecipientSuiteRoundTripsAndRefusesAnotherKey() {
        for (HpkeSuite suite : HpkeSuite.RECIPIENT_SUITES) {
            Hpke.KeyPair a = Hpke.generate(suite);
            Hpke.KeyPair b = Hpke.generate(suite);
            byte[] info = {1, 2, 3};
            byte[] aad = {4, 5};
            try (SecretBytes secret = SecretBytes.random(32, new java.security.SecureRandom());
                    SecretBytes skA = a.privateKey(); SecretBytes skB = b.privateKey()) {
                Hpke.Sealed s = Hpke.seal(suite, a.publicKey(), info, aad, secret);
                assertEquals(suite.publicKeyBytes(), s.enc().length, suite.name());
                try (SecretBytes back = Hpke.open(suite, skA, s, info, aad)) {
                    assertEquals(true, back.constantTimeEquals(secret), suite.name());
                }
                assertThrows(IntegrityException.class, () -> Hpke.open(suite, skB, s, info, aad), suite.name());
            }
        }
    }
}
