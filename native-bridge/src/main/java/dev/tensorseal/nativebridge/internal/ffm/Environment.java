package dev.tensorseal.nativebridge.internal.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The process environment through libc (exported to core only): a variable's value read in place, never as a
 * Java String, and scrubbed in place after use.
 */
public final class Environment {
    private Environment() {}

    /** Null when the calls below work here, else why not. */
    public static String unavailableReason() {
        return LibcAvailability.unavailableReason();
    }

    /** {@code variable}'s value bytes, a view of the process environment (not a copy), or null when unset. */
    public static MemorySegment value(String variable) {
        LibcAvailability.require();
        try (Arena arena = Arena.ofConfined()) {
            return Libc.getenv(arena.allocateFrom(variable));
        }
    }

    /**
     * Overwrites {@code variable}'s value with zero bytes where it lies, then unsets it; false when it was not set.
     * The value that {@code getenv} points into is the string {@code /proc/PID/environ} shows for a variable the
     * process started with (unsetenv alone only drops the pointer from {@code environ}, leaving the bytes there),
     * so this is what removes the value from {@code /proc/PID/environ}. The writes stay inside the value's own
     * bytes; other variables and the {@code environ} array are untouched until {@code unsetenv}.
     */
    public static boolean scrub(String variable) {
        LibcAvailability.require();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocateFrom(variable);
            MemorySegment value = Libc.getenv(name);
            if (value == null) {
                return false;
            }
            Libc.explicit_bzero(value.address(), value.byteSize());
            Libc.unsetenv(name);
            return true;
        }
    }
}
