package dev.tensorseal.internal.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tensorseal.IntegrityException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Offline interop with OpenSSF model signing: a signature the model_signing 1.0.0 library made with an ECDSA P-384
 * key (sigstore/model-transparency's own test data, see resources/model-signing/README.md) verifies here, and
 * the key hint we write is the one that library writes.
 */
class ModelSigningInteropTest {
    @TempDir Path dir;

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ModelSigningInteropTest.class.getResourceAsStream("/model-signing/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource /model-signing/" + name);
            }
            return in.readAllBytes();
        }
    }

    private Path model() throws IOException {
        Path f = dir.resolve("signme-1");
        Files.write(f, resource("signme-1"));
        Files.write(dir.resolve("signme-1.sig"), resource("signme-1.sig"));
        return f;
    }

    @Test
    void aModelSigning100SignatureVerifiesWithItsPublicKeyAndWithItsCertificate() throws IOException {
        Path f = model();
        ModelSigning.verify(f, SigningKeys.readPublic(resource("signing-key-pub.pem"), "pub"));
        ModelSigning.verify(f, SigningKeys.readPublic(resource("signing-key-cert.pem"), "cert"));
    }

    @Test
    void theModelSigning100SignatureFailsOnAChangedFile() throws IOException {
        Path f = model();
        byte[] b = Files.readAllBytes(f);
        b[0] ^= 0x20;
        Files.write(f, b);
        assertThrows(IntegrityException.class,
                () -> ModelSigning.verify(f, SigningKeys.readPublic(resource("signing-key-pub.pem"), "pub")));
    }

    @Test
    void ourKeyHintIsTheOneModelSigning110WroteForTheSameKey() throws IOException {
        PublicKey key = SigningKeys.readPublic(resource("signing-key-pub.pem"), "pub");
        // verificationMaterial.publicKey.hint of scripts/tests/v1.1.0-elliptic-key/model.sig, signed with this key.
        assertEquals("e8450dec4eb99dae995da9af1bc2cc9f76ed669ee2e744f57abba763df3e3f8e", SignatureBundle.hint(key));
    }

    @Test
    void theOneLineTextRoundTripsAndAP256KeySignsWhatItVerifies() throws IOException {
        var pair = SigningKeys.generate();
        PublicKey back = SigningKeys.readPublic(SigningKeys.text(pair.getPublic()).getBytes(), "text");
        assertEquals(pair.getPublic(), back);
        assertEquals(pair.getPublic(), SigningKeyFile.publicOf(pair.getPrivate()));
        Path f = dir.resolve("x.bin");
        Files.write(f, new byte[] {1, 2, 3});
        ModelSigning.sign(f, pair.getPrivate(), pair.getPublic(), false);
        ModelSigning.verify(f, back);
    }
}
