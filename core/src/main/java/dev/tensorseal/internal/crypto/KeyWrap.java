package dev.tensorseal.internal.crypto;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.UnsupportedParameterException;
import dev.tensorseal.nativebridge.AesKeyWrap;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.RFC3394WrapEngine;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * AES key wrap: RFC 3394 (SP 800-38F KW) and, with padding, RFC 5649 (KWP). Unwrap failures are integrity
 * failures. Where the native bridge's AES-NI key wrap runs ({@link #implementation()}), the KEK and the keys
 * wrapped or unwrapped with {@link #wrapKey}/{@link #unwrapKey} never pass through the Java heap; elsewhere the
 * JDK's ciphers run and leave heap copies of the KEK behind (SECURITY.md says which and for how long).
 */
public final class KeyWrap {
    /** The largest input of one wrap or unwrap: far above any key. */
    public static final int MAX_INPUT_BYTES = AesKeyWrap.MAX_INPUT_BYTES;
    private static final String NATIVE_UNAVAILABLE = NativeKeyWrap.unavailableReason();

    private KeyWrap() {}

    /** Which code wraps keys in this process, and why the native one does not where it does not. */
    public static String implementation() {
        return NATIVE_UNAVAILABLE == null ? "tensorseal AES-NI key wrap (libtensorseal_keywrap.so)"
                : "JDK AES/KW, AES/KWP (native key wrap unavailable: " + NATIVE_UNAVAILABLE + ")";
    }

    /** True when the KEK stays off the Java heap: the native key wrap runs here. */
    public static boolean keksStayOffHeap() {
        return NATIVE_UNAVAILABLE == null;
    }

    /** RFC 3394 wrap of {@code plaintext} (a multiple of 8 bytes, at least 16). */
    public static byte[] wrap(SecretBytes kek, byte[] plaintext) {
        if (plaintext.length < 16 || plaintext.length % 8 != 0 || plaintext.length > MAX_INPUT_BYTES) {
            throw new UnsupportedParameterException("RFC 3394 wraps a multiple of 8 bytes, 16 to " + MAX_INPUT_BYTES
                    + ", got " + plaintext.length);
        }
        AesParams.checkKeySize(kek.size());
        return NATIVE_UNAVAILABLE == null ? NativeKeyWrap.wrap(kek, false, MemorySegment.ofArray(plaintext))
                : JdkKeyWrap.wrap(kek, false, plaintext);
    }

    /** RFC 3394 unwrap. */
    public static byte[] unwrap(SecretBytes kek, byte[] wrapped) {
        if (wrapped.length < 24 || wrapped.length % 8 != 0 || wrapped.length > MAX_INPUT_BYTES) {
            throw new IntegrityException("RFC 3394 wrapped data is a multiple of 8 bytes, 24 to " + MAX_INPUT_BYTES
                    + ", got " + wrapped.length);
        }
        return unwrapToHeap(kek, false, wrapped);
    }

    /** RFC 5649 wrap with padding, of 1 byte or more. */
    public static byte[] wrapWithPadding(SecretBytes kek, byte[] plaintext) {
        checkPaddedInput(plaintext.length);
        AesParams.checkKeySize(kek.size());
        return NATIVE_UNAVAILABLE == null ? NativeKeyWrap.wrap(kek, true, MemorySegment.ofArray(plaintext))
                : JdkKeyWrap.wrap(kek, true, plaintext);
    }

    /** RFC 5649 unwrap. */
    public static byte[] unwrapWithPadding(SecretBytes kek, byte[] wrapped) {
        checkPaddedWrapped(wrapped.length);
        return unwrapToHeap(kek, true, wrapped);
    }

    /** Unwraps a data key (RFC 5649) straight into key memory. */
    public static SecretBytes unwrapKey(SecretBytes kek, byte[] wrapped) {
        checkPaddedWrapped(wrapped.length);
        AesParams.checkKeySize(kek.size());
        if (NATIVE_UNAVAILABLE != null) {
            return SecretBytes.takeAndWipe(JdkKeyWrap.unwrap(kek, true, wrapped));
        }
        SecretBytes out = SecretBytes.allocate(wrapped.length - 8);
        try {
            long n = NativeKeyWrap.unwrap(kek, true, wrapped, out.insecureWritableSegment());
            if (n == AesKeyWrap.INTEGRITY_FAILURE) {
                throw new IntegrityException("key unwrap failed: integrity check value mismatch");
            }
            if (n == out.size()) {
                SecretBytes whole = out;
                out = null;
                return whole;
            }
            return SecretBytes.copyOf(out.insecureSegment().asSlice(0, n));
        } finally {
            if (out != null) {
                out.close();
            }
        }
    }

    /** Wraps a data key (RFC 5649); natively its bytes are read in place, else through a heap copy zeroed at once. */
    public static byte[] wrapKey(SecretBytes kek, SecretBytes key) {
        checkPaddedInput(key.size());
        AesParams.checkKeySize(kek.size());
        if (NATIVE_UNAVAILABLE == null) {
            return NativeKeyWrap.wrap(kek, true, key.insecureSegment());
        }
        byte[] raw = key.insecureCopy();
        try {
            return JdkKeyWrap.wrap(kek, true, raw);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    private static void checkPaddedInput(int length) {
        if (length < 1 || length > MAX_INPUT_BYTES) {
            throw new UnsupportedParameterException("RFC 5649 wraps 1 to " + MAX_INPUT_BYTES + " bytes, got " + length);
        }
    }

    private static void checkPaddedWrapped(int length) {
        if (length < 16 || length % 8 != 0 || length > MAX_INPUT_BYTES) {
            throw new IntegrityException("RFC 5649 wrapped data is a multiple of 8 bytes, 16 to " + MAX_INPUT_BYTES
                    + ", got " + length);
        }
    }

    private static byte[] unwrapToHeap(SecretBytes kek, boolean padded, byte[] wrapped) {
        AesParams.checkKeySize(kek.size());
        if (NATIVE_UNAVAILABLE != null) {
            return JdkKeyWrap.unwrap(kek, padded, wrapped);
        }
        byte[] out = new byte[wrapped.length - 8];
        try {
            long n = NativeKeyWrap.unwrap(kek, padded, wrapped, MemorySegment.ofArray(out));
            if (n == AesKeyWrap.INTEGRITY_FAILURE) {
                throw new IntegrityException("key unwrap failed: integrity check value mismatch");
            }
            return Arrays.copyOf(out, (int) n);
        } finally {
            Arrays.fill(out, (byte) 0);
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
}
