package dev.tensorseal.internal.attestation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChainVerifierTest {
    private static final byte[] FWID = AttestationFixture.fill(48, 0x42);
    private final TestPki.Device device = new TestPki.Device(TestPki.hopperFwid(FWID, TestPki.p384()));
    private final List<X509Certificate> roots = List.of(device.root.cert());

    private String failure(List<X509Certificate> chain, List<X509Certificate> trusted) {
        return assertThrows(CheckFailed.class, () -> ChainVerifier.verify(chain, trusted, TestPki.NOW)).getMessage();
    }

    @Test
    void aChainShapedLikeNvidiasVerifiesToItsRoot() {
        ChainVerifier.Verified v = ChainVerifier.verify(device.chain(), roots, TestPki.NOW);
        assertEquals(5, v.withRoot().size());
        assertEquals(device.leaf.cert(), v.withRoot().get(0));
        assertEquals(device.root.cert(), v.withRoot().get(4));
    }

    @Test
    void aChainWithoutItsRootIsAnchoredAtTheTrustedRoot() {
        List<X509Certificate> chain = device.chain().subList(0, 4);
        assertEquals(device.root.cert(), ChainVerifier.verify(chain, roots, TestPki.NOW).withRoot().get(4));
    }

    @Test
    void aChainOutOfOrderFails() {
        List<X509Certificate> chain = device.chain();
        Collections.swap(chain, 1, 2);
        assertTrue(failure(chain, roots).contains("out of order"));
    }

    @Test
    void aChainLongerThanFiveFails() {
        List<X509Certificate> chain = new ArrayList<>(device.chain());
        chain.add(1, device.brom.cert());
        assertTrue(failure(chain, roots).contains("6 certificates, at most 5"));
    }

    @Test
    void aChainToAForeignRootFails() {
        TestPki.Device other = new TestPki.Device(null);
        assertTrue(failure(device.chain(), List.of(other.root.cert())).contains("not a trusted root"));
    }

    @Test
    void aForeignRootWithTheTrustedRootsNameFailsOnTheSignature() {
        TestPki.Issued impostor = TestPki.root("CN=Test Device Identity CA,O=Test");
        assertTrue(failure(device.chain().subList(0, 4), List.of(impostor.cert())).contains("is not signed by"));
        assertTrue(failure(device.chain(), List.of(impostor.cert())).contains("not a trusted root"));
    }

    @Test
    void anExpiredOrNotYetValidLeafFails() {
        X509Certificate expired = TestPki.leaf("CN=Expired FMC LF", device.brom, TestPki.NOW.minus(30, ChronoUnit.DAYS),
                TestPki.NOW.minus(1, ChronoUnit.DAYS), List.of()).cert();
        assertTrue(failure(device.chainWithLeaf(expired), roots).contains("expired on"));
        X509Certificate future = TestPki.leaf("CN=Future FMC LF", device.brom, TestPki.NOW.plus(1, ChronoUnit.DAYS),
                TestPki.NOW.plus(30, ChronoUnit.DAYS), List.of()).cert();
        assertTrue(failure(device.chainWithLeaf(future), roots).contains("is not valid before"));
        // the same chain checked at a time inside the window passes: the caller's clock decides
        ChainVerifier.verify(device.chainWithLeaf(future), roots, TestPki.NOW.plus(2, ChronoUnit.DAYS));
    }

    @Test
    void anIssuerThatIsNotACaFails() {
        TestPki.Issued notCa = TestPki.leaf("CN=Not a CA", device.brom, TestPki.NOW.minus(5, ChronoUnit.DAYS),
                TestPki.NOW.plus(5, ChronoUnit.DAYS), List.of());
        X509Certificate below = TestPki.leaf("CN=Below", notCa, TestPki.NOW.minus(5, ChronoUnit.DAYS),
                TestPki.NOW.plus(5, ChronoUnit.DAYS), List.of()).cert();
        List<X509Certificate> chain = List.of(below, notCa.cert(), device.brom.cert(), device.provisioner.cert(),
                device.identity.cert());
        assertTrue(failure(chain, roots).contains("is not a CA"));
    }

    @Test
    void theFwidIsReadFromNvidiasExtensionAndFromDiceTcbInfo() {
        assertArrayEquals(FWID, Fwid.of(device.leaf.cert()).orElseThrow());
        byte[] blackwell = AttestationFixture.fill(48, 0x24);
        X509Certificate dice = TestPki.leaf("CN=Blackwell leaf", device.brom, TestPki.NOW, TestPki.NOW.plus(5, ChronoUnit.DAYS),
                List.of(TestPki.diceTcbInfo(blackwell))).cert();
        assertArrayEquals(blackwell, Fwid.of(dice).orElseThrow());
        assertTrue(Fwid.of(device.brom.cert()).isEmpty());
    }

    @Test
    void pemChainsAreParsedStrictly() {
        byte[] pem = TestPki.pemBytes(device.chain());
        assertEquals(5, Pem.certificates(pem, "chain").size());
        byte[] padded = new byte[pem.length + 64];
        System.arraycopy(pem, 0, padded, 0, pem.length); // NVML pads its buffer with NULs
        assertEquals(5, Pem.certificates(padded, "chain").size());
        assertTrue(assertThrows(EvidenceFormatException.class,
                () -> Pem.certificates("junk\n".getBytes(StandardCharsets.US_ASCII), "chain")).getMessage().contains("unexpected text"));
        assertTrue(assertThrows(EvidenceFormatException.class,
                () -> Pem.certificates(new byte[0], "chain")).getMessage().contains("no PEM certificate"));
        String broken = new String(pem, StandardCharsets.US_ASCII).replaceFirst("MII", "MIA");
        assertTrue(assertThrows(EvidenceFormatException.class,
                () -> Pem.certificates(broken.getBytes(StandardCharsets.US_ASCII), "chain")).getMessage().contains("not a valid X.509"));
    }
}
