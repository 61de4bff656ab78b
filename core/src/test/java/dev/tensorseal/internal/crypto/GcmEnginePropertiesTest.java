package dev.tensorseal.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tensorseal.IntegrityException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Invariants of the CPU engines over random inputs. Each example is a seed and sizes; the bytes
 * are filled from the seed, so a 1 MiB example costs one fill, and QuickTheories shrinks sizes.
 */
class GcmEnginePropertiesTest {
    private static final int MAX_PLAINTEXT = 1 << 20;
    private static final int[] KEY_SIZES = {16, 24, 32};

    /** Random inputs derived from one seed; {@code sizeExponent} skews plaintext sizes small (uniform in log2). */
    private record Inputs(byte[] key, byte[] iv, byte[] aad, byte[] plaintext) {
        static Inputs of(long seed, int sizeExponent, int sizeFraction, int shape) {
            SplittableRandom r = new SplittableRandom(seed);
            int n = Math.min(MAX_PLAINTEXT, sizeFraction >>> (20 - sizeExponent));
            // Mostly the store's 12-byte nonces, sometimes any length GCM allows.
            int ivLen = (shape & 3) == 0 ? 1 + r.nextInt(64) : 12;
            byte[] key = bytes(r, KEY_SIZES[(shape >>> 2) % 3]);
            return new Inputs(key, bytes(r, ivLen), bytes(r, r.nextInt(shape % 5 == 0 ? 0 : 1, 80)), bytes(r, n));
        }

        private static byte[] bytes(SplittableRandom r, int n) {
            byte[] b = new byte[n];
            r.nextBytes(b);
            return b;
        }
    }

    private static byte[] seal(String engine, Inputs in) {
        try (SecretBytes k = SecretBytes.takeAndWipe(in.key().clone());
                InsecureNonceAesGcm g = GcmEngine.named(engine).newInstance(k, 16)) {
            return g.seal(in.iv(), in.aad(), in.plaintext());
        }
    }

    @Test
    void everyEngineGivesByteIdenticalCiphertexts() {
        qt().withExamples(60).forAll(longs().all(), integers().between(0, 20), integers().between(0, MAX_PLAINTEXT), integers().between(0, 1000))
                .checkAssert((seed, exp, frac, shape) -> {
                    Inputs in = Inputs.of(seed, exp, frac, shape);
                    byte[] jce = seal("jce", in);
                    for (String engine : engines(in)) { // jce, bc, ossl and vaes where they run
                        assertArrayEquals(jce, seal(engine, in), engine);
                    }
                });
    }

    /** The engines that take this input's IV length (vaes takes only the store's 12-byte IVs). */
    private static java.util.List<String> engines(Inputs in) {
        return Engines.NAMES.stream().filter(e -> GcmEngine.named(e).supportsIvSize(in.iv().length)).toList();
    }

    @Test
    void openPartReleasesExactlyItsRangeAndAuthenticateAcceptsOnEveryEngine() {
        qt().withExamples(80).forAll(longs().all(), integers().between(0, 17), integers().between(0, Integer.MAX_VALUE), integers().between(0, 1000))
                .checkAssert((seed, exp, pick, shape) -> {
                    Inputs in = Inputs.of(seed, exp, 1 << 20, shape);
                    int n = in.plaintext().length;
                    int from = n == 0 ? 0 : pick % (n + 1);
                    int len = n - from == 0 ? 0 : (pick >>> 7) % (n - from + 1);
                    for (String engine : engines(in)) {
                        try (SecretBytes k = SecretBytes.takeAndWipe(in.key().clone());
                                InsecureNonceAesGcm g = GcmEngine.named(engine).newInstance(k, 16);
                                Arena arena = Arena.ofConfined()) {
                            MemorySegment sealed = MemorySegment.ofArray(g.seal(in.iv(), in.aad(), in.plaintext()));
                            MemorySegment part = arena.allocate(Math.max(1, len)).asSlice(0, len);
                            g.openPart(in.iv(), in.aad(), sealed, from, part);
                            assertArrayEquals(java.util.Arrays.copyOfRange(in.plaintext(), from, from + len),
                                    part.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), engine + " [" + from + ", +" + len + ") of " + n);
                            g.authenticate(in.iv(), in.aad(), sealed);
                        }
                    }
                });
    }

    @Test
    void osslIsTestedWhereCiRequiresIt() {
        GcmEngineTest.osslAvailable(); // fails under CI without libcrypto; prints the reason elsewhere
    }

    @Test
    void openOfSealIsTheIdentityOnEveryEngineAndMemoryKind() {
        qt().withExamples(60).forAll(longs().all(), integers().between(0, 20), integers().between(0, MAX_PLAINTEXT), integers().between(0, 1000))
                .checkAssert((seed, exp, frac, shape) -> {
                    Inputs in = Inputs.of(seed, exp, frac, shape);
                    for (String engine : engines(in)) {
                        try (SecretBytes k = SecretBytes.takeAndWipe(in.key().clone());
                                InsecureNonceAesGcm g = GcmEngine.named(engine).newInstance(k, 16);
                                Arena arena = Arena.ofConfined()) {
                            byte[] sealed = g.seal(in.iv(), in.aad(), in.plaintext());
                            assertArrayEquals(in.plaintext(), g.open(in.iv(), in.aad(), sealed), engine + " heap");
                            // Off-heap in and out, as the store uses them.
                            MemorySegment c = arena.allocate(Math.max(1, sealed.length)).asSlice(0, sealed.length);
                            c.copyFrom(MemorySegment.ofArray(sealed));
                            MemorySegment p = arena.allocate(Math.max(1, in.plaintext().length)).asSlice(0, in.plaintext().length);
                            g.open(in.iv(), in.aad(), c, p);
                            assertArrayEquals(in.plaintext(), p.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), engine + " off-heap");
                        }
                    }
                });
    }

    /** Which input a bit flip hits. */
    private enum Target { CIPHERTEXT, TAG, AAD, IV }

    @Test
    void flippingAnySingleBitOfCiphertextTagAadOrIvFailsAndZeroesTheOutput() {
        qt().withExamples(100).forAll(longs().all(), integers().between(0, 12), integers().between(0, Integer.MAX_VALUE), integers().between(0, 1000))
                .checkAssert((seed, exp, pick, shape) -> {
                    Inputs in = Inputs.of(seed, exp, 1 << 20, shape);
                    for (String engine : engines(in)) {
                        try (SecretBytes k = SecretBytes.takeAndWipe(in.key().clone());
                                InsecureNonceAesGcm g = GcmEngine.named(engine).newInstance(k, 16);
                                Arena arena = Arena.ofConfined()) {
                            byte[] sealed = g.seal(in.iv(), in.aad(), in.plaintext());
                            byte[] iv = in.iv().clone();
                            byte[] aad = in.aad().clone();
                            byte[] ct = sealed.clone();
                            Target t = Target.values()[pick % 4];
                            if (t == Target.AAD && aad.length == 0 || t == Target.CIPHERTEXT && in.plaintext().length == 0) {
                                t = Target.TAG;
                            }
                            int bit = pick >>> 2;
                            switch (t) {
                                case CIPHERTEXT -> flip(ct, bit % (in.plaintext().length * 8));
                                case TAG -> flip(ct, in.plaintext().length * 8 + bit % 128);
                                case AAD -> flip(aad, bit % (aad.length * 8));
                                case IV -> flip(iv, bit % (iv.length * 8));
                            }
                            MemorySegment out = arena.allocate(Math.max(1, in.plaintext().length)).asSlice(0, in.plaintext().length);
                            out.fill((byte) 0x5A);
                            MemorySegment input = MemorySegment.ofArray(ct);
                            assertThrows(IntegrityException.class, () -> g.open(iv, aad, input, out), engine + " " + t);
                            assertTrue(isZero(out), engine + ": output not zeroed after a bad " + t);
                            byte[] heapOut = new byte[in.plaintext().length];
                            java.util.Arrays.fill(heapOut, (byte) 0x5A);
                            assertThrows(IntegrityException.class, () -> g.open(iv, aad, input, MemorySegment.ofArray(heapOut)));
                            assertTrue(isZero(MemorySegment.ofArray(heapOut)), engine + ": heap output not zeroed after a bad " + t);
                        }
                    }
                });
    }

    private static void flip(byte[] b, int bit) {
        b[bit >>> 3] ^= (byte) (1 << (bit & 7));
    }

    private static boolean isZero(MemorySegment s) {
        for (long i = 0; i < s.byteSize(); i++) {
            if (s.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i) != 0) {
                return false;
            }
        }
        return true;
    }
}
