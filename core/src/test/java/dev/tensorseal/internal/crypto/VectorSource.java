package dev.tensorseal.internal.crypto;

import dev.tensorseal.testing.Prerequisites;
import dev.tensorseal.vectors.VectorFiles;
import java.nio.file.Path;
import java.util.Optional;

/** Finds a file of the large published sets; a missing one skips (with the reason printed), or fails under CI. */
final class VectorSource {
    private VectorSource() {}

    /**
     * The CPU engines to check: {@link Engines#NAMES} (jce, bc, and ossl where OpenSSL 3 libcrypto loads). Under CI
     * a missing ossl fails (CI machines have libcrypto.so.3); elsewhere the reason is printed.
     */
    static java.util.List<String> engines() {
        String why = OsslGcmEngine.unavailableReason();
        Prerequisites.optional(why == null, "ossl engine not tested here: " + why);
        return Engines.NAMES;
    }

    static Path require(String relative) {
        Optional<Path> p = VectorFiles.find(relative);
        Prerequisites.require(p.isPresent(), "published vectors: " + VectorFiles.missingReason(relative));
        return p.orElseThrow();
    }
}
