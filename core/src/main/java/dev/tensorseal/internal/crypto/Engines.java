package dev.tensorseal.internal.crypto;

import dev.tensorseal.UnsupportedParameterException;
import java.util.List;

/**
 * The registry of CPU engines, the one list of them: {@code ossl} runs only where the system's libcrypto loads,
 * {@code vaes} only where the CPU has VAES/VPCLMULQDQ on AVX-512 and the bridge's library loads.
 */
final class Engines {
    private Engines() {}

    /** Every engine, available or not, in the order tools list them. */
    static final List<EngineSpec> REGISTRY = List.of(
            new EngineSpec("jce", "the JDK's AES-GCM with CPU intrinsics; chunks staged through zeroed heap arrays",
                    false, () -> null, () -> JceGcmEngine.INSTANCE),
            new EngineSpec("bc", "Bouncy Castle, pure Java; chunks staged through zeroed heap arrays",
                    false, () -> null, () -> BcGcmEngine.INSTANCE),
            new EngineSpec("ossl", "the system's OpenSSL 3 libcrypto through FFM, in place on off-heap memory",
                    true, OsslGcmEngine::unavailableReason, () -> OsslGcmEngine.INSTANCE),
            new EngineSpec("vaes", "tensorseal's own VAES/VPCLMULQDQ AES-GCM (x86-64, AVX-512), in place on off-heap memory",
                    true, VaesGcmEngine::unavailableReason, () -> VaesGcmEngine.INSTANCE));

    /** The names of the engines that run here, in registry order. */
    static final List<String> NAMES = REGISTRY.stream().filter(EngineSpec::available).map(EngineSpec::name).toList();

    /** {@code vaes} where it runs (native memory in place, no warm-up), else {@code jce}. */
    static final String DEFAULT = NAMES.contains("vaes") ? "vaes" : "jce";
    /** The system property that picks the engine of stores built without one (the CLI's): an engine name. */
    static final String ENGINE_PROPERTY = "tensorseal.engine";

    /** {@link #DEFAULT}, or the engine {@link #ENGINE_PROPERTY} names (one not listed here is refused, not ignored). */
    static String defaultName() {
        String chosen = System.getProperty(ENGINE_PROPERTY);
        if (chosen == null) {
            return DEFAULT;
        }
        if (!NAMES.contains(chosen)) {
            throw new UnsupportedParameterException("-D" + ENGINE_PROPERTY + "=" + chosen + ": not an engine of this machine,"
                    + " expected one of " + NAMES);
        }
        return chosen;
    }

    static GcmEngine named(String name) {
        for (EngineSpec spec : REGISTRY) {
            if (spec.name().equals(name)) {
                String reason = spec.unavailableReason();
                if (reason != null) {
                    throw new UnsupportedParameterException("engine '" + name + "' is unavailable: " + reason);
                }
                return spec.engine();
            }
        }
        throw new UnsupportedParameterException("unknown engine '" + name + "': expected one of " + NAMES);
    }
}
