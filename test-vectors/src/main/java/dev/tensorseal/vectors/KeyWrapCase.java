package dev.tensorseal.vectors;

/**
 * One NIST SP 800-38F key wrap case (or an RFC 3394 example).
 *
 * @param mode           KW (RFC 3394), KWP (RFC 5649) or TKW (Triple-DES, which tensorseal does not implement)
 * @param wrapDirection  true for an AE (wrap) file: wrap(P) must equal C; false for AD: unwrap(C) must give P or fail
 * @param inverseCipher  the {@code _inv} files: the wrapping function W uses the AES inverse cipher (SP 800-38F 6.1)
 * @param plaintext      null when the case is a {@code FAIL}
 */
public record KeyWrapCase(
        String id,
        Mode mode,
        boolean wrapDirection,
        boolean inverseCipher,
        byte[] key,
        byte[] plaintext,
        byte[] ciphertext,
        Expected expected) {

    /** The three SP 800-38F algorithms. */
    public enum Mode {
        KW,
        KWP,
        TKW
    }
}
