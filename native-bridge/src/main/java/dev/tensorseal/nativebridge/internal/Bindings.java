package dev.tensorseal.nativebridge.internal;

import dev.tensorseal.nativebridge.internal.ffm.FfmOsMemory;
import dev.tensorseal.nativebridge.internal.jna.JnaOsMemory;

/**
 * Picks and loads a binding. Absence (wrong OS, native access not granted, JNA missing) is a
 * value, never a failed class initialisation: the binding classes are touched only after the
 * checks pass, and any linkage error is caught and turned into the reason.
 */
public final class Bindings {
    private Bindings() {}

    /** A loaded binding, or the reason there is none. Exactly one of the two is non-null. */
    public record Loaded(OsMemory os, String unavailableReason) {}

    /** Loads {@code name} ({@code ffm} or {@code jna}). */
    public static Loaded load(String name) {
        if (!name.equals("ffm") && !name.equals("jna")) {
            return new Loaded(null, "unknown binding '" + name + "' (tensorseal.native must be ffm or jna)");
        }
        String unsupported = Linux.unsupportedReason();
        if (unsupported != null) {
            return new Loaded(null, unsupported);
        }
        if (!nativeAccessEnabled()) {
            return new Loaded(null, "native access is not enabled: run java with " + nativeAccessFlag());
        }
        try {
            return new Loaded(name.equals("ffm") ? new FfmOsMemory() : new JnaOsMemory(), null);
        } catch (RuntimeException | LinkageError e) {
            return new Loaded(null, name + " binding failed to load: " + e);
        }
    }

    /** Whether this module (or the class path, when run there) may call restricted methods. */
    public static boolean nativeAccessEnabled() {
        return Bindings.class.getModule().isNativeAccessEnabled();
    }

    /** The {@code --enable-native-access} flag that grants it in the current layout. */
    public static String nativeAccessFlag() {
        Module m = Bindings.class.getModule();
        return "--enable-native-access=" + (m.isNamed() ? m.getName() : "ALL-UNNAMED");
    }
}
