package dev.tensorseal.internal.attestation;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;

/**
 * Verifies a certificate chain, leaf first, up to one of the trusted roots at a given instant: at most
 * {@value #MAX_CHAIN_LENGTH} certificates (a root at the end counts and must be byte-identical to a trusted
 * root), each issued and signed by the next, every issuer a CA, every certificate within its validity at
 * that instant. Returns the verified path (without the root) or throws {@link CheckFailed} naming the
 * certificate at fault by position and subject.
 */
final class ChainVerifier {
    static final int MAX_CHAIN_LENGTH = 5;

    private ChainVerifier() {}

    /** A chain that verified: every certificate from the leaf up to and including the trusted root. */
    record Verified(List<X509Certificate> withRoot, String reason) {
        Verified {
            withRoot = List.copyOf(withRoot);
        }
    }

    static Verified verify(List<X509Certificate> chain, List<X509Certificate> roots, Instant at) {
        if (chain.isEmpty()) {
            throw new CheckFailed("the certificate chain is empty");
        }
        if (chain.size() > MAX_CHAIN_LENGTH) {
            throw new CheckFailed("the certificate chain has " + chain.size() + " certificates, at most " + MAX_CHAIN_LENGTH
                    + " allowed");
        }
        if (roots.isEmpty()) {
            throw new CheckFailed("no trusted root certificates were configured");
        }
        X509Certificate last = chain.get(chain.size() - 1);
        List<X509Certificate> path = chain;
        if (selfIssued(last) && chain.size() > 1) {
            if (roots.stream().noneMatch(r -> sameEncoding(r, last))) {
                throw new CheckFailed("the chain ends in root '" + name(last) + "', which is not a trusted root");
            }
            path = chain.subList(0, chain.size() - 1);
        }
        for (int i = 0; i < path.size(); i++) {
            X509Certificate cert = path.get(i);
            valid(cert, i, at);
            X509Certificate issuer = i + 1 < path.size() ? path.get(i + 1) : anchor(cert, roots, i);
            if (!cert.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
                throw new CheckFailed("certificate " + i + " ('" + name(cert) + "') is issued by '"
                        + cert.getIssuerX500Principal().getName() + "', but the next certificate is '" + name(issuer)
                        + "' (chain out of order or incomplete)");
            }
            if (issuer.getBasicConstraints() < 0) {
                throw new CheckFailed("certificate " + (i + 1) + " ('" + name(issuer) + "') issues certificates but is not a CA");
            }
            try {
                cert.verify(issuer.getPublicKey());
            } catch (GeneralSecurityException e) {
                throw new CheckFailed("certificate " + i + " ('" + name(cert) + "') is not signed by '" + name(issuer) + "': "
                        + e.getMessage());
            }
        }
        X509Certificate root = anchor(path.get(path.size() - 1), roots, path.size() - 1);
        valid(root, path.size(), at);
        List<X509Certificate> withRoot = new ArrayList<>(path);
        withRoot.add(root);
        return new Verified(withRoot, chain.size() + " certificates up to trusted root '" + name(root) + "', valid at " + at);
    }

    /** The trusted root that issued {@code top}, by name; a chain to an unknown issuer fails here. */
    private static X509Certificate anchor(X509Certificate top, List<X509Certificate> roots, int position) {
        return roots.stream()
                .filter(r -> r.getSubjectX500Principal().equals(top.getIssuerX500Principal()))
                .findFirst()
                .orElseThrow(() -> new CheckFailed("certificate " + position + " ('" + name(top) + "') is issued by '"
                        + top.getIssuerX500Principal().getName() + "', which is not a trusted root"));
    }

    private static void valid(X509Certificate cert, int position, Instant at) {
        try {
            cert.checkValidity(Date.from(at));
        } catch (CertificateExpiredException e) {
            throw new CheckFailed("certificate " + position + " ('" + name(cert) + "') expired on "
                    + cert.getNotAfter().toInstant() + " (checked at " + at + ")");
        } catch (CertificateNotYetValidException e) {
            throw new CheckFailed("certificate " + position + " ('" + name(cert) + "') is not valid before "
                    + cert.getNotBefore().toInstant() + " (checked at " + at + ")");
        }
    }

    static boolean selfIssued(X509Certificate cert) {
        return cert.getIssuerX500Principal().equals(cert.getSubjectX500Principal());
    }

    private static boolean sameEncoding(X509Certificate a, X509Certificate b) {
        try {
            return Arrays.equals(a.getEncoded(), b.getEncoded());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static String name(X509Certificate cert) {
        return cert.getSubjectX500Principal().getName();
    }
}
