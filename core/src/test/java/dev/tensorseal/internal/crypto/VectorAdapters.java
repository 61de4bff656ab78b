package dev.tensorseal.internal.crypto;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.UnsupportedParameterException;
import dev.tensorseal.vectors.GcmCase;
import dev.tensorseal.vectors.GcmUnderTest;
import dev.tensorseal.vectors.HkdfUnderTest;
import dev.tensorseal.vectors.KeyWrapCase;
import dev.tensorseal.vectors.KeyWrapUnderTest;
import dev.tensorseal.vectors.UnsupportedCaseException;
import java.util.Optional;

/**
 * core's engines, HKDF and key wrap as test-vectors' runner sees them. The published-vector tests
 * beside this class run through these same adapters, and so does {@code tensorseal vectors} (the CLI
 * depends on core's test jar, which holds only this class), so the command and the test suite cannot
 * judge a case differently. (They live in core's tests because core cannot depend on test-vectors
 * outside them.)
 */
public final class VectorAdapters {
    private VectorAdapters() {}

    /** One keyed instance per case, reused for its seal and then its open. */
    public static final class Gcm implements GcmUnderTest, AutoCloseable {
        private final GcmEngine engine;
        private GcmCase current;
        private SecretBytes key;
        private InsecureNonceAesGcm instance;

        public Gcm(GcmEngine engine) {
            this.engine = engine;
        }

        @Override
        public String name() {
            return engine.name();
        }

        private InsecureNonceAesGcm instanceFor(GcmCase c) throws UnsupportedCaseException {
            if (current != c) {
                close();
                current = c;
                key = SecretBytes.takeAndWipe(c.key().clone());
                try {
                    instance = engine.newInstance(key, c.tagSizeBytes());
                } catch (UnsupportedParameterException e) {
                    throw new UnsupportedCaseException(e.getMessage());
                }
            }
            if (instance == null) {
                throw new UnsupportedCaseException("engine rejected the case's key or tag size");
            }
            return instance;
        }

        @Override
        public byte[] seal(GcmCase c) throws UnsupportedCaseException {
            InsecureNonceAesGcm g = instanceFor(c);
            try {
                return g.seal(c.iv(), c.aad(), c.plaintext());
            } catch (UnsupportedParameterException e) {
                throw new UnsupportedCaseException(e.getMessage());
            }
        }

        @Override
        public Optional<byte[]> open(GcmCase c) throws UnsupportedCaseException {
            InsecureNonceAesGcm g = instanceFor(c);
            try {
                return Optional.of(g.open(c.iv(), c.aad(), c.ciphertextAndTag()));
            } catch (IntegrityException e) {
                return Optional.empty();
            } catch (UnsupportedParameterException e) {
                if (c.iv().length == 0) {
                    return Optional.empty(); // GCM forbids an empty IV (SP 800-38D 5.2.1.1): a correct rejection
                }
                throw new UnsupportedCaseException(e.getMessage());
            }
        }

        @Override
        public void close() {
            if (instance != null) {
                instance.close();
                instance = null;
            }
            if (key != null) {
                key.close();
                key = null;
            }
            current = null;
        }
    }

    public static final KeyWrapUnderTest KEY_WRAP = new KeyWrapUnderTest() {
        @Override
        public byte[] wrap(KeyWrapCase c) throws UnsupportedCaseException {
            try (SecretBytes kek = kek(c)) {
                return switch (c.mode()) {
                    case KW -> c.inverseCipher() ? KeyWrap.wrapWithInverseCipher(kek, c.plaintext()) : KeyWrap.wrap(kek, c.plaintext());
                    case KWP -> KeyWrap.wrapWithPadding(kek, c.plaintext());
                    case TKW -> throw new AssertionError("rejected in kek()");
                };
            }
        }

        @Override
        public Optional<byte[]> unwrap(KeyWrapCase c) throws UnsupportedCaseException {
            try (SecretBytes kek = kek(c)) {
                return Optional.of(switch (c.mode()) {
                    case KW -> c.inverseCipher() ? KeyWrap.unwrapWithInverseCipher(kek, c.ciphertext()) : KeyWrap.unwrap(kek, c.ciphertext());
                    case KWP -> KeyWrap.unwrapWithPadding(kek, c.ciphertext());
                    case TKW -> throw new AssertionError("rejected in kek()");
                });
            } catch (IntegrityException e) {
                return Optional.empty();
            }
        }

        private SecretBytes kek(KeyWrapCase c) throws UnsupportedCaseException {
            if (c.mode() == KeyWrapCase.Mode.TKW) {
                throw new UnsupportedCaseException("TKW (Triple-DES key wrap) is not implemented: tensorseal wraps with AES only");
            }
            if (c.mode() == KeyWrapCase.Mode.KWP && c.inverseCipher()) {
                throw new UnsupportedCaseException("KWP with the inverse cipher function is not implemented (neither the JDK nor Bouncy Castle offers it)");
            }
            return SecretBytes.takeAndWipe(c.key().clone());
        }
    };

    public static final HkdfUnderTest HKDF = c -> {
        if (!c.hash().equals("SHA-256")) {
            throw new UnsupportedCaseException("HKDF with " + c.hash() + " is not implemented: tensorseal uses HKDF-SHA256 only");
        }
        try {
            return Optional.of(Hkdf.derive(c.ikm().clone(), c.salt(), c.info(), c.lengthBytes(), true));
        } catch (UnsupportedParameterException e) {
            return Optional.empty(); // an output size HKDF-SHA256 cannot give (RFC 5869 2.3): a correct rejection
        }
    };
}
