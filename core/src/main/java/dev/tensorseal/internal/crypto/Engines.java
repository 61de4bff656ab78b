package dev.tensorseal.internal.crypto;

import dev.tensorseal.UnsupportedParameterException;
import java.util.List;

/** The registry of CPU engines. {@code ossl} is listed only where the system's libcrypto loads. */
final class Engines {
    private Engines() {}

    static final List<String> NAMES = OsslGcmEngine.unavailableReason() == null
            ? List.of("jce", "bc", "ossl")
            : List.of("jce", "bc");

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
            default -> throw new UnsupportedParameterException("unknown engine '" + name + "': expected one of " + NAMES);
        };
    }
}
