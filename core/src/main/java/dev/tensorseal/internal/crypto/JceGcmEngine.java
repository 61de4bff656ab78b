package dev.tensorseal.internal.crypto;

import dev.tensorseal.IntegrityException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** The JDK's AES/GCM/NoPadding (HotSpot intrinsics). Tags of 12 to 16 bytes, any non-empty IV. */
final class JceGcmEngine implements GcmEngine {
    private static final int MIN_TAG_BYTES = 12; // the JDK takes 96- to 128-bit tags
    static final JceGcmEngine INSTANCE = new JceGcmEngine();

    /**
     * Calls of {@link #WARM_UP_CALL_BYTES} each that {@link #warmUp()} makes. HotSpot compiles the
     * JDK's GCM entry point, and with it the AES-GCM intrinsic, after a number of calls (not bytes):
     * until then large calls run the interpreted fallback at well under 1 GB/s (what made doctor's
     * first 64 MiB call run at 0.07 GB/s). Measured on 2 cores: about 100 ms for the whole warm-up.
     */
    static final int WARM_UP_CALLS = 6000;
    static final int WARM_UP_CALL_BYTES = 512; // the smallest call that reaches the fused intrinsic (PARALLEL_LEN)
    static final int WARM_UP_CHUNK_CALLS = 200;
    static final int WARM_UP_CHUNK_BYTES = 64 << 10; // the store's default chunk
    private static final int CHUNK_CALL_EVERY = (WARM_UP_CALLS + WARM_UP_CHUNK_CALLS) / WARM_UP_CHUNK_CALLS;
    private static final int CALLS_PER_INSTANCE = 128;
    private static final Object WARM_UP_LOCK = new Object();
    private static volatile long warmUpNanos = -1;

    /**
     * Once per JVM: seals and opens {@link #WARM_UP_CALLS} small buffers under a throwaway random
     * key (zero data; nothing secret is involved) so the JIT compiles the intrinsic before real data
     * arrives. Returns the nanoseconds this JVM spent on it (0 when it was already done).
     */
    static long warmUpOnce() {
        if (warmUpNanos >= 0) {
            return 0;
        }
        synchronized (WARM_UP_LOCK) {
            if (warmUpNanos >= 0) {
                return 0;
            }
            long t0 = System.nanoTime();
            loadSiblingCiphers();
            // Through engine instances, as the store calls them, so the staging copies and this class are
            // compiled too, not only the JDK's cipher.
            InsecureNonceAesGcm gcm = null;
            try (SecretBytes key = SecretBytes.random(32, new java.security.SecureRandom());
                    java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
                MemorySegment plain = arena.allocate(WARM_UP_CHUNK_BYTES, 64);
                MemorySegment sealed = arena.allocate(WARM_UP_CHUNK_BYTES + 16, 64);
                byte[] iv = new byte[12];
                // AAD lengths as the store's (not multiples of 16) and IVs that differ where the store's do
                // (chunk index, generation): C2 compiles only the branches its profile saw, and an AAD
                // tail or IV comparison first met on real chunks deoptimizes the whole cipher call
                // mid-read (seen with -XX:+LogCompilation: GCMDecrypt.doFinal, unstable_if in processAAD).
                byte[][] aads = {new byte[64], new byte[61], new byte[133], new byte[150]};
                for (int i = 0; i < WARM_UP_CALLS + WARM_UP_CHUNK_CALLS; i++) {
                    // Many small calls raise the invocation counts; chunk-sized ones are interleaved so the
                    // profile has the branches real chunks take before C2 compiles (else it deoptimizes
                    // on the first real chunk and recompiles while the user waits).
                    int n = i % CHUNK_CALL_EVERY == CHUNK_CALL_EVERY - 1 ? WARM_UP_CHUNK_BYTES : WARM_UP_CALL_BYTES;
                    byte[] aad = aads[i & 3];
                    gcm = fresh(gcm, key, i);
                    call(gcm, iv, i, aad, plain.asSlice(0, n), sealed.asSlice(0, n + 16));
                }
            } finally {
                if (gcm != null) {
                    gcm.close();
                }
            }
            long spent = System.nanoTime() - t0;
            warmUpNanos = spent;
            return spent;
        }
    }

    /**
     * A new instance every {@link #CALLS_PER_INSTANCE} calls: the store borrows fresh instances whose staging
     * arrays start empty, and a growth branch the profile never saw deoptimized the compiled open (and the
     * JDK's cipher calls inlined into it) on the first real chunk of each.
     */
    private static InsecureNonceAesGcm fresh(InsecureNonceAesGcm gcm, SecretBytes key, int i) {
        if (gcm != null && i % CALLS_PER_INSTANCE != 0) {
            return gcm;
        }
        if (gcm != null) {
            gcm.close();
        }
        return INSTANCE.newInstance(key, 16);
    }

    /** One seal and open under a nonce unique to {@code i} (24 bits of it, in the index or the generation). */
    private static void call(InsecureNonceAesGcm gcm, byte[] iv, int i, byte[] aad, MemorySegment plain, MemorySegment sealed) {
        setIv(iv, i);
        long n = plain.byteSize();
        // Inputs of several segment classes (native, byte[]-backed, long[]-backed): the store passes native,
        // file-mapped and heap segments, and C2 speculating on the one class its profile saw hit a class_check
        // trap on the first mapped chunk of a .tseal file and deoptimized mid-read.
        int kind = (i >>> 1) % 3;
        MemorySegment heap = kind == 1 ? HEAP_BYTES : HEAP_LONGS;
        MemorySegment in = kind == 0 ? plain : heap.asSlice(0, n);
        gcm.seal(iv, aad, in, sealed);
        MemorySegment sealedIn = sealed;
        if (kind != 0) {
            sealedIn = heap.asSlice(0, n + 16);
            MemorySegment.copy(sealed, 0, sealedIn, 0, n + 16);
        }
        gcm.open(iv, aad, sealedIn, plain);
    }

    // Warm-up inputs only: zeros and throwaway ciphertext, nothing secret.
    private static final MemorySegment HEAP_BYTES = MemorySegment.ofArray(new byte[WARM_UP_CHUNK_BYTES + 16]);
    private static final MemorySegment HEAP_LONGS = MemorySegment.ofArray(new long[(WARM_UP_CHUNK_BYTES + 16) / 8]);

    private static void setIv(byte[] iv, int i) {
        Arrays.fill(iv, (byte) 0);
        int at = (i & 4) == 0 ? 0 : 8; // where the store's nonces differ: chunk index (0-3) or generation (4-11)
        iv[at + 1] = (byte) (i >>> 16);
        iv[at + 2] = (byte) (i >>> 8);
        iv[at + 3] = (byte) i;
    }

    /**
     * Loads the other JCE classes the library may use (the JDK key wrap, where the native one cannot run) before
     * the GCM code is compiled: loading a new CipherSpi subclass later invalidates the compiled Cipher call paths
     * (class hierarchy dependencies), and the first real chunks would run deoptimized.
     */
    private static void loadSiblingCiphers() {
        try (SecretBytes kek = SecretBytes.random(32, new java.security.SecureRandom());
                SecretBytes dek = SecretBytes.random(32, new java.security.SecureRandom())) {
            KeyWrap.unwrapKey(kek, KeyWrap.wrapKey(kek, dek)).close();
            KeyWrap.unwrap(kek, KeyWrap.wrap(kek, new byte[32]));
        }
    }

    @Override
    public long warmUp() {
        return warmUpOnce();
    }

    @Override
    public String name() {
        return "jce";
    }

    @Override
    public boolean supportsTagSize(int tagSizeBytes) {
        return AesParams.tagSizeInRange(tagSizeBytes, MIN_TAG_BYTES);
    }

    @Override
    public boolean supportsIvSize(int ivSizeBytes) {
        return ivSizeBytes >= 1;
    }

    @Override
    public InsecureNonceAesGcm newInstance(SecretBytes key, int tagSizeBytes) {
        AesParams.checkKeyAndTag(name(), key.size(), tagSizeBytes, MIN_TAG_BYTES);
        return new Instance(key, tagSizeBytes);
    }

    private static final class Instance implements InsecureNonceAesGcm {
        private final int tagSizeBytes;
        private final Cipher cipher;
        private SecretKeySpec keySpec;
        private byte[] stageIn = new byte[0];
        private byte[] stageOut = new byte[0];

        Instance(SecretBytes key, int tagSizeBytes) {
            this.tagSizeBytes = tagSizeBytes;
            byte[] raw = key.insecureCopy();
            try {
                // SecretKeySpec clones raw; that clone lives on the heap until close() (SECURITY.md).
                this.keySpec = new SecretKeySpec(raw, "AES");
                this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK lacks AES/GCM/NoPadding", e);
            } finally {
                Arrays.fill(raw, (byte) 0);
            }
        }

        @Override
        public int tagSizeBytes() {
            return tagSizeBytes;
        }

        @Override
        public void seal(byte[] iv, byte[] aad, MemorySegment plaintext, MemorySegment out) {
            int n = Math.toIntExact(plaintext.byteSize());
            AesParams.checkIv(iv);
            if (out.byteSize() != (long) n + tagSizeBytes) {
                throw new IllegalArgumentException("output must be " + ((long) n + tagSizeBytes) + " bytes, got " + out.byteSize());
            }
            try {
                cipher.init(Cipher.ENCRYPT_MODE, keySpec, new GCMParameterSpec(tagSizeBytes * 8, iv));
                if (aad.length > 0) {
                    cipher.updateAAD(aad);
                }
                if (plaintext.isNative() || out.isNative()) {
                    // Staged: the JDK's fused AES-GCM intrinsic only runs on heap arrays; with direct buffers it
                    // stages internally through unzeroed temporaries and runs at about half speed (BENCHMARKS.md).
                    byte[] in = stage(n, true);
                    byte[] o = stage(n + tagSizeBytes, false);
                    MemorySegment.copy(plaintext, ValueLayout.JAVA_BYTE, 0, in, 0, n);
                    try {
                        cipher.doFinal(in, 0, n, o, 0);
                    } finally {
                        // Only the plaintext side is secret; the ciphertext staging is left as is.
                        Arrays.fill(in, 0, n, (byte) 0);
                    }
                    MemorySegment.copy(o, 0, out, ValueLayout.JAVA_BYTE, 0, n + tagSizeBytes);
                } else {
                    cipher.doFinal(plaintext.asByteBuffer(), out.asByteBuffer());
                }
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM seal failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void open(byte[] iv, byte[] aad, MemorySegment in, MemorySegment out) {
            int pt = plaintextBytes(in);
            if (out.byteSize() != pt) {
                throw new IllegalArgumentException("output must be " + pt + " bytes, got " + out.byteSize());
            }
            decryptStaged(iv, aad, in, out, 0);
        }

        /** Like open, but only the asked-for bytes leave the (zeroed) staging array. */
        @Override
        public void openPart(byte[] iv, byte[] aad, MemorySegment in, long fromBytes, MemorySegment out) {
            java.util.Objects.checkFromIndexSize(fromBytes, out.byteSize(), plaintextBytes(in));
            decryptStaged(iv, aad, in, out, (int) fromBytes);
        }

        /** Like open, but the plaintext stays in the (zeroed) staging array: one copy fewer. */
        @Override
        public void authenticate(byte[] iv, byte[] aad, MemorySegment in) {
            decryptStaged(iv, aad, in, null, 0);
        }

        private int plaintextBytes(MemorySegment in) {
            return Math.toIntExact(AesParams.plaintextBytes(in.byteSize(), tagSizeBytes));
        }

        /**
         * Decrypts {@code in} = ciphertext || tag into the output staging array (the JDK checks the tag
         * before it writes any plaintext there), then copies staging bytes {@code from..+out.byteSize()}
         * to {@code out} ({@code out} null: nothing leaves). The staging array is zeroed whatever happens;
         * {@code out} is zeroed on failure. The ciphertext staging is not secret and is never zeroed.
         */
        private void decryptStaged(byte[] iv, byte[] aad, MemorySegment in, MemorySegment out, int from) {
            AesParams.checkIv(iv);
            int pt = plaintextBytes(in);
            int n = pt + tagSizeBytes;
            byte[] ci = stage(n, true);
            byte[] o = stage(Math.max(pt, 1), false);
            try {
                MemorySegment.copy(in, ValueLayout.JAVA_BYTE, 0, ci, 0, n);
                cipher.init(Cipher.DECRYPT_MODE, keySpec, new GCMParameterSpec(tagSizeBytes * 8, iv));
                if (aad.length > 0) {
                    cipher.updateAAD(aad);
                }
                cipher.doFinal(ci, 0, n, o, 0);
                if (out != null) {
                    MemorySegment.copy(o, from, out, ValueLayout.JAVA_BYTE, 0, (int) out.byteSize());
                }
            } catch (AEADBadTagException e) {
                zero(out);
                throw new IntegrityException("AES-GCM tag mismatch");
            } catch (GeneralSecurityException e) {
                zero(out);
                throw new IllegalStateException("AES-GCM open failed: " + e.getMessage(), e);
            } finally {
                Arrays.fill(o, 0, Math.max(pt, 1), (byte) 0);
            }
        }

        private static void zero(MemorySegment out) {
            if (out != null) {
                out.fill((byte) 0);
            }
        }

        private byte[] stage(int size, boolean input) {
            if (input) {
                if (stageIn.length < size) {
                    stageIn = new byte[size];
                }
                return stageIn;
            }
            if (stageOut.length < size) {
                stageOut = new byte[size];
            }
            return stageOut;
        }

        @Override
        public void close() {
            Arrays.fill(stageIn, (byte) 0);
            Arrays.fill(stageOut, (byte) 0);
            stageIn = new byte[0];
            stageOut = new byte[0];
            keySpec = null; // SecretKeySpec.destroy() is not implemented by the JDK; drop the reference.
        }
    }
}
