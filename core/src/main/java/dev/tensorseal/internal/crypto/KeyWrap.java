package dev.tensorseal.internal.crypto;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.UnsupportedParameterException;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.RFC3394WrapEngine;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * AES key wrap: RFC 3394 ({@code AES/KW/NoPadding}) and, with padding, RFC 5649
 * ({@code AES/KWP/NoPadding}), both from the JDK. Unwrap failures are integrity failures.
 */
public final class KeyWrap {
    private KeyWrap() {}

    /** RFC 3394 wrap of {@code plaintext} (a multiple of 8 bytes, at least 16). */
    public static byte[] wrap(SecretBytes kek, byte[] plaintext) {
        if (plaintext.length < 16 || plaintext.length % 8 != 0) {
            throw new UnsupportedParameterException("RFC 3394 wraps a multiple of 8 bytes, at least 16, got " + plaintext.length);
        }
        return run("AES/KW/NoPadding", Cipher.ENCRYPT_MODE, kek, plaintext);
    }

    /** RFC 3394 unwrap. */
    public static byte[] unwrap(SecretBytes kek, byte[] wrapped) {
        if (wrapped.length < 24 || wrapped.length % 8 != 0) {
            throw new IntegrityException("RFC 3394 wrapped data is a multiple of 8 bytes, at least 24, got " + wrapped.length);
        }
        return run("AES/KW/NoPadding", Cipher.DECRYPT_MODE, kek, wrapped);
    }

    /** RFC 5649 wrap with padding, of 1 byte or more. */
    public static byte[] wrapWithPadding(SecretBytes kek, byte[] plaintext) {
        if (plaintext.length < 1) {
            throw new UnsupportedParameterException("RFC 5649 wraps at least 1 byte, got 0");
        }
        return run("AES/KWP/NoPadding", Cipher.ENCRYPT_MODE, kek, plaintext);
    }

    /** RFC 5649 unwrap. */
    public static byte[] unwrapWithPadding(SecretBytes kek, byte[] wrapped) {
        if (wrapped.length < 16 || wrapped.length % 8 != 0) {
            throw new IntegrityException("RFC 5649 wrapped data is a multiple of 8 bytes, at least 16, got " + wrapped.length);
        }
        return run("AES/KWP/NoPadding", Cipher.DECRYPT_MODE, kek, wrapped);
    }

    /** Unwraps a data key straight into off-heap memory; the heap copy is zeroed. */
    public static SecretBytes unwrapKey(SecretBytes kek, byte[] wrapped) {
        return SecretBytes.takeAndWipe(unwrapWithPadding(kek, wrapped));
    }

    /** Wraps a data key (RFC 5649); the transient heap copy of the key is zeroed. */
    public static byte[] wrapKey(SecretBytes kek, SecretBytes key) {
        byte[] raw = key.insecureCopy();
        try {
            return wrapWithPadding(kek, raw);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /**
     * SP 800-38F KW with the inverse cipher function (W built on AES decryption; NIST's
     * {@code KW_*_inv.txt} files), from Bouncy Castle. Only the vector runner needs it: the store
     * wraps with the forward cipher.
     */
    public static byte[] wrapWithInverseCipher(SecretBytes kek, byte[] plaintext) {
        if (plaintext.length < 16 || plaintext.length % 8 != 0) {
            throw new UnsupportedParameterException("RFC 3394 wraps a multiple of 8 bytes, at least 16, got " + plaintext.length);
        }
        return runInverse(true, kek, plaintext);
    }

    /** Unwrap for {@link #wrapWithInverseCipher}. */
    public static byte[] unwrapWithInverseCipher(SecretBytes kek, byte[] wrapped) {
        if (wrapped.length < 24 || wrapped.length % 8 != 0) {
            throw new IntegrityException("RFC 3394 wrapped data is a multiple of 8 bytes, at least 24, got " + wrapped.length);
        }
        return runInverse(false, kek, wrapped);
    }

    private static byte[] runInverse(boolean wrap, SecretBytes kek, byte[] input) {
        AesParams.checkKeySize(kek.size());
        byte[] raw = kek.insecureCopy();
        KeyParameter key = new KeyParameter(raw);
        Arrays.fill(raw, (byte) 0);
        try {
            var engine = new RFC3394WrapEngine(AESEngine.newInstance(), true);
            engine.init(wrap, key);
            return wrap ? engine.wrap(input, 0, input.length) : engine.unwrap(input, 0, input.length);
        } catch (InvalidCipherTextException e) {
            throw new IntegrityException("key unwrap failed: integrity check value mismatch");
        } finally {
            Arrays.fill(key.getKey(), (byte) 0);
        }
    }

    private static byte[] run(String transformation, int mode, SecretBytes kek, byte[] input) {
        AesParams.checkKeySize(kek.size());
        byte[] raw = kek.insecureCopy();
        try {
            Cipher c = Cipher.getInstance(transformation);
            c.init(mode, new SecretKeySpec(raw, "AES"));
            return c.doFinal(input);
        } catch (javax.crypto.BadPaddingException | javax.crypto.IllegalBlockSizeException e) {
            if (mode == Cipher.DECRYPT_MODE) {
                throw new IntegrityException("key unwrap failed: integrity check value mismatch");
            }
            throw new UnsupportedParameterException("key wrap rejected the input: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + transformation, e);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }
}
