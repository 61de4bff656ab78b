package dev.tensorseal;

import dev.tensorseal.internal.crypto.Argon2id;

/**
 * The most Argon2id work a caller accepts when opening a passphrase-sealed file. The cost is read from the
 * file's header before anything can be authenticated, so without a limit anyone who can write the file chooses
 * how much memory and CPU the open spends before it can say "wrong key".
 *
 * @param maxMemoryKiB   the largest Argon2id memory setting accepted, in KiB: 8 to {@value Argon2id#MAX_MEMORY_KIB}
 * @param maxIterations  the most passes accepted: 1 to {@value Argon2id#MAX_ITERATIONS}
 */
public record KdfLimits(int maxMemoryKiB, int maxIterations) {
    /**
     * 256 MiB and 8 passes: what a laptop affords in a few seconds, four times the memory and more than twice
     * the passes of the sealing defaults (64 MiB, 3 passes).
     */
    public static final KdfLimits DEFAULTS = new KdfLimits(256 * 1024, 8);

    public KdfLimits {
        if (maxMemoryKiB < 8 || maxMemoryKiB > Argon2id.MAX_MEMORY_KIB) {
            throw new IllegalArgumentException("maxMemoryKiB must be 8 to " + Argon2id.MAX_MEMORY_KIB + ", got " + maxMemoryKiB);
        }
        if (maxIterations < 1 || maxIterations > Argon2id.MAX_ITERATIONS) {
            throw new IllegalArgumentException("maxIterations must be 1 to " + Argon2id.MAX_ITERATIONS + ", got " + maxIterations);
        }
    }

    /** Throws {@link UnsupportedParameterException} naming {@code source} when its cost is over these limits. */
    public void check(int memoryKiB, int iterations, String source) {
        if (memoryKiB > maxMemoryKiB || iterations > maxIterations) {
            throw new UnsupportedParameterException(source + " asks Argon2id for " + mib(memoryKiB) + " and " + iterations
                    + " passes, over the limit of " + mib(maxMemoryKiB) + " and " + maxIterations
                    + " passes: not derived (raise the limit only for a file you trust)");
        }
    }

    private static String mib(int kib) {
        return kib % 1024 == 0 ? (kib / 1024) + " MiB" : kib + " KiB";
    }
}
