package dev.tensorseal.internal.crypto;

import dev.tensorseal.UnsupportedParameterException;
import java.util.ArrayList;
import java.util.List;

/**
 * The registry of CPU engines. {@code ossl} is listed only where the system's libcrypto loads, {@code vaes}
 * only where the CPU has VAES/VPCLMULQDQ on AVX-512 and the bridge's library loads.
 */
final class Engines {
    private Engines() {}

    static final List<String> NAMES = names();

    /** {@code vaes} where it runs (native memory in place, no warm-up), else {@code jce}. */
    static final String DEFAULT = VaesGcmEngine.unavailableReason() == null ? "vaes" : "jce";
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

    private static List<String> names() {
        List<String> names = new ArrayList<>(List.of("jce", "bc"));
        if (OsslGcmEngine.unavailableReason() == null) {
            names.add("ossl");
        }
        if (VaesGcmEngine.unavailableReason() == null) {
            names.add("vaes");
        }
        return List.copyOf(names);
    }

    static GcmEngine named(String name) {
        return switch (name) {
            case "jce" -> JceGcmEngine.INSTANCE;
            case "bc" -> BcGcmEngine.INSTANCE;
            case "ossl" -> {
                String reason = OsslGcmEngine.unavailableReason();
                if (reason != null) {
                    throw new UnsupportedParameterException("engine 'ossl' is unavailable: " + reason);
                }
                yield OsslGcmEngine.INSTANCE;
            }
            case "vaes" -> {
                String reason = VaesGcmEngine.unavailableReason();
                if (reason != null) {
                    throw new UnsupportedParameterException("engine 'vaes' is unavailable: " + reason);
                }
                yield VaesGcmEngine.INSTANCE;
            }
            default -> throw new UnsupportedParameterException("unknown engine '" + name + "': expected one of " + NAMES);
        };
    }
}
