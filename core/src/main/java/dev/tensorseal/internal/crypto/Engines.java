package dev.tensorseal.internal.crypto;

import dev.tensorseal.UnsupportedParameterException;
import java.util.List;

/** The registry of CPU engines. */
final class Engines {
    private Engines() {}

    static final List<String> NAMES = List.of("jce", "bc");

    static GcmEngine named(String name) {
        return switch (name) {
            case "jce" -> JceGcmEngine.INSTANCE;
            case "bc" -> BcGcmEngine.INSTANCE;
            default -> throw new UnsupportedParameterException("unknown engine '" + name + "': expected one of " + NAMES);
        };
    }
}
