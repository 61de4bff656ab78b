package dev.tensorseal.internal.crypto;

import java.util.function.Supplier;

/**
 * One entry of the engine registry ({@link GcmEngine#registry()}): what docs, the CLI's {@code doctor}, {@code bench}
 * and {@code --engine} help, and the tests read instead of listing engine names by hand.
 */
public final class EngineSpec {
    private final String name;
    private final String description;
    private final boolean inPlace;
    private final Supplier<String> probe;
    private final Supplier<GcmEngine> engine;

    EngineSpec(String name, String description, boolean inPlace, Supplier<String> probe, Supplier<GcmEngine> engine) {
        this.name = name;
        this.description = description;
        this.inPlace = inPlace;
        this.probe = probe;
        this.engine = engine;
    }

    /** What {@code TensorStore.Builder.engine} and {@code --engine} take: {@code jce}, {@code bc}, {@code ossl}, {@code vaes}. */
    public String name() {
        return name;
    }

    /** One line for help texts and reports: what implements it and where plaintext passes. */
    public String description() {
        return description;
    }

    /**
     * Whether it is native code working on off-heap memory in place (no plaintext or key byte on the Java heap); the
     * others stage chunks through zeroed heap arrays (SECURITY.md).
     */
    public boolean inPlace() {
        return inPlace;
    }

    /** Null when it runs here; otherwise why not (no libcrypto, a CPU without VAES, no native access...). */
    public String unavailableReason() {
        return probe.get();
    }

    public boolean available() {
        return unavailableReason() == null;
    }

    /** The engine; call only when {@link #available()}. */
    GcmEngine engine() {
        return engine.get();
    }

    @Override
    public String toString() {
        return name;
    }
}
