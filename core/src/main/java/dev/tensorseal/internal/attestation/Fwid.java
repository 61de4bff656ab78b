package dev.tensorseal.internal.attestation;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;

/**
 * The firmware id (FWID) an attestation leaf certificate carries, which must equal the report's FWID.
 * Hopper puts it in NVIDIA's own structure under OID {@value #TCG_DICE_TCB_INFO} ({@code SEQUENCE {INTEGER,
 * SubjectPublicKeyInfo, SEQUENCE {hashAlg, OCTET STRING fwid}}}); Blackwell uses the TCG DICE
 * {@code DiceTcbInfo} under the same OID (fwids in field {@code [6] IMPLICIT SEQUENCE OF FWID}).
 */
final class Fwid {
    static final String TCG_DICE_TCB_INFO = "2.23.133.5.4.1";
    static final String TCG_DICE_TCB_INFO_ALT = "2.23.133.5.4.1.1";
    private static final int DICE_FWIDS_TAG = 6;

    private Fwid() {}

    /** The certificate's FWID, empty when it has no such extension. */
    static Optional<byte[]> of(X509Certificate cert) {
        byte[] ext = cert.getExtensionValue(TCG_DICE_TCB_INFO);
        if (ext == null) {
            ext = cert.getExtensionValue(TCG_DICE_TCB_INFO_ALT);
        }
        if (ext == null) {
            return Optional.empty();
        }
        try {
            ASN1Primitive value = ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(ext).getOctets());
            ASN1Sequence seq = ASN1Sequence.getInstance(value);
            return Optional.of(seq.size() > 0 && seq.getObjectAt(0) instanceof ASN1Integer ? nvidia(seq) : dice(seq));
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            throw new EvidenceFormatException("the FWID extension of '" + ChainVerifier.name(cert) + "' is malformed: "
                    + e.getMessage(), e);
        }
    }

    private static byte[] nvidia(ASN1Sequence seq) {
        ASN1Encodable last = seq.getObjectAt(seq.size() - 1);
        return digest(ASN1Sequence.getInstance(last));
    }

    private static byte[] dice(ASN1Sequence seq) {
        for (ASN1Encodable e : seq) {
            ASN1TaggedObject tagged = ASN1TaggedObject.getInstance(e);
            if (tagged.getTagNo() == DICE_FWIDS_TAG) {
                ASN1Sequence fwids = ASN1Sequence.getInstance(tagged, false);
                if (fwids.size() == 0) {
                    throw new IllegalArgumentException("DiceTcbInfo has an empty fwids list");
                }
                return digest(ASN1Sequence.getInstance(fwids.getObjectAt(0)));
            }
        }
        throw new IllegalArgumentException("DiceTcbInfo has no fwids field");
    }

    /** {@code FWID ::= SEQUENCE { hashAlg OBJECT IDENTIFIER, digest OCTET STRING }}. */
    private static byte[] digest(ASN1Sequence fwid) {
        if (fwid.size() != 2) {
            throw new IllegalArgumentException("an FWID has " + fwid.size() + " fields, expected 2");
        }
        ASN1ObjectIdentifier.getInstance(fwid.getObjectAt(0));
        return ASN1OctetString.getInstance(fwid.getObjectAt(1)).getOctets();
    }
}
