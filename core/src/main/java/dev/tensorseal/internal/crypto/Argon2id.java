package dev.tensorseal.internal.crypto;

import dev.tensorseal.UnsupportedParameterException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id (RFC 9106, version 0x13) from Bouncy Castle: a passphrase to key material in
 * {@link SecretBytes}. The passphrase arrays are wiped once used. Slow by design; the cost is
 * {@link Params}, which are stored beside the result and bounded when read back.
 */
public final class Argon2id {
    /** Bounds on what a file (or a caller) may ask for: enough for strong settings, not enough to exhaust a JVM. */
    public static final int MAX_MEMORY_KIB = 1 << 20; // 1 GiB
    public static final int MAX_ITERATIONS = 32;
    public static final int MAX_PARALLELISM = 16;
    public static final int MIN_SALT_BYTES = 16;
    public static final int MAX_SALT_BYTES = 64;
    public static final int MIN_OUTPUT_BYTES = 16;
    public static final int MAX_OUTPUT_BYTES = 64;

    /**
     * Argon2id's cost and salt size. Immutable; every constructor call checks the bounds, so
     * parameters parsed from a file can be passed here as they are.
     *
     * @param memoryKiB    m, in KiB: at least 8 per lane (RFC 9106 3.1), at most {@value #MAX_MEMORY_KIB}
     * @param iterations   t: 1 to {@value #MAX_ITERATIONS}
     * @param parallelism  p, the lanes: 1 to {@value #MAX_PARALLELISM}
     * @param saltBytes    {@value #MIN_SALT_BYTES} to {@value #MAX_SALT_BYTES}
     */
    public record Params(int memoryKiB, int iterations, int parallelism, int saltBytes) {
        /**
         * 64 MiB, 3 passes, 1 lane, 16-byte salt: RFC 9106 section 4's second recommended option
         * (64 MiB, t=3) with one lane, because Bouncy Castle fills lanes one after another in one
         * thread, so more lanes would add wall time for us without adding cost for an attacker.
         */
        public static final Params DEFAULTS = new Params(64 * 1024, 3, 1, 16);

        public Params {
            check("parallelism", parallelism, 1, MAX_PARALLELISM);
            check("memoryKiB", memoryKiB, 8 * parallelism, MAX_MEMORY_KIB);
            check("iterations", iterations, 1, MAX_ITERATIONS);
            check("saltBytes", saltBytes, MIN_SALT_BYTES, MAX_SALT_BYTES);
        }
    }

    private Argon2id() {}

    /** A fresh random salt of {@code params.saltBytes()} bytes. */
    public static byte[] newSalt(Params params, SecureRandom random) {
        byte[] salt = new byte[params.saltBytes()];
        random.nextBytes(salt);
        return salt;
    }

    /** Derives {@code outputBytes} from a passphrase given as characters (encoded as UTF-8); {@code passphrase} is zeroed. */
    public static SecretBytes derive(char[] passphrase, byte[] salt, Params params, int outputBytes) {
        byte[] utf8;
        try {
            utf8 = utf8(passphrase);
        } finally {
            Arrays.fill(passphrase, '\0');
        }
        return derive(utf8, salt, params, outputBytes);
    }

    /** Derives {@code outputBytes} from a passphrase given as bytes; {@code passphrase} is zeroed. */
    public static SecretBytes derive(byte[] passphrase, byte[] salt, Params params, int outputBytes) {
        return derive(passphrase, salt, null, null, params, outputBytes);
    }

    /** RFC 9106 with the optional secret K and associated data X (used by the known-answer test). */
    static SecretBytes derive(byte[] passphrase, byte[] salt, byte[] secret, byte[] associatedData, Params params, int outputBytes) {
        try {
            check("outputBytes", outputBytes, MIN_OUTPUT_BYTES, MAX_OUTPUT_BYTES);
            if (salt.length != params.saltBytes()) {
                throw new UnsupportedParameterException("Argon2id salt must be " + params.saltBytes() + " bytes as the parameters say, got " + salt.length);
            }
            requireHeap(params);
            Argon2Parameters.Builder b = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                    .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                    .withMemoryAsKB(params.memoryKiB())
                    .withIterations(params.iterations())
                    .withParallelism(params.parallelism())
                    .withSalt(salt);
            if (secret != null) {
                b.withSecret(secret);
            }
            if (associatedData != null) {
                b.withAdditional(associatedData);
            }
            Argon2Parameters p = b.build();
            byte[] out = new byte[outputBytes];
            try {
                Argon2BytesGenerator g = new Argon2BytesGenerator();
                g.init(p);
                g.generateBytes(passphrase, out);
                return SecretBytes.takeAndWipe(out);
            } finally {
                Arrays.fill(out, (byte) 0);
                p.clear(); // wipes BC's copies of salt, secret and associated data
                b.clear();
            }
        } finally {
            Arrays.fill(passphrase, (byte) 0);
        }
    }

    private static byte[] utf8(char[] passphrase) {
        ByteBuffer bb = null;
        try {
            bb = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(passphrase));
            byte[] out = new byte[bb.remaining()];
            bb.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new UnsupportedParameterException("the passphrase is not valid Unicode (an unpaired surrogate)");
        } finally {
            if (bb != null && bb.hasArray()) {
                Arrays.fill(bb.array(), (byte) 0);
            }
        }
    }

    /**
     * Refuses, before allocating, a derivation this JVM's heap cannot hold: Bouncy Castle keeps the memory as
     * 1 KiB blocks on the heap (about 1.1 times the setting), and running out would be an OutOfMemoryError.
     */
    static void requireHeap(Params params) {
        long needed = params.memoryKiB() * 1024L + params.memoryKiB() * 128L;
        if (needed <= freeHeapBytes()) {
            return;
        }
        System.gc(); // garbage counts as used until collected; ask once before refusing
        long free = freeHeapBytes();
        if (needed > free) {
            throw new dev.tensorseal.CapacityException("Argon2id at " + (params.memoryKiB() / 1024) + " MiB needs about "
                    + (needed >> 20) + " MiB of Java heap, and only " + (free >> 20) + " MiB is free (raise -Xmx)");
        }
    }

    private static long freeHeapBytes() {
        Runtime r = Runtime.getRuntime();
        return r.maxMemory() - (r.totalMemory() - r.freeMemory());
    }

    private static void check(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new UnsupportedParameterException("Argon2id " + name + " must be " + min + " to " + max + ", got " + value);
        }
    }
}
