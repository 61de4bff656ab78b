package dev.tensorseal.benchmarks;

import dev.tensorseal.internal.crypto.GcmEngine;
import dev.tensorseal.internal.crypto.InsecureNonceAesGcm;
import dev.tensorseal.internal.crypto.SecretBytes;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One chunk through AES-256-GCM: the JDK heap-to-heap (the baseline), and the tensorseal engines
 * native-to-native (what the store calls). Chunks rotate over a working set ({@code workingSetMiB})
 * so the data streams from memory, as in the store. Time per call; bytes per call = chunkBytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class GcmBench {
    @Param({"65536"})
    public int chunkBytes;

    @Param({"256"})
    public int workingSetMiB;

    /** {@code default}: the store's default engine here ({@code vaes} where the CPU has it, else {@code jce}). */
    @Param({"default", "jce"})
    public String engine;

    private int chunks;
    private int next;
    private long nonce;
    private byte[][] heapPlain;
    private byte[][] heapSealed;
    private Cipher cipher;
    private SecretKeySpec spec;
    private Arena arena;
    private MemorySegment nativePlain;
    private MemorySegment nativeSealed;
    private SecretBytes key;
    private InsecureNonceAesGcm gcm;
    private final byte[] aad = new byte[64];
    private static final long OPEN_NONCES = 1L << 62;

    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException {
        chunks = (int) ((long) workingSetMiB * (1 << 20) / chunkBytes);
        heapPlain = new byte[chunks][chunkBytes];
        heapSealed = new byte[chunks][chunkBytes + 16];
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        spec = new SecretKeySpec(k, "AES");
        cipher = Cipher.getInstance("AES/GCM/NoPadding");
        arena = Arena.ofShared();
        nativePlain = arena.allocate((long) chunks * chunkBytes, 64);
        nativeSealed = arena.allocate((long) chunks * (chunkBytes + 16), 64);
        key = SecretBytes.random(32, new SecureRandom());
        gcm = GcmEngine.named(engine.equals("default") ? GcmEngine.defaultName() : engine).newInstance(key, 16);
        for (int i = 0; i < chunks; i++) { // sealed data for the open benchmark
            gcm.seal(iv(OPEN_NONCES | i), aad, nativePlain.asSlice((long) i * chunkBytes, chunkBytes),
                    nativeSealed.asSlice((long) i * (chunkBytes + 16), chunkBytes + 16));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        gcm.close();
        key.close();
        arena.close();
    }

    private int nextChunk() {
        int i = next;
        next = i + 1 == chunks ? 0 : i + 1;
        return i;
    }

    /** The JDK heap-to-heap: the store's targets are ratios to this. */
    @Benchmark
    public int rawJceSeal() throws GeneralSecurityException {
        int i = nextChunk();
        cipher.init(Cipher.ENCRYPT_MODE, spec, new GCMParameterSpec(128, iv(nonce++)));
        cipher.updateAAD(aad);
        return cipher.doFinal(heapPlain[i], 0, chunkBytes, heapSealed[i], 0);
    }

    @Benchmark
    public void engineSealNative() {
        int i = nextChunk();
        gcm.seal(iv(nonce++), aad, nativePlain.asSlice((long) i * chunkBytes, chunkBytes),
                nativeSealed.asSlice((long) i * (chunkBytes + 16), chunkBytes + 16));
    }

    @Benchmark
    public void engineOpenNative() {
        int i = nextChunk();
        gcm.open(iv(OPEN_NONCES | i), aad, nativeSealed.asSlice((long) i * (chunkBytes + 16), chunkBytes + 16),
                nativePlain.asSlice((long) i * chunkBytes, chunkBytes));
    }

    static byte[] iv(long n) {
        byte[] iv = new byte[12];
        for (int k = 0; k < 8; k++) {
            iv[4 + k] = (byte) (n >>> (8 * k));
        }
        return iv;
    }
}
