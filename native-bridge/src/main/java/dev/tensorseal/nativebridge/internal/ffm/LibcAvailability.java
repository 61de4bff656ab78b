package dev.tensorseal.nativebridge.internal.ffm;

import dev.tensorseal.nativebridge.NativeException;
import dev.tensorseal.nativebridge.internal.Bindings;
import dev.tensorseal.nativebridge.internal.Linux;

/** Whether {@link Libc} can be bound here, decided once; absence is a reason, never a failed class initialisation. */
final class LibcAvailability {
    private LibcAvailability() {}

    private static final class Holder {
        static final String REASON = probe();

        private static String probe() {
            String unsupported = Linux.unsupportedReason();
            if (unsupported != null) {
                return unsupported;
            }
            if (!Bindings.nativeAccessEnabled()) {
                return "native access is not enabled: run java with " + Bindings.nativeAccessFlag();
            }
            try {
                Libc.sysconf(Linux.SC_PAGESIZE); // initialises Libc: every symbol is bound, or this throws
                return null;
            } catch (RuntimeException | LinkageError e) {
                return "libc binding failed to load: " + e;
            }
        }
    }

    /** Null when {@link Libc} works here, else why not. */
    static String unavailableReason() {
        return Holder.REASON;
    }

    /** Throws the bridge's {@link NativeException} (as every failed call does) when libc cannot be bound here. */
    static void require() {
        String reason = Holder.REASON;
        if (reason != null) {
            throw new NativeException("libc", 0, "unavailable: " + reason);
        }
    }
}
