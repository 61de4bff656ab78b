package dev.tensorseal.internal.crypto;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.UnsupportedParameterException;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * KW and KWP from the JDK ({@code AES/KW/NoPadding}, {@code AES/KWP/NoPadding}): the fallback where the native
 * key wrap cannot run. The JDK copies the KEK into a SecretKeySpec and an AES schedule on the Java heap that
 * cannot be wiped; they stay there, unreachable, until the collector reuses the memory (SECURITY.md).
 */
final class JdkKeyWrap {
    private JdkKeyWrap() {}

    static byte[] wrap(SecretBytes kek, boolean padded, byte[] plaintext) {
        return run(padded, Cipher.ENCRYPT_MODE, kek, plaintext);
    }

    static byte[] unwrap(SecretBytes kek, boolean padded, byte[] wrapped) {
        return run(padded, Cipher.DECRYPT_MODE, kek, wrapped);
    }

    private static byte[] run(boolean padded, int mode, SecretBytes kek, byte[] input) {
        String transformation = padded ? "AES/KWP/NoPadding" : "AES/KW/NoPadding";
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
