package dev.tensorseal.internal.store;

import dev.tensorseal.KeySource;
import dev.tensorseal.UnsupportedParameterException;
import dev.tensorseal.internal.crypto.GcmEngine;
import dev.tensorseal.internal.memory.HardenedPlaintextMemory;
import dev.tensorseal.internal.memory.PlaintextMemory;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * A store's settings, checked on construction, and the one copy of their defaults: {@code TensorStore.Builder} starts
 * from them, and a file opened, imported or verified with a key alone ({@link #defaults}) gets them.
 *
 * @param keySource            master key source (read at open and at rekey; not closed by the store)
 * @param engineName           {@code jce}, {@code bc}, {@code ossl} or {@code vaes}
 * @param chunkSizeBytes       4 KiB to 64 MiB
 * @param plaintextBudgetBytes the most plaintext open views may hold at once
 * @param parallelism          threads for chunk-parallel sealing and opening (1 = the caller's thread only)
 * @param plaintextMemory      where view scratch comes from
 * @param nonceObserver        test hook
 * @param random               DEK, key id and tensor id source
 */
public record StoreConfig(KeySource keySource, String engineName, int chunkSizeBytes, long plaintextBudgetBytes,
                          int parallelism, PlaintextMemory plaintextMemory, NonceObserver nonceObserver, SecureRandom random) {
    /** Default plaintext budget: 1 GiB. */
    public static final long DEFAULT_PLAINTEXT_BUDGET_BYTES = 1L << 30;

    /** The default engine, as the engine code names it ({@link GcmEngine#defaultName()}). */
    public static String defaultEngineName() {
        return GcmEngine.defaultName();
    }

    /** Default parallelism: the available processors, asked when a store's settings are made. */
    public static int defaultParallelism() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Default plaintext memory: locked and dump-excluded where the native bridge provides it, else plain off-heap. */
    public static PlaintextMemory defaultPlaintextMemory() {
        return HardenedPlaintextMemory.system();
    }

    /** The default settings with {@code key} as the key source and a fresh {@link SecureRandom}. */
    public static StoreConfig defaults(KeySource key) {
        return new StoreConfig(key, defaultEngineName(), TensorMeta.DEFAULT_CHUNK_BYTES, DEFAULT_PLAINTEXT_BUDGET_BYTES,
                defaultParallelism(), defaultPlaintextMemory(), NonceObserver.NONE, new SecureRandom());
    }

    public StoreConfig {
        Objects.requireNonNull(keySource, "keySource");
        Objects.requireNonNull(engineName, "engineName");
        Objects.requireNonNull(plaintextMemory, "plaintextMemory");
        Objects.requireNonNull(nonceObserver, "nonceObserver");
        Objects.requireNonNull(random, "random");
        TensorMeta.checkChunkSize(chunkSizeBytes);
        checkPlaintextBudget(plaintextBudgetBytes);
        checkParallelism(parallelism);
    }

    /** Refuses a negative plaintext budget (0 is allowed: a store that can seal but open no view). */
    public static void checkPlaintextBudget(long bytes) {
        if (bytes < 0) {
            throw new UnsupportedParameterException("plaintext budget must be at least 0 bytes, got " + bytes);
        }
    }

    /** Refuses a thread count outside 1 to 4096. */
    public static void checkParallelism(int threads) {
        if (threads < 1 || threads > 4096) {
            throw new UnsupportedParameterException("parallelism must be 1 to 4096, got " + threads);
        }
    }

    /** These settings with {@code key} as the key source. */
    public StoreConfig withKeySource(KeySource key) {
        return new StoreConfig(key, engineName, chunkSizeBytes, plaintextBudgetBytes, parallelism, plaintextMemory, nonceObserver,
                random);
    }
}
