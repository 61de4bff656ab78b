package dev.tensorseal.internal.attestation;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * OCSP responses the caller supplied (DER), for offline checks: the first that answers for a certificate
 * decides. Without a request there is no nonce, so freshness rests on the response's validity period: its
 * nextUpdate, or without one the policy's maximum age.
 */
final class FileOcspSource implements RevocationSource {
    private final List<byte[]> responses;
    private final Duration maxAge;

    FileOcspSource(List<byte[]> responses, Duration maxAge) {
        this.responses = responses.stream().map(byte[]::clone).toList();
        this.maxAge = maxAge;
    }

    @Override
    public String check(X509Certificate cert, X509Certificate issuer, Instant at) {
        for (byte[] der : responses) {
            if (Ocsp.answersFor(der, cert, issuer)) {
                return Ocsp.verify(der, cert, issuer, at, Optional.empty(), maxAge);
            }
        }
        throw new CheckFailed("no supplied OCSP response answers for '" + ChainVerifier.name(cert) + "'");
    }

    @Override
    public String description() {
        return responses.size() + " supplied OCSP response(s)";
    }
}
