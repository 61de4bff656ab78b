package dev.tensorseal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tensorseal attest} end to end on evidence made in the test: a two-level P-384 chain and a report
 * in the SPDM layout signed by its leaf (the full tamper matrix is in core's EvidenceVerifierTest).
 */
class AttestCommandTest {
    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    @TempDir
    Path dir;
    private Path report;
    private Path certs;
    private Path root;
    private final byte[] nonce = new byte[32];

    private int run(String... args) {
        out.reset();
        err.reset();
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @BeforeEach
    void evidence() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp384r1"));
        KeyPair rootKeys = g.generateKeyPair();
        KeyPair leafKeys = g.generateKeyPair();
        X509Certificate rootCert = cert("CN=CLI Test Root", "CN=CLI Test Root", rootKeys, rootKeys, true);
        X509Certificate leafCert = cert("CN=CLI Test Leaf", "CN=CLI Test Root", leafKeys, rootKeys, false);
        root = Files.writeString(dir.resolve("root.pem"), pem(rootCert));
        certs = Files.writeString(dir.resolve("certs.pem"), pem(leafCert) + pem(rootCert));
        new java.util.Random(7).nextBytes(nonce);
        report = Files.writeString(dir.resolve("report.hex"), HexFormat.of().formatHex(signedReport(leafKeys)) + "\n");
    }

    private static X509Certificate cert(String subject, String issuer, KeyPair keys, KeyPair issuerKeys, boolean ca) throws Exception {
        var b = new JcaX509v3CertificateBuilder(new X500Name(issuer), BigInteger.valueOf(ca ? 1 : 2),
                Date.from(NOW.minus(10, ChronoUnit.DAYS)), Date.from(NOW.plus(10, ChronoUnit.DAYS)), new X500Name(subject),
                keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA384withECDSA")
                .build(issuerKeys.getPrivate())));
    }

    private static String pem(X509Certificate c) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }

    /** GET_MEASUREMENTS request (37 bytes), MEASUREMENTS response with one 48-byte block and a driver version, signature. */
    private byte[] signedReport(KeyPair leaf) throws Exception {
        var r = new ByteArrayOutputStream();
        r.writeBytes(new byte[] {0x11, (byte) 0xe0, 0x01, (byte) 0xff});
        r.writeBytes(nonce);
        r.write(0);
        r.writeBytes(new byte[] {0x11, 0x60, 0x00, 0x00, 0x01, 55, 0, 0}); // one block, record length 55
        r.writeBytes(new byte[] {0x01, 0x01, 51, 0, 0x01, 48, 0});
        r.writeBytes(new byte[48]);
        r.writeBytes(new byte[32]); // responder nonce
        byte[] driver = "550.90.07\0".getBytes(StandardCharsets.US_ASCII);
        r.writeBytes(new byte[] {(byte) (4 + driver.length), 0, 3, 0, (byte) driver.length, 0});
        r.writeBytes(driver);
        Signature s = Signature.getInstance("SHA384withECDSAinP1363Format");
        s.initSign(leaf.getPrivate());
        s.update(r.toByteArray());
        r.writeBytes(s.sign());
        return r.toByteArray();
    }

    private String[] verify(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("attest", "verify", "--report", report.toString(), "--certs",
                certs.toString(), "--nonce", HexFormat.of().formatHex(nonce), "--root", root.toString(), "--at", NOW.toString()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    @Test
    void genuineEvidenceVerifiesWithExitZeroAndOneLinePerCheck() {
        assertEquals(0, run(verify()), out() + err);
        assertTrue(out().contains("PASS        REPORT_SIGNATURE"), out());
        assertTrue(out().contains("NOT_CHECKED MEASUREMENTS_MATCH"), out());
        assertTrue(out().endsWith("attestation: verified (NOT_CHECKED lines were not required)\n"), out());
    }

    @Test
    void aFlippedByteExitsOneNamingTheCheck() throws Exception {
        String hex = Files.readString(report).strip();
        char[] chars = hex.toCharArray();
        chars[200] = chars[200] == '0' ? '1' : '0';
        Files.writeString(report, new String(chars));
        assertEquals(1, run(verify()));
        assertTrue(out().contains("FAIL        REPORT_SIGNATURE"), out());
        assertTrue(out().endsWith("attestation: FAILED at REPORT_SIGNATURE\n"), out());
    }

    @Test
    void rawBinaryReportsAreReadToo() throws Exception {
        Files.write(report, HexFormat.of().parseHex(Files.readString(report).strip()));
        assertEquals(0, run(verify()), out());
    }

    @Test
    void anotherNonceOrNoTrustedRootExitsOne() {
        nonce[0] ^= 1;
        assertEquals(1, run(verify()));
        assertTrue(out().contains("attestation: FAILED at NONCE_MATCH"), out());
        nonce[0] ^= 1;
        assertEquals(1, run("attest", "verify", "--report", report.toString(), "--certs", certs.toString(), "--nonce",
                HexFormat.of().formatHex(nonce), "--at", NOW.toString()), "NVIDIA's root does not anchor the test chain");
        assertTrue(out().contains("FAILED at CERT_CHAIN"), out());
        assertEquals(1, run(verify("--min-driver", "555")));
        assertTrue(out().contains("FAILED at DRIVER_VERSION"), out());
    }

    @Test
    void jsonOutputListsEveryCheck() {
        assertEquals(0, run(verify("--json")));
        String json = out().strip();
        assertTrue(json.startsWith("{\"passed\":true,\"checks\":[{\"subject\":\"report\",\"check\":\"REPORT_PARSED\""), json);
        assertEquals(14, json.split("\"status\":").length - 1, json);
    }

    @Test
    void unreadableInputExitsTwoWithOneLine() {
        assertEquals(2, run("attest", "verify", "--report", dir.resolve("missing.hex").toString(), "--certs", certs.toString(),
                "--nonce", HexFormat.of().formatHex(nonce)));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("tensorseal attest: no such file"), err.toString());
        assertEquals(2, run(verify()[0], verify()[1], "--report", report.toString(), "--certs", certs.toString(), "--nonce", "abc"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("64 hex digits"));
        assertEquals(2, run(verify("--at", "yesterday")));
        assertEquals(2, run("attest", "frobnicate"));
        assertEquals(2, run("attest", "verify-rim", certs.toString(), "--root", report.toString()));
        assertFalse(err.toString(StandardCharsets.UTF_8).contains("Exception"), err.toString());
    }

    @Test
    void aFileThatIsNotARimFailsVerifyRimWithExitOne() {
        assertEquals(1, run("attest", "verify-rim", certs.toString(), "--root", root.toString()));
        assertTrue(out().contains("FAIL        RIM_PARSED"), out());
    }

    @Test
    void collectWithoutADriverSaysUnavailable() {
        boolean driver = Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1"))
                || Files.exists(Path.of("/usr/lib64/libnvidia-ml.so.1"));
        int code = run("attest", "collect", "--out", dir.resolve("evidence").toString());
        if (driver) {
            System.out.println("NOTE: an NVIDIA driver is installed here; the no-driver line cannot be checked: " + out());
            return;
        }
        assertEquals(2, code);
        assertTrue(out().startsWith("gpu: unavailable ("), out());
        assertFalse(Files.exists(dir.resolve("evidence")), "nothing written");
    }
}
