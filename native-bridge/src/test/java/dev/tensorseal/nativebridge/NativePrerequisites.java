package dev.tensorseal.nativebridge;

import dev.tensorseal.testing.Prerequisites;
import dev.tensorseal.vectors.VectorFiles;
import java.nio.file.Path;

/** This module's optional prerequisites (see {@link Prerequisites}: skipped outside CI, failed under it). */
final class NativePrerequisites {
    private NativePrerequisites() {}

    /**
     * The NIST GCM file {@code name} (found by test-vectors' {@link VectorFiles}, which honours
     * -Dtensorseal.vectors.dir and TENSORSEAL_VECTORS_DIR).
     */
    static Path requireNistGcm(String name) {
        String relative = "ciphers/AES/GCM/" + name;
        Prerequisites.require(VectorFiles.find(relative).isPresent(), "NIST GCM vectors: " + VectorFiles.missingReason(relative));
        return VectorFiles.find(relative).orElseThrow();
    }

    static void requireHostLibrary() {
        Prerequisites.require(GcmHost.unavailableReason().isEmpty(), "host GCM library unavailable: "
                + GcmHost.unavailableReason().orElse(""));
    }
}
