package dev.tensorseal.nativebridge;

import java.util.Objects;

/**
 * Whether an optional native facility (the CUDA driver, NVML, the GPU kernel) can be used here, and
 * if not, why. Absence is a value, never an exception: {@code toString()} is {@code available} or
 * {@code unavailable: <reason>}.
 *
 * @param reason why it is unavailable; empty when available
 */
public record Availability(String reason) {
    public Availability {
        Objects.requireNonNull(reason, "reason");
    }

    /** An available facility. */
    public static Availability yes() {
        return new Availability("");
    }

    /** An unavailable facility, with a reason a user can act on. */
    public static Availability no(String reason) {
        if (reason.isEmpty()) {
            throw new IllegalArgumentException("an unavailable facility needs a reason");
        }
        return new Availability(reason);
    }

    public boolean isAvailable() {
        return reason.isEmpty();
    }

    @Override
    public String toString() {
        return isAvailable() ? "available" : "unavailable: " + reason;
    }
}
