package dev.tensorseal;

import dev.tensorseal.internal.attestation.EvidenceVerifier;
import dev.tensorseal.internal.attestation.GpuEvidence;
import dev.tensorseal.internal.attestation.Nonces;
import java.util.Objects;

/**
 * Verifies NVIDIA GPU attestation evidence (Hopper, Blackwell) under an {@link AttestationPolicy}, without
 * a GPU: the report NVML returns, its certificate chain and the nonce it was requested with; or one RIM on
 * its own. {@link KeyRelease#requireVerifiedAttestation} uses the same checks on live evidence.
 *
 * <p>Each call builds its own verifier, so RIMs are not cached between calls.
 */
public final class GpuAttestation {
    private GpuAttestation() {}

    /** A fresh 32-byte nonce from {@link java.security.SecureRandom}, for requesting a report. */
    public static byte[] freshNonce() {
        return Nonces.fresh();
    }

    /**
     * Verifies {@code report} (raw bytes) and {@code certificateChainPem} (leaf first) against the
     * {@code nonce} the report was requested with. Malformed evidence is a failed check, not an exception.
     */
    public static AttestationResult verifyReport(byte[] report, byte[] certificateChainPem, byte[] nonce,
                                                 AttestationPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        if (nonce.length != Nonces.NONCE_BYTES) {
            throw new IllegalArgumentException("the nonce must be " + Nonces.NONCE_BYTES + " bytes, got " + nonce.length);
        }
        return AttestationResult.of(new EvidenceVerifier(policy).verify(new GpuEvidence("report", report, certificateChainPem),
                nonce));
    }

    /** Verifies one RIM: its XML signature, its certificate chain to the policy's RIM roots, and revocation. */
    public static AttestationResult verifyRim(byte[] rim, AttestationPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        return AttestationResult.of(new EvidenceVerifier(policy).verifyRim(rim, "rim"));
    }
}
