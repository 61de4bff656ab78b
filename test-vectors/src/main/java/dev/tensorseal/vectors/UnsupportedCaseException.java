package dev.tensorseal.vectors;

/**
 * Thrown by an implementation under test that does not support a case's parameters (a 4-byte tag
 * on {@code jce}, a SHA-1 HKDF, Triple-DES key wrap) and rejected them, as it should: the case
 * counts as skipped, never as passed.
 */
public final class UnsupportedCaseException extends Exception {
    private static final long serialVersionUID = 1L;

    public UnsupportedCaseException(String reason) {
        super(reason);
    }
}
