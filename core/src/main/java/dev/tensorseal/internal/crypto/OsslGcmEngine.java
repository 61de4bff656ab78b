package dev.tensorseal.internal.crypto;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.UnsupportedParameterException;
import dev.tensorseal.internal.NativeCallException;
import dev.tensorseal.nativebridge.NativeException;
import dev.tensorseal.nativebridge.internal.ossl.Libcrypto;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.Objects;

/**
 * AES-GCM from the system's OpenSSL 3 libcrypto (EVP API, bound with FFM in the native bridge's {@link Libcrypto}); a
 * failed call is a {@link NativeCallException}. Tags of
 * 4 to 16 bytes, IVs of 1 to 128 bytes (OpenSSL's GCM limit), keys of 16, 24 or 32 bytes.
 *
 * <p>OpenSSL works on the caller's segments where they are: native segments directly, heap segments
 * in place through a critical call (no copy). So nothing of the key or the plaintext is ever copied to
 * the Java heap by this engine: the key is read once, from the {@link SecretBytes}' off-heap segment,
 * into OpenSSL's native cipher context (its key schedule and GHASH table live there and are cleansed
 * by {@code EVP_CIPHER_CTX_free} on {@link InsecureNonceAesGcm#close()}, or by a cleaner if an instance
 * is dropped unclosed). The IV, AAD and tag pass through a small native buffer; they are not secret.
 *
 * <p>Decryption writes plaintext into the output before the tag is checked (EVP checks it in
 * {@code EVP_DecryptFinal_ex}). On a mismatch the output is zeroed before
 * {@link IntegrityException} is thrown, so the {@code open} contract holds for the caller; in between,
 * unauthenticated plaintext sits in the output region. The store always decrypts into scratch it has not
 * published (no reader can see it until open returns), so nothing unauthenticated is released.
 * {@code openPart} and {@code authenticate} decrypt the bytes they do not release into a reused native
 * scratch of {@link #DISCARD_BYTES}, zeroed after every call.
 */
final class OsslGcmEngine implements GcmEngine {
    private static final int MIN_TAG_BYTES = 4; // OpenSSL takes 4- to 16-byte tags
    static final OsslGcmEngine INSTANCE = new OsslGcmEngine();

    /** The most bytes one critical update call is given, so a heap array never holds off the GC for long. */
    static final int MAX_UPDATE_BYTES = 1 << 20;
    /** The native scratch that receives plaintext openPart and authenticate do not release. */
    static final int DISCARD_BYTES = 64 << 10;
    /** OpenSSL's GCM_IV_MAX_SIZE (1024 bits). */
    static final int MAX_IV_BYTES = 128;

    private static final int IV_AT = 0;
    private static final int TAG_AT = MAX_IV_BYTES;
    private static final int FINAL_AT = TAG_AT + 16; // EVP_*Final_ex writes nothing for GCM, but wants a buffer
    private static final int OUTL_AT = FINAL_AT + 32;
    private static final int SMALL_BYTES = OUTL_AT + 8;

    private static final Cleaner CLEANER = Cleaner.create();

    private OsslGcmEngine() {}

    /** Null when the engine can be used; otherwise why not (no libcrypto, no native access...). */
    static String unavailableReason() {
        return Libcrypto.unavailableReason();
    }

    @Override
    public String name() {
        return "ossl";
    }

    @Override
    public String implementation() {
        return Libcrypto.version() + " (" + Libcrypto.SONAME + ")";
    }

    @Override
    public boolean supportsTagSize(int tagSizeBytes) {
        return AesParams.tagSizeInRange(tagSizeBytes, MIN_TAG_BYTES);
    }

    @Override
    public boolean supportsIvSize(int ivSizeBytes) {
        return ivSizeBytes >= 1 && ivSizeBytes <= MAX_IV_BYTES;
    }

    @Override
    public InsecureNonceAesGcm newInstance(SecretBytes key, int tagSizeBytes) {
        AesParams.checkKeyAndTag(name(), key.size(), tagSizeBytes, MIN_TAG_BYTES);
        String reason = unavailableReason();
        if (reason != null) {
            throw new UnsupportedParameterException("engine 'ossl' is unavailable: " + reason);
        }
        return new Instance(key, tagSizeBytes);
    }

    /** The native state of one instance; run by close() or, for an instance dropped unclosed, by the cleaner. */
    private static final class Native implements Runnable {
        final Arena arena = Arena.ofShared();
        final MemorySegment small = arena.allocate(SMALL_BYTES, 16);
        MemorySegment ctx = MemorySegment.NULL;
        MemorySegment discard;

        @Override
        public void run() {
            if (!ctx.equals(MemorySegment.NULL)) {
                Libcrypto.EVP_CIPHER_CTX_free(ctx); // OPENSSL_clear_free: the key schedule is cleansed
                ctx = MemorySegment.NULL;
            }
            small.fill((byte) 0);
            if (discard != null) {
                discard.fill((byte) 0);
            }
            arena.close();
        }
    }

    private static final class Instance implements InsecureNonceAesGcm {
        private final int tagSizeBytes;
        private final Native st = new Native();
        private final Cleaner.Cleanable cleanable;
        private final MemorySegment outl;
        private int ivLen = 12; // OpenSSL's default
        private boolean closed;

        Instance(SecretBytes key, int tagSizeBytes) {
            this.tagSizeBytes = tagSizeBytes;
            this.outl = st.small.asSlice(OUTL_AT, 4);
            this.cleanable = CLEANER.register(this, st);
            boolean ok = false;
            try {
                MemorySegment ctx = Libcrypto.EVP_CIPHER_CTX_new();
                st.ctx = ctx;
                check(Libcrypto.EVP_EncryptInit_ex(ctx, Libcrypto.EVP_aes_gcm(key.size()), MemorySegment.NULL, MemorySegment.NULL),
                        "EVP_EncryptInit_ex (cipher)");
                // The key straight from its off-heap segment into OpenSSL's context; later inits pass only the IV.
                check(Libcrypto.EVP_EncryptInit_ex(ctx, MemorySegment.NULL, key.insecureSegment(), MemorySegment.NULL),
                        "EVP_EncryptInit_ex (key)");
                ok = true;
            } catch (NativeException e) {
                throw NativeCallException.from(e);
            } finally {
                if (!ok) {
                    cleanable.clean();
                }
            }
        }

        @Override
        public int tagSizeBytes() {
            return tagSizeBytes;
        }

        private static void check(int rc, String what) {
            Libcrypto.check(rc, what);
        }

        /** Sets the IV (and its length when it changed), the direction, and feeds the AAD. */
        private void start(boolean encrypt, byte[] iv, byte[] aad) {
            if (closed) {
                throw new IllegalStateException("AES-GCM instance is closed");
            }
            AesParams.checkIv(iv);
            if (iv.length > MAX_IV_BYTES) {
                throw new UnsupportedParameterException("ossl takes GCM IVs of 1 to " + MAX_IV_BYTES + " bytes, got " + iv.length);
            }
            MemorySegment ctx = st.ctx;
            if (iv.length != ivLen) {
                check(Libcrypto.EVP_CIPHER_CTX_ctrl(ctx, Libcrypto.EVP_CTRL_GCM_SET_IVLEN, iv.length, MemorySegment.NULL),
                        "EVP_CTRL_GCM_SET_IVLEN");
                ivLen = iv.length;
            }
            MemorySegment ivSeg = st.small.asSlice(IV_AT, iv.length);
            MemorySegment.copy(iv, 0, ivSeg, ValueLayout.JAVA_BYTE, 0, iv.length);
            int rc = encrypt
                    ? Libcrypto.EVP_EncryptInit_ex(ctx, MemorySegment.NULL, MemorySegment.NULL, ivSeg)
                    : Libcrypto.EVP_DecryptInit_ex(ctx, MemorySegment.NULL, MemorySegment.NULL, ivSeg);
            check(rc, encrypt ? "EVP_EncryptInit_ex (iv)" : "EVP_DecryptInit_ex (iv)");
            if (aad.length > 0) {
                update(encrypt, null, MemorySegment.ofArray(aad));
            }
        }

        /** Feeds {@code in} in calls of at most MAX_UPDATE_BYTES; {@code out} null: AAD. */
        private void update(boolean encrypt, MemorySegment out, MemorySegment in) {
            long n = in.byteSize();
            MemorySegment ctx = st.ctx;
            for (long at = 0; at < n; at += MAX_UPDATE_BYTES) {
                int len = (int) Math.min(MAX_UPDATE_BYTES, n - at);
                MemorySegment o = out == null ? MemorySegment.NULL : out.asSlice(at, len);
                MemorySegment i = in.asSlice(at, len);
                int rc = encrypt
                        ? Libcrypto.EVP_EncryptUpdate(ctx, o, outl, i, len)
                        : Libcrypto.EVP_DecryptUpdate(ctx, o, outl, i, len);
                check(rc, encrypt ? "EVP_EncryptUpdate" : "EVP_DecryptUpdate");
                int wrote = outl.get(ValueLayout.JAVA_INT, 0);
                if (wrote != len) {
                    throw new NativeCallException("OpenSSL GCM took " + len + " bytes and gave " + wrote);
                }
            }
        }

        /** Decrypts {@code in} into the discard scratch piece by piece, releasing nothing. */
        private void discard(MemorySegment in) {
            long n = in.byteSize();
            if (n == 0) {
                return;
            }
            if (st.discard == null) {
                st.discard = st.arena.allocate(DISCARD_BYTES, 64);
            }
            for (long at = 0; at < n; at += DISCARD_BYTES) {
                int len = (int) Math.min(DISCARD_BYTES, n - at);
                update(false, st.discard.asSlice(0, len), in.asSlice(at, len));
            }
        }

        @Override
        public void seal(byte[] iv, byte[] aad, MemorySegment plaintext, MemorySegment out) {
            long n = plaintext.byteSize();
            if (out.byteSize() != n + tagSizeBytes) {
                throw new IllegalArgumentException("output must be " + (n + tagSizeBytes) + " bytes, got " + out.byteSize());
            }
            AesParams.checkNoPartialOverlap("ossl", plaintext, out.asSlice(0, n)); // OpenSSL works exactly in place only
            try {
                start(true, iv, aad);
                update(true, out.asSlice(0, n), plaintext);
                MemorySegment ctx = st.ctx;
                check(Libcrypto.EVP_EncryptFinal_ex(ctx, st.small.asSlice(FINAL_AT), outl), "EVP_EncryptFinal_ex");
                MemorySegment tag = st.small.asSlice(TAG_AT, 16);
                check(Libcrypto.EVP_CIPHER_CTX_ctrl(ctx, Libcrypto.EVP_CTRL_GCM_GET_TAG, tagSizeBytes, tag), "EVP_CTRL_GCM_GET_TAG");
                MemorySegment.copy(tag, 0, out, n, tagSizeBytes);
            } catch (NativeException e) {
                throw NativeCallException.from(e);
            } finally {
                Reference.reachabilityFence(this); // the cleaner must not free the context mid-call
            }
        }

        private long plaintextBytes(MemorySegment in) {
            return AesParams.plaintextBytes(in.byteSize(), tagSizeBytes);
        }

        @Override
        public void open(byte[] iv, byte[] aad, MemorySegment in, MemorySegment out) {
            if (in.byteSize() < tagSizeBytes) {
                out.fill((byte) 0);
            }
            long pt = plaintextBytes(in);
            if (out.byteSize() != pt) {
                throw new IllegalArgumentException("output must be " + pt + " bytes, got " + out.byteSize());
            }
            AesParams.checkNoPartialOverlap("ossl", in.asSlice(0, pt), out);
            decrypt(iv, aad, in, pt, 0, out);
        }

        @Override
        public void openPart(byte[] iv, byte[] aad, MemorySegment in, long fromBytes, MemorySegment out) {
            long pt = plaintextBytes(in);
            Objects.checkFromIndexSize(fromBytes, out.byteSize(), pt);
            AesParams.checkNoPartialOverlap("ossl", in, out);
            decrypt(iv, aad, in, pt, fromBytes, out);
        }

        @Override
        public void authenticate(byte[] iv, byte[] aad, MemorySegment in) {
            decrypt(iv, aad, in, plaintextBytes(in), 0, null);
        }

        /**
         * Decrypts {@code in} = ciphertext ({@code pt} bytes) || tag: plaintext bytes {@code from .. from +
         * out.byteSize()} go to {@code out} (null: none), the rest to the discard scratch; then checks the tag.
         * On any failure {@code out} is zeroed; the scratch is zeroed whatever happens.
         */
        private void decrypt(byte[] iv, byte[] aad, MemorySegment in, long pt, long from, MemorySegment out) {
            boolean ok = false;
            long outBytes = out == null ? 0 : out.byteSize();
            try {
                start(false, iv, aad);
                MemorySegment ctx = st.ctx;
                MemorySegment tag = st.small.asSlice(TAG_AT, tagSizeBytes);
                MemorySegment.copy(in, pt, tag, 0, tagSizeBytes);
                check(Libcrypto.EVP_CIPHER_CTX_ctrl(ctx, Libcrypto.EVP_CTRL_GCM_SET_TAG, tagSizeBytes, tag), "EVP_CTRL_GCM_SET_TAG");
                discard(in.asSlice(0, from));
                if (out != null) {
                    update(false, out, in.asSlice(from, outBytes));
                }
                discard(in.asSlice(from + outBytes, pt - from - outBytes));
                if (Libcrypto.EVP_DecryptFinal_ex(ctx, st.small.asSlice(FINAL_AT), outl) <= 0) {
                    Libcrypto.drainErrors();
                    throw new IntegrityException("AES-GCM tag mismatch");
                }
                ok = true;
            } catch (NativeException e) {
                throw NativeCallException.from(e);
            } finally {
                if (!ok && out != null) {
                    out.fill((byte) 0);
                }
                if (st.discard != null && outBytes != pt) {
                    st.discard.asSlice(0, Math.min(DISCARD_BYTES, pt)).fill((byte) 0);
                }
                Reference.reachabilityFence(this); // the cleaner must not free the context mid-call
            }
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            cleanable.clean();
        }
    }
}
