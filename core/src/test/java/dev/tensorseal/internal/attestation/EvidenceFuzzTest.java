package dev.tensorseal.internal.attestation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.AttestationPolicy;
import dev.tensorseal.AttestationResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import javax.xml.crypto.KeySelector;
import javax.xml.crypto.dsig.Reference;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMValidateContext;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Node;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random corruption of the report, the chain and the RIMs: every corrupted input fails a check with a
 * reason of its own, never an unexpected exception (the verifier records those as "SomeException: ..."); a
 * corrupted chain or RIM that still verifies must decode to the same certificates and signed content.
 */
class EvidenceFuzzTest {
    private final AttestationFixture fx = new AttestationFixture();
    @TempDir
    Path dir;

    /** The certificates as DER, hex, in order. */
    private static List<String> ders(List<X509Certificate> certs) throws CertificateEncodingException {
        List<String> out = new ArrayList<>();
        for (X509Certificate cert : certs) {
            out.add(HexFormat.of().formatHex(cert.getEncoded()));
        }
        return out;
    }

    /**
     * What a RIM's signature covers, exactly as the signature's reference digests it (the document after the
     * enveloped-signature and C14N 1.1 transforms), read back from the JDK's validator.
     */
    private static String signedContent(byte[] rim) throws Exception {
        Rim parsed = Rim.parse(rim, "RIM");
        Document doc = parsed.document();
        Node signature = doc.getElementsByTagNameNS(Rim.DSIG_NS, "Signature").item(0);
        DOMValidateContext context = new DOMValidateContext(KeySelector.singletonKeySelector(parsed.chain().get(0).getPublicKey()),
                signature);
        context.setProperty("javax.xml.crypto.dsig.cacheReference", Boolean.TRUE);
        Reference ref = XMLSignatureFactory.getInstance("DOM").unmarshalXMLSignature(context).getSignedInfo().getReferences().get(0);
        ref.validate(context);
        String text = new String(ref.getDigestInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(text.contains("Measurement"), "the digested form holds the payload: " + text);
        return text;
    }

    private static void assertClearFailure(AttestationResult r, String what) {
        String reason = r.firstFailure().orElseThrow(() -> new AssertionError(what + " passed: " + r.checks())).reason();
        assertFalse(reason.matches("^[A-Za-z]*(Exception|Error)\\b.*"), what + ": unexpected exception as reason: " + reason);
    }

    @Test
    void corruptedEvidenceFailsWithItsOwnReason() throws Exception {
        byte[] report = fx.signed(fx.report());
        byte[] chain = fx.chainPem();
        byte[] driver = fx.driverRim();
        List<Path> rims = fx.rimFiles(dir);
        AttestationPolicy policy = fx.policy(rims).build();
        Random random = new Random(Long.getLong("fuzz.seed", 1414));
        int corrupted = 0;
        int layoutOnly = 0;
        for (int i = 0; i < Integer.getInteger("fuzz.n", 400); i++) {
            byte[] r = report.clone();
            byte[] c = chain.clone();
            byte[] d = driver.clone();
            int target = i % 3;
            byte[] victim = target == 0 ? r : target == 1 ? c : d;
            int at = random.nextInt(victim.length);
            byte old = victim[at];
            victim[at] = (byte) (old ^ (1 + random.nextInt(255)));
            Files.write(rims.get(0), d);
            AttestationResult result = AttestationResult.of(new EvidenceVerifier(policy)
                    .verify(new GpuEvidence("gpu 0", r, c), fx.nonce));
            if (result.passed()) {
                // only a change that leaves the meaning intact may pass: layout the decoders skip (whitespace,
                // stray characters in base64, PEM text outside the armour); anything else that verifies is a bypass
                String where = "target " + target + " offset " + at + " (0x" + Integer.toHexString(old & 0xff) + " -> 0x"
                        + Integer.toHexString(victim[at] & 0xff) + ")";
                assertTrue(target != 0, "a changed report byte passed: " + where);
                if (target == 1) {
                    assertEquals(ders(Pem.certificates(chain, "original")), ders(Pem.certificates(c, "mutated")),
                            "a changed chain verified with different certificates: " + where);
                } else {
                    assertEquals(signedContent(driver), signedContent(d), "a changed RIM verified with different signed content: " + where);
                    assertEquals(ders(Rim.parse(driver, "original").chain()), ders(Rim.parse(d, "mutated").chain()),
                            "a changed RIM verified with different embedded certificates: " + where);
                }
                layoutOnly++;
                continue;
            }
            corrupted++;
            assertClearFailure(result, "target " + target + " offset " + at);
        }
        assertTrue(corrupted > Integer.getInteger("fuzz.n", 400) * 3 / 4, "most random edits must fail: " + corrupted);
        System.out.println("EvidenceFuzzTest: " + corrupted + " edits failed with their own reason, " + layoutOnly
                + " passed with unchanged certificates and signed content");
    }
}
