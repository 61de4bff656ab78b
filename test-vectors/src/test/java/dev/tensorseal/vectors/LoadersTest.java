package dev.tensorseal.vectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parsers on small inputs in each format, and on malformed ones. */
class LoadersTest {
    private static final String GCM_DECRYPT = """
            # CAVS 14.0
            [Keylen = 128]
            [IVlen = 96]
            [PTlen = 0]
            [AADlen = 0]
            [Taglen = 128]

            Count = 0
            Key = cf063a34d4a9a76c2c86787d3f96db71
            IV = 113b9785971864c83b01c787
            CT = \r
            AAD = \r
            Tag = 72ac8493e3a5228b5d130a69d2510e42
            PT = \r

            Count = 1
            Key = a49a5e26a2f8cb63d05546c2a62f5343
            IV = 907763b19b9b4ab6bd4f0281
            CT =
            AAD =
            Tag = a2be08210d8c470a8df6e8fbd79ec5cf
            FAIL
            """;

    @Test
    void nistGcmCasesCarryTheirSectionInTheIdAndFailCasesHaveNoPlaintext() throws Exception {
        VectorFile f = VectorFile.parse("gcmDecrypt128.rsp", GCM_DECRYPT);
        assertEquals(VectorFormat.NIST_GCM_RSP, f.format());
        List<GcmCase> cases = f.gcm();
        assertEquals(2, cases.size());
        assertEquals("gcmDecrypt128.rsp#Keylen=128,IVlen=96,PTlen=0,AADlen=0,Taglen=128,Count=1", cases.get(1).id());
        assertEquals(Expected.VALID, cases.get(0).expected());
        assertEquals(Expected.INVALID, cases.get(1).expected());
        assertNull(cases.get(1).plaintext());
        assertEquals(16, cases.get(0).tagSizeBytes());
        assertArrayEquals(HexFormat.of().parseHex("72ac8493e3a5228b5d130a69d2510e42"), cases.get(0).ciphertextAndTag());
    }

    @Test
    void keyWrapModeDirectionAndInverseComeFromNistFileNames() throws Exception {
        String body = "[PLAINTEXT LENGTH = 128]\n\nCOUNT = 1\nK = 000102030405060708090a0b0c0d0e0f\nC = 1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5\nFAIL\n";
        KeyWrapCase c = VectorFile.parse("KWP_AD_256_inv.txt", body).keyWrap().getFirst();
        assertEquals(KeyWrapCase.Mode.KWP, c.mode());
        assertTrue(c.inverseCipher());
        assertEquals(Expected.INVALID, c.expected());
        assertEquals("KWP_AD_256_inv.txt#PLAINTEXT LENGTH=128,COUNT=1", c.id());
        assertEquals(KeyWrapCase.Mode.TKW, VectorFile.parse("TKW_AE.txt", body).keyWrap().getFirst().mode());
        MalformedVectorsException e = assertThrows(MalformedVectorsException.class, () -> VectorFile.parse("wrap.txt", body));
        assertTrue(e.getMessage().contains("named like NIST's"), e.getMessage());
    }

    @Test
    void transcribedSetsLoadWithTheExpectedCounts() {
        assertEquals(18, Transcribed.GCM_SPEC.load().gcm().size());
        assertEquals(3, Transcribed.RFC5869_SHA256.load().hkdf().size());
        assertEquals(6, Transcribed.RFC3394.load().keyWrap().size());
        VectorFile aead = Transcribed.WYCHEPROOF_FORMAT_AES_GCM.load();
        assertEquals(VectorFormat.WYCHEPROOF_JSON, aead.format());
        assertEquals(29, aead.gcm().size());
        assertEquals(11, aead.gcm().stream().filter(c -> c.expected() == Expected.INVALID).count());
        assertEquals(List.of("Ktv"), aead.gcm().getFirst().flags());
        VectorFile hkdf = Transcribed.WYCHEPROOF_FORMAT_HKDF.load();
        assertEquals("SHA-256", hkdf.hkdf().getFirst().hash());
        assertEquals(8161, hkdf.hkdf().getLast().lengthBytes());
    }

    @Test
    void malformedInputNamesTheFileAndLine() {
        String badHex = GCM_DECRYPT.replace("Key = cf06", "Key = zz06");
        MalformedVectorsException e = assertThrows(MalformedVectorsException.class, () -> VectorFile.parse("x.rsp", badHex));
        assertTrue(e.getMessage().startsWith("x.rsp:8: not hex"), e.getMessage());
        String badTag = GCM_DECRYPT.replace("[Taglen = 128]", "[Taglen = 96]");
        assertTrue(assertThrows(MalformedVectorsException.class, () -> VectorFile.parse("y.rsp", badTag)).getMessage().contains("section says 96"));
        assertTrue(assertThrows(MalformedVectorsException.class, () -> VectorFile.parse("z.json", "{\"schema\": 1")).getMessage().startsWith("z.json: bad JSON"));
        assertTrue(assertThrows(MalformedVectorsException.class, () -> VectorFile.parse("n.txt", "hello")).getMessage().contains("cannot tell the format"));
    }

    @Test
    void theLocatorHonoursTheSystemProperty() {
        String old = System.getProperty(VectorFiles.PROPERTY);
        try {
            System.setProperty(VectorFiles.PROPERTY, "/tmp/elsewhere");
            assertEquals(Path.of("/tmp/elsewhere"), VectorFiles.root());
            assertTrue(VectorFiles.find("ciphers/AES/GCM/gcmDecrypt128.rsp").isEmpty());
            assertTrue(VectorFiles.missingReason("a.rsp").contains("/tmp/elsewhere/a.rsp"));
        } finally {
            if (old == null) {
                System.clearProperty(VectorFiles.PROPERTY);
            } else {
                System.setProperty(VectorFiles.PROPERTY, old);
            }
        }
    }
}
