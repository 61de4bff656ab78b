package dev.tensorseal.internal.keys;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.UnsupportedParameterException;
import dev.tensorseal.internal.crypto.SecretBytes;
import java.util.Arrays;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.hpke.HPKEContextWithEncapsulation;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;

/**
 * HPKE base mode (RFC 9180), single shot, behind our own small surface over Bouncy Castle's
 * {@code org.bouncycastle.crypto.hpke}: seal a short secret to a public key, open it with the private key. The wire
 * form is the RFC's ({@code enc}, then AEAD ciphertext with its tag), so another RFC 9180 implementation (the JDK's)
 * can replace this class without a format change.
 *
 * <p>Open fails closed: a wrong key, an edited {@code enc}, ciphertext, info or aad is an {@link IntegrityException}
 * and no plaintext. Secrets cross Bouncy Castle's API as heap arrays: our copies are zeroed at once, but its own key
 * objects (an X25519 private key's array, an EC private key's {@code BigInteger}, the AEAD key schedule) stay on the
 * heap until collected (SECURITY.md).
 */
public final class Hpke {
    private Hpke() {}

    /** An encapsulated key and the AEAD ciphertext (tag last). */
    public record Sealed(byte[] enc, byte[] ciphertext) {
        public Sealed {
            enc = enc.clone();
            ciphertext = ciphertext.clone();
        }

        @Override
        public byte[] enc() {
            return enc.clone();
        }

        @Override
        public byte[] ciphertext() {
            return ciphertext.clone();
        }
    }

    /** A key pair: the private key off-heap (the caller closes it), the serialized public key. Not a record: no printing. */
    public static final class KeyPair {
        private final SecretBytes privateKey;
        private final byte[] publicKey;

        KeyPair(SecretBytes privateKey, byte[] publicKey) {
            this.privateKey = privateKey;
            this.publicKey = publicKey.clone();
        }

        public SecretBytes privateKey() {
            return privateKey;
        }

        public byte[] publicKey() {
            return publicKey.clone();
        }
    }

    /** Seals {@code plaintext} to {@code publicKey} under a fresh ephemeral key. */
    public static Sealed seal(HpkeSuite suite, byte[] publicKey, byte[] info, byte[] aad, SecretBytes plaintext) {
        HPKE hpke = suite.hpke();
        return seal(suite, hpke.setupBaseS(publicKey(suite, hpke, publicKey), info), aad, plaintext.insecureCopy());
    }

    /**
     * As {@link #seal} with the ephemeral key pair derived from {@code ephemeralIkm} (DeriveKeyPair): only for the
     * RFC's test vectors, whose ephemeral keys are fixed. A sealer that reuses an ephemeral key loses confidentiality.
     */
    static Sealed insecureSealWithEphemeral(HpkeSuite suite, byte[] publicKey, byte[] info, byte[] aad, byte[] plaintext,
            byte[] ephemeralIkm) {
        HPKE hpke = suite.hpke();
        AsymmetricCipherKeyPair ephemeral = hpke.deriveKeyPair(ephemeralIkm);
        return seal(suite, hpke.setupBaseS(publicKey(suite, hpke, publicKey), info, ephemeral), aad, plaintext.clone());
    }

    private static Sealed seal(HpkeSuite suite, HPKEContextWithEncapsulation context, byte[] aad, byte[] plaintext) {
        try {
            return new Sealed(context.getEncapsulation(), context.seal(aad, plaintext));
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("HPKE seal failed for suite " + suite.name(), e);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /**
     * Opens {@code sealed} with {@code privateKey}; the plaintext comes back off-heap (the caller closes it).
     *
     * @throws IntegrityException when the key is not the one sealed to, or any input byte was changed
     */
    public static SecretBytes open(HpkeSuite suite, SecretBytes privateKey, Sealed sealed, byte[] info, byte[] aad) {
        HPKE hpke = suite.hpke();
        AsymmetricCipherKeyPair pair = keyPair(suite, hpke, privateKey);
        byte[] plain;
        try {
            plain = hpke.setupBaseR(sealed.enc(), pair, info).open(aad, sealed.ciphertext());
        } catch (InvalidCipherTextException | IllegalArgumentException | IllegalStateException e) {
            // IllegalArgument/State: an enc that is not a point of the curve (or X25519's all-zero shared secret).
            throw new IntegrityException("HPKE open failed: the recipient entry was changed or sealed to another key");
        }
        return SecretBytes.takeAndWipe(plain);
    }

    /** A new random key pair. */
    public static KeyPair generate(HpkeSuite suite) {
        HPKE hpke = suite.hpke();
        return keyPairOf(hpke, hpke.generatePrivateKey());
    }

    /** The key pair DeriveKeyPair(ikm) gives (RFC 9180 section 7.1.3). */
    static KeyPair derive(HpkeSuite suite, byte[] ikm) {
        HPKE hpke = suite.hpke();
        return keyPairOf(hpke, hpke.deriveKeyPair(ikm));
    }

    /** The serialized public key of {@code privateKey}. */
    public static byte[] publicKeyOf(HpkeSuite suite, SecretBytes privateKey) {
        HPKE hpke = suite.hpke();
        return hpke.serializePublicKey(keyPair(suite, hpke, privateKey).getPublic());
    }

    /** Checks that {@code publicKey} is a valid serialized public key of the suite (length, a point on the curve). */
    public static void checkPublicKey(HpkeSuite suite, byte[] publicKey) {
        publicKey(suite, suite.hpke(), publicKey);
    }

    private static KeyPair keyPairOf(HPKE hpke, AsymmetricCipherKeyPair pair) {
        byte[] sk = hpke.serializePrivateKey(pair.getPrivate());
        return new KeyPair(SecretBytes.takeAndWipe(sk), hpke.serializePublicKey(pair.getPublic()));
    }

    private static AsymmetricKeyParameter publicKey(HpkeSuite suite, HPKE hpke, byte[] publicKey) {
        if (publicKey.length != suite.publicKeyBytes()) {
            throw new UnsupportedParameterException("a " + suite.name() + " public key is " + suite.publicKeyBytes()
                    + " bytes, got " + publicKey.length);
        }
        try {
            return hpke.deserializePublicKey(publicKey);
        } catch (RuntimeException e) {
            throw new UnsupportedParameterException("not a valid " + suite.name() + " public key (not a point of the curve)");
        }
    }

    private static AsymmetricCipherKeyPair keyPair(HpkeSuite suite, HPKE hpke, SecretBytes privateKey) {
        if (privateKey.size() != suite.privateKeyBytes()) {
            throw new UnsupportedParameterException("a " + suite.name() + " private key is " + suite.privateKeyBytes()
                    + " bytes, got " + privateKey.size());
        }
        byte[] sk = privateKey.insecureCopy();
        try {
            return hpke.deserializePrivateKey(sk, null);
        } catch (RuntimeException e) {
            throw new UnsupportedParameterException("not a valid " + suite.name() + " private key");
        } finally {
            Arrays.fill(sk, (byte) 0);
        }
    }
}
