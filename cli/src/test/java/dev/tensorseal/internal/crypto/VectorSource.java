package dev.tensorseal.internal.crypto;

import static org.junit.jupiter.api.Assertions.fail;

import dev.tensorseal.vectors.VectorFiles;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/** Finds a file of the large published sets; a missing one skips (with the reason printed), or fails under CI. */
final class VectorSource {
    private VectorSource() {}

    static boolean underCi() {
        return "true".equalsIgnoreCase(System.getProperty("tensorseal.ci")) || "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * The CPU engines to check: {@link Engines#NAMES} (jce, bc, and ossl where OpenSSL 3 libcrypto loads). Under CI
     * a missing ossl fails (CI machines have libcrypto.so.3); elsewhere the reason is printed.
     */
    static java.util.List<String> engines() {
        String why = OsslGcmEngine.unavailableReason();
        if (why != null) {
            if (underCi()) {
                fail("under CI the ossl engine must load: " + why);
            }
            System.out.println("ossl engine not tested here: " + why);
        }
        return Engines.NAMES;
    }

    static Path require(String relative) {
        Optional<Path> p = VectorFiles.find(relative);
        if (p.isPresent()) {
            return p.get();
        }
        String reason = VectorFiles.missingReason(relative);
        if (underCi()) {
            fail("under CI the published vectors must be installed: " + reason);
        }
        System.out.println("SKIPPED: " + reason);
        Assumptions.abort(reason);
        throw new AssertionError("unreachable");
    }
}
