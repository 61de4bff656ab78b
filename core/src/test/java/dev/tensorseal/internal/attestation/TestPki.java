package dev.tensorseal.internal.attestation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test certificate hierarchy shaped like NVIDIA's, made with Bouncy Castle: EC P-384 keys, SHA-384
 * signatures, a device chain of five (root, identity CA, provisioner ICA, BROM, FMC leaf carrying the FWID)
 * and a RIM chain of four (root, CA, L3, L4 signer).
 */
final class TestPki {
    static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static final AtomicLong SERIAL = new AtomicLong(1000);

    /** A certificate and its key. */
    record Issued(X509Certificate cert, KeyPair keys) {}

    private TestPki() {}

    static KeyPair p384() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp384r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static Issued root(String cn) {
        KeyPair k = p384();
        return new Issued(build(cn, new X500Name(cn), k, k, true, NOW.minus(400, ChronoUnit.DAYS), NOW.plus(3650, ChronoUnit.DAYS),
                List.of()), k);
    }

    static Issued ca(String cn, Issued issuer) {
        KeyPair k = p384();
        return new Issued(build(cn, subject(issuer), k, issuer.keys(), true, NOW.minus(300, ChronoUnit.DAYS),
                NOW.plus(3000, ChronoUnit.DAYS), List.of()), k);
    }

    static Issued leaf(String cn, Issued issuer, Instant notBefore, Instant notAfter, List<Extension> extensions) {
        KeyPair k = p384();
        return new Issued(build(cn, subject(issuer), k, issuer.keys(), false, notBefore, notAfter,
                extensions), k);
    }

    static Issued ocspResponder(String cn, Issued issuer) {
        KeyPair k = p384();
        Extension eku = new Extension(Extension.extendedKeyUsage, false,
                octets(new ExtendedKeyUsage(KeyPurposeId.id_kp_OCSPSigning)));
        return new Issued(build(cn, subject(issuer), k, issuer.keys(), false,
                NOW.minus(10, ChronoUnit.DAYS), NOW.plus(300, ChronoUnit.DAYS), List.of(eku)), k);
    }

    /** NVIDIA's Hopper FWID extension: SEQUENCE { INTEGER 1, SubjectPublicKeyInfo, SEQUENCE { sha384, OCTET STRING } }. */
    static Extension hopperFwid(byte[] fwid, KeyPair someKey) {
        ASN1Encodable spki = SubjectPublicKeyInfo.getInstance(someKey.getPublic().getEncoded());
        DERSequence value = new DERSequence(new ASN1Encodable[] {new ASN1Integer(1), spki, fwidEntry(fwid)});
        return new Extension(new ASN1ObjectIdentifier(Fwid.TCG_DICE_TCB_INFO), false, octets(value));
    }

    /** TCG DICE DiceTcbInfo with vendor [0], model [1] and fwids [6] IMPLICIT SEQUENCE OF FWID (Blackwell). */
    static Extension diceTcbInfo(byte[] fwid) {
        DERSequence value = new DERSequence(new ASN1Encodable[] {
            new DERTaggedObject(false, 0, new DERUTF8String("NVIDIA")),
            new DERTaggedObject(false, 1, new DERUTF8String("GB100")),
            new DERTaggedObject(false, 6, new DERSequence(fwidEntry(fwid)))
        });
        return new Extension(new ASN1ObjectIdentifier(Fwid.TCG_DICE_TCB_INFO), false, octets(value));
    }

    private static DERSequence fwidEntry(byte[] fwid) {
        return new DERSequence(new ASN1Encodable[] {NISTObjectIdentifiers.id_sha384, new DEROctetString(fwid)});
    }

    private static DEROctetString octets(ASN1Encodable value) {
        try {
            return new DEROctetString(value.toASN1Primitive().getEncoded());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static X500Name subject(Issued issuer) {
        return X500Name.getInstance(issuer.cert().getSubjectX500Principal().getEncoded());
    }

    private static X509Certificate build(String subject, X500Name issuer, KeyPair subjectKeys, KeyPair issuerKeys, boolean ca,
                                         Instant notBefore, Instant notAfter, List<Extension> extensions) {
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
                    new X500Name(subject), subjectKeys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                    : KeyUsage.digitalSignature));
            for (Extension e : extensions) {
                b.addExtension(e);
            }
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA384withECDSA").build(issuerKeys.getPrivate())));
        } catch (OperatorCreationException | GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(List<X509Certificate> chain) {
        StringBuilder out = new StringBuilder();
        for (X509Certificate c : chain) {
            try {
                out.append("-----BEGIN CERTIFICATE-----\n")
                        .append(Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
        return out.toString();
    }

    static byte[] pemBytes(List<X509Certificate> chain) {
        return pem(chain).getBytes(StandardCharsets.US_ASCII);
    }

    /** A device hierarchy like NVIDIA's: root .. BROM, and a leaf factory for any FWID extension and validity. */
    static final class Device {
        final Issued root = root("CN=Test Device Identity CA,O=Test");
        final Issued identity = ca("CN=Test GH100 Identity,O=Test", root);
        final Issued provisioner = ca("CN=Test GH100 Provisioner ICA 1,O=Test", identity);
        final Issued brom = ca("CN=Test GH100 A01 GSP BROM,O=Test", provisioner);
        final Issued leaf;

        Device(Extension fwidExtension) {
            this.leaf = TestPki.leaf("CN=Test GH100 A01 GSP FMC LF,O=Test", brom, NOW.minus(200, ChronoUnit.DAYS),
                    NOW.plus(2000, ChronoUnit.DAYS), fwidExtension == null ? List.of() : List.of(fwidExtension));
        }

        /** Leaf first, root last: the five certificates NVML returns. */
        List<X509Certificate> chain() {
            return chainWithLeaf(leaf.cert());
        }

        List<X509Certificate> chainWithLeaf(X509Certificate leafCert) {
            return new ArrayList<>(List.of(leafCert, brom.cert(), provisioner.cert(), identity.cert(), root.cert()));
        }
    }

    /** A RIM signing hierarchy like NVIDIA's: root, CA, L3, L4 signer. */
    static final class RimSigning {
        final Issued root = root("CN=Test CoRIM signing Root CA,O=Test");
        final Issued ca = TestPki.ca("CN=Test Reference Value GH100 CA,O=Test", root);
        final Issued l3 = TestPki.ca("CN=Test Reference Value L3 GH100 001,O=Test", ca);
        final Issued signer = TestPki.leaf("CN=Test HCC RIM L4 Signer,O=Test", l3, NOW.minus(100, ChronoUnit.DAYS),
                NOW.plus(600, ChronoUnit.DAYS), List.of());

        List<X509Certificate> chain() {
            return List.of(signer.cert(), l3.cert(), ca.cert(), root.cert());
        }
    }
}
