package dev.tensorseal.devtools.bench;

import dev.tensorseal.UnsupportedParameterException;
import dev.tensorseal.internal.crypto.GcmEngine;
import dev.tensorseal.internal.crypto.InsecureNonceAesGcm;
import dev.tensorseal.internal.crypto.SecretBytes;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The microbenchmark loops of {@code tensorseal bench}: AES-256-GCM alone, without the store, once per chunk over a
 * working set, best of {@code rounds} after a warm round. The JMH module (benchmarks) measures the same things with
 * more rigour; these give the CLI's one-run figures their baseline. Data is zeros under a random throwaway key (GCM's
 * speed does not depend on the data); nonces never repeat under a key.
 */
public final class EngineLoops {
    private final int chunkBytes;
    private final int rounds;

    /** Loops over {@code chunkBytes}-byte chunks, each figure the best of {@code rounds} after one warm round. */
    public EngineLoops(int chunkBytes, int rounds) {
        if (chunkBytes < 16 || rounds < 1) {
            throw new IllegalArgumentException("chunk of " + chunkBytes + " bytes (at least 16), " + rounds + " rounds (at least 1)");
        }
        this.chunkBytes = chunkBytes;
        this.rounds = rounds;
    }

    /** The JDK's AES/GCM heap to heap, seal and open, in GB/s. */
    public record RawJce(double sealGbps, double openGbps) {
        /** The better of the two directions: the baseline the store's ratios are taken against. */
        public double bestGbps() {
            return Math.max(sealGbps, openGbps);
        }
    }

    /** One engine native to native: seal and open in GB/s, and one cache-resident chunk opened, in microseconds. */
    public record EngineFigures(String engine, double sealGbps, double openGbps, double chunkOpenMicros) {}

    /** The engines compared besides bc: jce always, ossl and vaes where they run (the store's engine list). */
    public static List<String> fastEngines() {
        return GcmEngine.names().stream().filter(e -> !e.equals("bc")).toList();
    }

    /** The store's default engine. */
    public static String defaultEngine() {
        return GcmEngine.defaultName();
    }

    /** What engine {@code name} runs on (library and version, or the JDK's provider). */
    public static String implementation(String name) {
        return GcmEngine.named(name).implementation();
    }

    /**
     * The ossl engine's state for the report: what it runs on where it is listed, {@code unavailable: why} where it
     * does not load, empty where it loads but is not listed.
     */
    public static Optional<String> osslStatus() {
        if (GcmEngine.names().contains("ossl")) {
            return Optional.of(GcmEngine.named("ossl").implementation());
        }
        try {
            GcmEngine.named("ossl");
            return Optional.empty();
        } catch (UnsupportedParameterException e) {
            return Optional.of("unavailable: " + e.getMessage());
        }
    }

    /** The jce engine's one-time warm-up, in milliseconds (what building the first store pays). */
    public static double jceWarmUpMillis() {
        return GcmEngine.named("jce").warmUp() / 1e6;
    }

    /** The JDK heap to heap over a working set of {@code bytes} (a multiple of the chunk size), warm. */
    public RawJce rawJce(long bytes) throws GeneralSecurityException {
        int n = Math.toIntExact(bytes / chunkBytes);
        byte[][] pt = new byte[n][chunkBytes];
        byte[][] ct = new byte[n][chunkBytes + 16];
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        SecretKeySpec spec = new SecretKeySpec(k, "AES");
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        byte[] aad = new byte[64];
        long nonce = 0;
        double bestSeal = 0;
        double bestOpen = 0;
        for (int round = 0; round <= rounds; round++) { // round 0 only warms
            long t0 = System.nanoTime();
            long first = nonce;
            for (int i = 0; i < n; i++) {
                c.init(Cipher.ENCRYPT_MODE, spec, new GCMParameterSpec(128, iv(nonce++)));
                c.updateAAD(aad);
                c.doFinal(pt[i], 0, chunkBytes, ct[i], 0);
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                c.init(Cipher.DECRYPT_MODE, spec, new GCMParameterSpec(128, iv(first + i)));
                c.updateAAD(aad);
                c.doFinal(ct[i], 0, chunkBytes + 16, pt[i], 0);
            }
            long t2 = System.nanoTime();
            if (round > 0) {
                bestSeal = Math.max(bestSeal, Rates.gbps(bytes, t1 - t0));
                bestOpen = Math.max(bestOpen, Rates.gbps(bytes, t2 - t1));
            }
        }
        return new RawJce(bestSeal, bestOpen);
    }

    /** Bouncy Castle's seal off-heap over {@code bytes}, best of two, in GB/s (it is slow: keep the working set small). */
    public double bouncyCastle(long bytes) {
        double best = 0;
        try (Arena arena = Arena.ofConfined(); SecretBytes key = SecretBytes.random(32, new SecureRandom());
                InsecureNonceAesGcm g = GcmEngine.named("bc").newInstance(key, 16)) {
            MemorySegment pt = arena.allocate(bytes, 64);
            MemorySegment ct = arena.allocate(bytes / chunkBytes * (chunkBytes + 16), 64);
            long nonce = 0;
            for (int round = 0; round < 2; round++) {
                long t0 = System.nanoTime();
                for (long i = 0; i < bytes / chunkBytes; i++) {
                    g.seal(iv(nonce++), new byte[0], pt.asSlice(i * chunkBytes, chunkBytes),
                            ct.asSlice(i * (chunkBytes + 16), chunkBytes + 16));
                }
                best = Math.max(best, Rates.gbps(bytes, System.nanoTime() - t0));
            }
        }
        return best;
    }

    /**
     * Each of {@code engines} native to native, seal and open, over {@code bytes} (jce stages each chunk through heap
     * arrays; ossl and vaes work on the off-heap segments in place), and one cache-resident chunk opened: the unit a
     * slice read pays for.
     */
    public List<EngineFigures> engines(List<String> engines, long bytes) {
        long chunks = bytes / chunkBytes;
        try (Arena arena = Arena.ofConfined(); SecretBytes key = SecretBytes.random(32, new SecureRandom())) {
            MemorySegment pt = arena.allocate(bytes, 64);
            MemorySegment ct = arena.allocate(chunks * (chunkBytes + 16), 64);
            byte[] aad = new byte[64];
            long[] nonce = {1L << 44};
            return engines.stream().map(e -> engine(e, key, pt, ct, aad, chunks, nonce)).toList();
        }
    }

    private EngineFigures engine(String engine, SecretBytes key, MemorySegment pt, MemorySegment ct, byte[] aad, long chunks,
                                 long[] nonce) {
        long bytes = chunks * chunkBytes;
        try (InsecureNonceAesGcm g = GcmEngine.named(engine).newInstance(key, 16)) {
            double seal = 0;
            double open = 0;
            for (int round = 0; round <= rounds; round++) { // round 0 only warms
                long first = nonce[0];
                long t0 = System.nanoTime();
                for (long i = 0; i < chunks; i++) {
                    g.seal(iv(nonce[0]++), aad, pt.asSlice(i * chunkBytes, chunkBytes),
                            ct.asSlice(i * (chunkBytes + 16), chunkBytes + 16));
                }
                long t1 = System.nanoTime();
                for (long i = 0; i < chunks; i++) {
                    g.open(iv(first + i), aad, ct.asSlice(i * (chunkBytes + 16), chunkBytes + 16),
                            pt.asSlice(i * chunkBytes, chunkBytes));
                }
                long t2 = System.nanoTime();
                if (round > 0) {
                    seal = Math.max(seal, Rates.gbps(bytes, t1 - t0));
                    open = Math.max(open, Rates.gbps(bytes, t2 - t1));
                }
            }
            byte[] iv = iv(nonce[0]++);
            MemorySegment one = ct.asSlice(0, chunkBytes + 16);
            g.seal(iv, aad, pt.asSlice(0, chunkBytes), one);
            int reps = 2000;
            for (int i = 0; i < reps; i++) { // warm: the callers of the cipher get compiled
                g.open(iv, aad, one, pt.asSlice(0, chunkBytes));
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                g.open(iv, aad, one, pt.asSlice(0, chunkBytes));
            }
            return new EngineFigures(engine, seal, open, (System.nanoTime() - t0) / 1e3 / reps);
        }
    }

    /** The 12-byte IV of counter {@code nonce}: four zero bytes, then the counter little-endian. */
    static byte[] iv(long nonce) {
        byte[] iv = new byte[12];
        for (int k = 0; k < 8; k++) {
            iv[4 + k] = (byte) (nonce >>> (8 * k));
        }
        return iv;
    }
}
