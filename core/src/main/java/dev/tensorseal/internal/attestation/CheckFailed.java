package dev.tensorseal.internal.attestation;

/** Thrown inside a check to fail it with a reason; {@link CheckRun} records it and stops the run. */
final class CheckFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CheckFailed(String reason) {
        super(reason, null, false, false);
    }
}
