package dev.tensorseal.nativebridge;

import java.util.Locale;

/** What to do when a protection cannot be applied (pages cannot be locked, don't-dump refused). */
public enum MemoryPolicy {
    /** Refuse: the allocation fails with a {@link NativeException} that names the limit. */
    STRICT,
    /**
     * Degrade: keep every other protection, warn once through {@link System.Logger}, and count
     * what is missing in {@link MemoryStatus}. The default.
     */
    BEST_EFFORT;

    /** The system property that selects the policy: {@code strict} or {@code best-effort}. */
    public static final String PROPERTY = "tensorseal.memory.policy";

    /** Parses {@code strict} / {@code best-effort} (case-insensitive, {@code _} accepted for {@code -}). */
    public static MemoryPolicy parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "strict" -> STRICT;
            case "best-effort" -> BEST_EFFORT;
            default -> throw new IllegalArgumentException(
                    "memory policy must be strict or best-effort, got '" + text + "'");
        };
    }

    /** The policy named by {@value #PROPERTY}, or {@link #BEST_EFFORT} when unset. */
    public static MemoryPolicy fromSystemProperty() {
        String value = System.getProperty(PROPERTY);
        return value == null || value.isBlank() ? BEST_EFFORT : parse(value);
    }

    /** The spelling {@link #parse} accepts. */
    public String label() {
        return this == STRICT ? "strict" : "best-effort";
    }
}
