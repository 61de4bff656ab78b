package dev.tensorseal;

import dev.tensorseal.internal.signing.ModelSigning;
import dev.tensorseal.internal.signing.SigningKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;

/**
 * A signer a sealed file must come from: an ECDSA P-256 or P-384 public key. A signature is an OpenSSF model
 * signing v1.0 bundle in {@code FILE.sig} beside the file ({@code model.tseal.sig}) over the SHA-256 of every byte
 * of the file, so it is checked without any decryption key, before anything is decrypted.
 *
 * <pre>{@code
 * Signer producer = Signer.parse("tseal-signer:MFkw...");
 * try (TensorStore s = SealedFile.open(path, TensorStore.builder().keySource(key), producer)) { ... }
 * }</pre>
 */
public final class Signer {
    private final PublicKey key;

    private Signer(PublicKey key) {
        this.key = key;
    }

    /** A signer from its one-line text ({@code tseal-signer:...}, what {@code keygen --signing-key} prints). */
    public static Signer parse(String text) {
        return new Signer(SigningKeys.readPublic(text.getBytes(StandardCharsets.US_ASCII), "the signer key"));
    }

    /** A signer from a file holding its one-line text, a PUBLIC KEY PEM or an X.509 CERTIFICATE PEM (its key is used; the chain is not checked). */
    public static Signer fromFile(Path file) throws IOException {
        return new Signer(SigningKeys.readPublic(Files.readAllBytes(file), "signer key file " + file));
    }

    /** A signer from a JCA public key (EC, P-256 or P-384). */
    public static Signer of(PublicKey key) {
        SigningKeys.readPublic(SigningKeys.publicPem(key), "the signer key"); // checks the curve
        return new Signer(key);
    }

    /**
     * Checks that {@code file} carries this signer's signature over its current bytes.
     *
     * @return the header digest of the bytes checked (hex, as {@link SealedFile#headerDigest}): an open pinned to it
     *         opens those bytes or fails, even if the file is replaced after this returns; null for a signed file
     *         too short to be a sealed one
     * @throws IntegrityException when it is unsigned, signed by another key, or changed since it was signed
     */
    public String verify(Path file) throws IOException {
        byte[] header = ModelSigning.verify(file, key);
        return header == null ? null : java.util.HexFormat.of().formatHex(header);
    }

    /** The one-line text form. */
    public String text() {
        return SigningKeys.text(key);
    }

    @Override
    public String toString() {
        return "Signer[" + text() + "]";
    }
}
