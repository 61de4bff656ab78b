package dev.tensorseal.internal.crypto;

import java.lang.foreign.MemorySegment;

/**
 * An AES-GCM implementation, one of the {@linkplain #registry() registry}'s ({@code gpu} lives elsewhere). A factory of
 * keyed, single-thread instances that take caller-chosen nonces: internal, hence
 * {@link InsecureNonceAesGcm}. Every engine gives byte-identical output for identical input.
 */
public interface GcmEngine {
    /** Its name in the {@linkplain #registry() registry}. */
    String name();

    /** What implements it, for reports: e.g. "OpenSSL 3.0.19 27 Jan 2026" for ossl; the name by default. */
    default String implementation() {
        return name();
    }

    /** Whether this engine can produce and check tags of {@code tagSizeBytes}. */
    boolean supportsTagSize(int tagSizeBytes);

    /** Whether this engine accepts IVs of {@code ivSizeBytes}. */
    boolean supportsIvSize(int ivSizeBytes);

    /**
     * A keyed instance. {@code key} is 16, 24 or 32 bytes; it is read once (JCE and Bouncy Castle
     * keep their key schedule on the heap for the instance's life: close it soon).
     *
     * @throws dev.tensorseal.UnsupportedParameterException for a key or tag size this engine rejects
     */
    InsecureNonceAesGcm newInstance(SecretBytes key, int tagSizeBytes);

    /** Every CPU engine, whether it runs here or not (each says why not), in the order tools list them. */
    static java.util.List<EngineSpec> registry() {
        return Engines.REGISTRY;
    }

    /** The names of the registry's engines that run here, in its order. */
    static java.util.List<String> names() {
        return Engines.NAMES;
    }

    /**
     * The engine stores and files use unless told otherwise: the one {@code -Dtensorseal.engine=NAME} names, else
     * {@code vaes} where it runs, else {@code jce}.
     */
    static String defaultName() {
        return Engines.defaultName();
    }

    /**
     * Brings this engine to full speed once per JVM (the JDK's GCM needs its intrinsic compiled,
     * which is call-count driven); returns the nanoseconds spent now, 0 if already done or not needed.
     */
    default long warmUp() {
        return 0;
    }

    /** Looks an engine of the {@linkplain #registry() registry} up by name (unavailable: UnsupportedParameterException with the reason). */
    static GcmEngine named(String name) {
        return Engines.named(name);
    }
}
