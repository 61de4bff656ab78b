package dev.tensorseal.nativebridge;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Missing prerequisites: a failure under CI (it installs them), a printed skip elsewhere. */
final class Prerequisites {
    private Prerequisites() {}

    static boolean ci() {
        return "true".equals(System.getProperty("tensorseal.ci")) || "true".equals(System.getenv("CI"));
    }

    static void require(boolean present, String what) {
        if (present) {
            return;
        }
        if (ci()) {
            fail(what + " (CI must provide it)");
        }
        System.out.println("SKIPPED: " + what);
        Assumptions.abort(what);
    }

    /**
     * The NIST GCM file {@code name} (under {@link GpuCheck#nistGcmDir()}, which honours -Dtensorseal.vectors.dir and
     * TENSORSEAL_VECTORS_DIR); a missing one skips with the reason, or fails under CI naming the Debian package.
     */
    static Path requireNistGcm(String name) {
        Path file = GpuCheck.nistGcmDir().resolve(name);
        require(Files.isReadable(file), "NIST GCM vectors missing: " + file + " is not readable (install Debian's"
                + " python3-cryptography-vectors, or point -D" + GpuCheck.VECTORS_PROPERTY + " / " + GpuCheck.VECTORS_ENV
                + " at a copy of its cryptography_vectors folder)");
        return file;
    }

    static void requireHostLibrary() {
        require(GcmHost.unavailableReason().isEmpty(), "host GCM library unavailable: "
                + GcmHost.unavailableReason().orElse(""));
    }
}
