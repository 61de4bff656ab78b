package dev.tensorseal.internal.crypto;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The {@code jce} engine's warm-up, once per JVM. Why it exists: HotSpot compiles the JDK's GCM entry point, and with
 * it the AES-GCM intrinsic, after a number of calls, not bytes, and C2 compiles only the branches its profile saw.
 * A store that meets the JDK's cipher cold runs its first large chunks interpreted (doctor's first 64 MiB call ran
 * at 0.07 GB/s), and a branch first taken on real data (an AAD tail, a fresh staging array, a mapped segment)
 * deoptimizes the compiled cipher call mid-read. So this drives the engine, through its own instances as the store
 * calls them, over the shapes real chunks have, before any real chunk arrives. Every rule below was found with
 * {@code -XX:+LogCompilation} and is written where it is applied; nothing secret is involved (a throwaway random key,
 * zero data). The native engines ({@code vaes}, {@code ossl}) and {@code bc} need none.
 */
final class JceWarmUp {
    private JceWarmUp() {}

    /**
     * Calls of {@link #WARM_UP_CALL_BYTES} each that {@link #once()} makes. HotSpot compiles the
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
    static long once() {
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
            try (SecretBytes key = SecretBytes.random(32, new SecureRandom());
                    Arena arena = Arena.ofConfined()) {
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
        return JceGcmEngine.INSTANCE.newInstance(key, 16);
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
        try (SecretBytes kek = SecretBytes.random(32, new SecureRandom());
                SecretBytes dek = SecretBytes.random(32, new SecureRandom())) {
            KeyWrap.unwrapKey(kek, KeyWrap.wrapKey(kek, dek)).close();
            KeyWrap.unwrap(kek, KeyWrap.wrap(kek, new byte[32]));
        }
    }
}
