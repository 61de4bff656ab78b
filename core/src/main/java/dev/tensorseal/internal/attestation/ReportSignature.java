package dev.tensorseal.internal.attestation;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;

/**
 * Checks a report's ECDSA P-384 / SHA-384 signature (raw r || s) over every byte before it, with the
 * attestation leaf certificate's key.
 */
final class ReportSignature {
    private static final int P384_FIELD_BITS = 384;

    private ReportSignature() {}

    static String verify(AttestationReport report, PublicKey leafKey) {
        if (!(leafKey instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != P384_FIELD_BITS) {
            throw new CheckFailed("the leaf certificate's key is " + leafKey.getAlgorithm() + ", not ECDSA P-384");
        }
        boolean ok;
        try {
            Signature s = Signature.getInstance("SHA384withECDSAinP1363Format");
            s.initVerify(leafKey);
            s.update(report.signedBytes());
            ok = s.verify(report.signature());
        } catch (GeneralSecurityException e) {
            throw new CheckFailed("the report signature could not be checked: " + e.getMessage());
        }
        if (!ok) {
            throw new CheckFailed("the report signature does not verify with the leaf certificate's key");
        }
        return "ECDSA P-384/SHA-384 over " + report.signedBytes().length + " bytes verifies with the leaf key";
    }
}
