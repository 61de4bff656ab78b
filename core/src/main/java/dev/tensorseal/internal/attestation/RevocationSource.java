package dev.tensorseal.internal.attestation;

import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * Where a certificate's revocation status comes from: an OCSP responder over HTTP, OCSP responses the
 * caller supplied, or nowhere ({@link #notChecked()}, which a policy must allow explicitly).
 */
interface RevocationSource {
    /** Returns why {@code cert} is good at {@code at}; throws {@link CheckFailed} when it is revoked or unknown. */
    String check(X509Certificate cert, X509Certificate issuer, Instant at);

    /** False only for {@link #notChecked()}. */
    default boolean checks() {
        return true;
    }

    String description();

    static RevocationSource notChecked() {
        return new RevocationSource() {
            @Override
            public String check(X509Certificate cert, X509Certificate issuer, Instant at) {
                throw new IllegalStateException("revocation is not checked");
            }

            @Override
            public boolean checks() {
                return false;
            }

            @Override
            public String description() {
                return "revocation not checked (allowed by the policy)";
            }
        };
    }
}
