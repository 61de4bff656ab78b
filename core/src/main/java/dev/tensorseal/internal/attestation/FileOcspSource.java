package dev.tensorseal.internal.attestation;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * OCSP responses the caller supplied (DER), for offline checks: the first that answers for a certificate
 * decides. Without a request there is no nonce, so freshness rests on the response's validity period.
 */
final class FileOcspSource implements RevocationSource {
    private final List<byte[]> responses;

    FileOcspSource(List<byte[]> responses) {
        this.responses = responses.stream().map(byte[]::clone).toList();
    }

    @Override
    public String check(X509Certificate cert, X509Certificate issuer, Instant at) {
        for (byte[] der : responses) {
            if (Ocsp.answersFor(der, cert, issuer)) {
                return Ocsp.verify(der, cert, issuer, at, Optional.empty());
            }
        }
        throw new CheckFailed("no supplied OCSP response answers for '" + ChainVerifier.name(cert) + "'");
    }

    @Override
    public String description() {
        return responses.size() + " supplied OCSP response(s)";
    }
}
