package dev.tensorseal.internal.attestation;

import dev.tensorseal.TensorSealException;

/** Attestation evidence (report, certificate chain, RIM, OCSP response) that does not have the expected form. */
public final class EvidenceFormatException extends TensorSealException {
    private static final long serialVersionUID = 1L;

    public EvidenceFormatException(String message) {
        super(message);
    }

    public EvidenceFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
