package dev.tensorseal.internal.attestation;

import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * OCSP with Bouncy Castle behind a small interface: builds requests (SHA-384 certificate id, as NVIDIA's
 * verifier uses, and an optional nonce) and checks responses: successful, signed by the issuer or by a
 * responder certificate the issuer signed for OCSP signing, answering for this certificate, current at the
 * checking instant, echoing the nonce when one was sent.
 */
final class Ocsp {
    /** Accepted clock difference between responder and verifier when checking thisUpdate. */
    private static final long SKEW_MILLIS = 5 * 60_000L;

    private Ocsp() {}

    static CertificateID id(X509Certificate cert, X509Certificate issuer) {
        try {
            DigestCalculatorProvider digests = new JcaDigestCalculatorProviderBuilder().build();
            return new CertificateID(digests.get(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha384)),
                    new JcaX509CertificateHolder(issuer), cert.getSerialNumber());
        } catch (OperatorCreationException | CertificateEncodingException | OCSPException e) {
            throw new IllegalStateException("cannot build an OCSP certificate id: " + e.getMessage(), e);
        }
    }

    static byte[] request(CertificateID id, Optional<byte[]> nonce) {
        try {
            OCSPReqBuilder b = new OCSPReqBuilder().addRequest(id);
            if (nonce.isPresent()) {
                b.setRequestExtensions(new Extensions(Extension.create(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
                        new DEROctetString(nonce.get()))));
            }
            OCSPReq req = b.build();
            return req.getEncoded();
        } catch (OCSPException | IOException e) {
            throw new IllegalStateException("cannot build an OCSP request: " + e.getMessage(), e);
        }
    }

    /** Checks {@code der} as the answer for {@code cert}; returns a reason when good, else throws {@link CheckFailed}. */
    static String verify(byte[] der, X509Certificate cert, X509Certificate issuer, Instant at, Optional<byte[]> nonce) {
        String who = "'" + ChainVerifier.name(cert) + "'";
        BasicOCSPResp basic;
        try {
            OCSPResp resp = new OCSPResp(der);
            if (resp.getStatus() != OCSPResp.SUCCESSFUL) {
                throw new CheckFailed("the OCSP responder answered status " + resp.getStatus() + " for " + who);
            }
            basic = (BasicOCSPResp) resp.getResponseObject();
        } catch (IOException | OCSPException | ClassCastException e) {
            throw new CheckFailed("the OCSP response for " + who + " is malformed: " + e.getMessage());
        }
        if (basic == null) {
            throw new CheckFailed("the OCSP response for " + who + " has no body");
        }
        checkSigner(basic, issuer, at, who);
        if (nonce.isPresent()) {
            Extension echoed = basic.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
            byte[] value;
            try {
                value = echoed == null ? new byte[0] : DEROctetString.getInstance(echoed.getParsedValue()).getOctets();
            } catch (IllegalArgumentException e) {
                throw new CheckFailed("the OCSP response for " + who + " has a malformed nonce extension");
            }
            if (!Nonces.same(value, nonce.get())) {
                throw new CheckFailed("the OCSP response for " + who + " does not echo the request's nonce (replayed?)");
            }
        }
        for (SingleResp single : basic.getResponses()) {
            if (matches(single.getCertID(), issuer, cert.getSerialNumber())) {
                return status(single, who, at);
            }
        }
        throw new CheckFailed("the OCSP response does not answer for " + who);
    }

    /** True when {@code der} is a readable response with an answer for {@code cert} (not yet checked). */
    static boolean answersFor(byte[] der, X509Certificate cert, X509Certificate issuer) {
        try {
            Object body = new OCSPResp(der).getResponseObject();
            if (body instanceof BasicOCSPResp basic) {
                for (SingleResp single : basic.getResponses()) {
                    if (matches(single.getCertID(), issuer, cert.getSerialNumber())) {
                        return true;
                    }
                }
            }
            return false;
        } catch (IOException | OCSPException e) {
            return false;
        }
    }

    private static boolean matches(CertificateID answered, X509Certificate issuer, BigInteger serial) {
        try {
            return answered.getSerialNumber().equals(serial)
                    && answered.matchesIssuer(new JcaX509CertificateHolder(issuer), new JcaDigestCalculatorProviderBuilder().build());
        } catch (OCSPException | OperatorCreationException | CertificateEncodingException e) {
            return false;
        }
    }

    private static String status(SingleResp single, String who, Instant at) {
        Date now = Date.from(at);
        if (single.getThisUpdate().getTime() > now.getTime() + SKEW_MILLIS) {
            throw new CheckFailed("the OCSP response for " + who + " is dated " + single.getThisUpdate().toInstant()
                    + ", after the checking time " + at);
        }
        if (single.getNextUpdate() != null && single.getNextUpdate().before(now)) {
            throw new CheckFailed("the OCSP response for " + who + " is stale: next update was due "
                    + single.getNextUpdate().toInstant());
        }
        CertificateStatus status = single.getCertStatus();
        if (status == CertificateStatus.GOOD) {
            return "good";
        }
        if (status instanceof RevokedStatus r) {
            throw new CheckFailed(who + " is REVOKED since " + r.getRevocationTime().toInstant()
                    + (r.hasRevocationReason() ? " (reason code " + r.getRevocationReason() + ")" : ""));
        }
        if (status instanceof UnknownStatus) {
            throw new CheckFailed("the OCSP responder does not know " + who + " (status UNKNOWN)");
        }
        throw new CheckFailed("the OCSP status of " + who + " is not recognised");
    }

    /** The response must be signed by the issuer, or by a certificate the issuer signed for OCSP signing. */
    private static void checkSigner(BasicOCSPResp basic, X509Certificate issuer, Instant at, String who) {
        try {
            if (basic.isSignatureValid(verifier(issuer))) {
                return;
            }
            for (X509CertificateHolder holder : basic.getCerts()) {
                X509Certificate responder = new JcaX509CertificateConverter().getCertificate(holder);
                List<String> eku = responder.getExtendedKeyUsage();
                if (eku != null && eku.contains(KeyPurposeId.id_kp_OCSPSigning.getId())
                        && responder.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())
                        && holder.isSignatureValid(new JcaContentVerifierProviderBuilder().build(issuer.getPublicKey()))
                        && holder.isValidOn(Date.from(at))
                        && basic.isSignatureValid(verifier(responder))) {
                    return;
                }
            }
        } catch (OCSPException | OperatorCreationException | CertificateException
                 | org.bouncycastle.cert.CertException e) {
            throw new CheckFailed("the OCSP response signature for " + who + " cannot be checked: " + e.getMessage());
        }
        throw new CheckFailed("the OCSP response for " + who + " is not signed by its issuer or an authorised responder");
    }

    private static ContentVerifierProvider verifier(X509Certificate cert) throws OperatorCreationException {
        return new JcaContentVerifierProviderBuilder().build(cert);
    }
}
