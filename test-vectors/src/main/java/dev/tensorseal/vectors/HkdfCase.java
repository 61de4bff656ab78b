package dev.tensorseal.vectors;

/**
 * One HKDF case.
 *
 * @param hash         the hash as the source names it ({@code SHA-256}, {@code SHA-1}, ...)
 * @param salt         empty when the source gives none
 * @param lengthBytes  L, the output size asked for
 * @param prk          the pseudorandom key, or null when the source does not state it
 */
public record HkdfCase(
        String id,
        String hash,
        byte[] ikm,
        byte[] salt,
        byte[] info,
        int lengthBytes,
        byte[] prk,
        byte[] okm,
        Expected expected) {
}
