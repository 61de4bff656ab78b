package dev.tensorseal.internal.crypto;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.UnsupportedParameterException;
import dev.tensorseal.nativebridge.CpuAesGcm;
import dev.tensorseal.nativebridge.internal.gcm.InsecureNonce;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.Objects;

/**
 * AES-GCM with VAES and VPCLMULQDQ (x86-64 with AVX-512), from the native bridge's
 * {@code libtensorseal_aesgcm.so} ({@link CpuAesGcm}). 12-byte IVs (the store's), tags of 4 to 16
 * bytes, keys of 16, 24 or 32 bytes. Listed only where the CPU has the instructions and the library
 * loads; the store's default engine there.
 *
 * <p>It works on the caller's segments in place: the key is read once from its {@link SecretBytes}
 * into a key context (round keys and powers of the hash key) that itself lives in a
 * {@link SecretBytes} (hardened key memory where the bridge provides it) and is zeroed on
 * {@link InsecureNonceAesGcm#close()} or by a cleaner. Nothing of the key or the plaintext is copied to
 * the Java heap, and there is no warm-up (native code). {@code open} decrypts and hashes in one pass and
 * zeroes the output on a tag mismatch, like OpenSSL and the JDK: the store decrypts only into scratch it has
 * not published, so nothing unauthenticated is released. {@code openPart} and {@code authenticate} check
 * the tag first (a hashing pass) and decrypt only the released range, only if it matched; {@code authenticate}
 * only hashes.
 */
final class VaesGcmEngine implements GcmEngine {
    private static final int MIN_TAG_BYTES = 4; // as ossl; the store uses 16
    static final VaesGcmEngine INSTANCE = new VaesGcmEngine();
    private static final Cleaner CLEANER = Cleaner.create();

    private VaesGcmEngine() {}

    /** Null when the engine can be used; otherwise why not. */
    static String unavailableReason() {
        return CpuAesGcm.unavailableReason().orElse(null);
    }

    @Override
    public String name() {
        return "vaes";
    }

    @Override
    public String implementation() {
        return "tensorseal VAES/VPCLMULQDQ AES-GCM (libtensorseal_aesgcm.so)";
    }

    @Override
    public boolean supportsTagSize(int tagSizeBytes) {
        return AesParams.tagSizeInRange(tagSizeBytes, MIN_TAG_BYTES);
    }

    @Override
    public boolean supportsIvSize(int ivSizeBytes) {
        return ivSizeBytes == CpuAesGcm.IV_BYTES;
    }

    @Override
    public InsecureNonceAesGcm newInstance(SecretBytes key, int tagSizeBytes) {
        AesParams.checkKeyAndTag(name(), key.size(), tagSizeBytes, MIN_TAG_BYTES);
        String reason = unavailableReason();
        if (reason != null) {
            throw new UnsupportedParameterException("engine 'vaes' is unavailable: " + reason);
        }
        return new Instance(key, tagSizeBytes);
    }

    /** The key context, in key memory; closing it zeroes it. Run by close() or by the cleaner. */
    private static final class Context implements Runnable {
        final SecretBytes memory = SecretBytes.allocate(CpuAesGcm.contextBytes() + CpuAesGcm.CONTEXT_ALIGNMENT);
        final MemorySegment segment;

        Context() {
            MemorySegment raw = memory.insecureSegment();
            long skip = (CpuAesGcm.CONTEXT_ALIGNMENT - raw.address() % CpuAesGcm.CONTEXT_ALIGNMENT) % CpuAesGcm.CONTEXT_ALIGNMENT;
            segment = raw.asSlice(skip, CpuAesGcm.contextBytes());
        }

        @Override
        public void run() {
            memory.close(); // zeroes the whole allocation, context included
        }
    }

    private static final class Instance implements InsecureNonceAesGcm {
        private final int tagSizeBytes;
        private final Context context = new Context();
        private final Cleaner.Cleanable cleanable;
        private boolean closed;

        Instance(SecretBytes key, int tagSizeBytes) {
            this.tagSizeBytes = tagSizeBytes;
            this.cleanable = CLEANER.register(this, context);
            boolean ok = false;
            try {
                CpuAesGcm.init(context.segment, key.insecureSegment());
                ok = true;
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

        private MemorySegment keyed(byte[] iv) {
            if (closed) {
                throw new IllegalStateException("AES-GCM instance is closed");
            }
            AesParams.checkIv(iv);
            if (iv.length != CpuAesGcm.IV_BYTES) {
                throw new UnsupportedParameterException("vaes takes 12-byte GCM IVs, got " + iv.length);
            }
            return context.segment;
        }

        @Override
        public void seal(byte[] iv, byte[] aad, MemorySegment plaintext, MemorySegment out) {
            MemorySegment ctx = keyed(iv);
            long n = plaintext.byteSize();
            if (out.byteSize() != n + tagSizeBytes) {
                throw new IllegalArgumentException("output must be " + (n + tagSizeBytes) + " bytes, got " + out.byteSize());
            }
            MemorySegment body = out.asSlice(0, n);
            AesParams.checkNoPartialOverlap("vaes", plaintext, body);
            try {
                CpuAesGcm.seal(InsecureNonce.permit(), ctx, MemorySegment.ofArray(iv), MemorySegment.ofArray(aad), plaintext, body,
                        out.asSlice(n, tagSizeBytes));
            } finally {
                Reference.reachabilityFence(this); // the cleaner must not wipe the context mid-call
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
            long n = plaintextBytes(in);
            if (out.byteSize() != n) {
                throw new IllegalArgumentException("output must be " + n + " bytes, got " + out.byteSize());
            }
            decrypt(iv, aad, in, n, 0, out);
        }

        @Override
        public void openPart(byte[] iv, byte[] aad, MemorySegment in, long fromBytes, MemorySegment out) {
            long n = plaintextBytes(in);
            Objects.checkFromIndexSize(fromBytes, out.byteSize(), n);
            decrypt(iv, aad, in, n, fromBytes, out);
        }

        @Override
        public void authenticate(byte[] iv, byte[] aad, MemorySegment in) {
            decrypt(iv, aad, in, plaintextBytes(in), 0, MemorySegment.NULL);
        }

        private void decrypt(byte[] iv, byte[] aad, MemorySegment in, long n, long from, MemorySegment out) {
            MemorySegment ctx = keyed(iv);
            MemorySegment body = in.asSlice(0, n);
            // A whole open may run in place (each 256-byte step is read before it is written); nothing else may overlap.
            if (out.byteSize() > 0 && body.asOverlappingSlice(out).isPresent()
                    && !(from == 0 && AesParams.sameRegion(body, out))) {
                throw new IllegalArgumentException("vaes: input and output overlap without being the same region");
            }
            boolean authentic;
            try {
                authentic = CpuAesGcm.open(ctx, MemorySegment.ofArray(iv), MemorySegment.ofArray(aad), body,
                        in.asSlice(n, tagSizeBytes), out, from);
            } finally {
                Reference.reachabilityFence(this);
            }
            if (!authentic) {
                throw new IntegrityException("AES-GCM tag mismatch");
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
