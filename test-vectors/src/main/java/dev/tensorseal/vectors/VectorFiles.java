package dev.tensorseal.vectors;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where the large published sets are: python-cryptography's {@code cryptography_vectors} folder
 * (Debian package {@code python3-cryptography-vectors}). Overridden by the system property
 * {@value #PROPERTY}, then the environment variable {@value #ENV}.
 */
public final class VectorFiles {
    public static final String PROPERTY = "tensorseal.vectors.dir";
    public static final String ENV = "TENSORSEAL_VECTORS_DIR";
    public static final Path DEFAULT = Path.of("/usr/lib/python3/dist-packages/cryptography_vectors");

    /** The six NIST CAVP GCM files, relative to the root. */
    public static final List<String> NIST_GCM = List.of(
            "ciphers/AES/GCM/gcmDecrypt128.rsp", "ciphers/AES/GCM/gcmDecrypt192.rsp", "ciphers/AES/GCM/gcmDecrypt256.rsp",
            "ciphers/AES/GCM/gcmEncryptExtIV128.rsp", "ciphers/AES/GCM/gcmEncryptExtIV192.rsp", "ciphers/AES/GCM/gcmEncryptExtIV256.rsp");

    /** The RFC 5869 SHA-256 cases, relative to the root. */
    public static final String RFC5869_SHA256 = "KDF/rfc-5869-HKDF-SHA256.txt";

    /** The folder of NIST's SP 800-38F key wrap files, relative to the root. */
    public static final String NIST_KEY_WRAP_DIR = "keywrap/kwtestvectors";

    private VectorFiles() {}

    /** The configured root, whether or not it exists. */
    public static Path root() {
        String p = System.getProperty(PROPERTY);
        if (p == null || p.isBlank()) {
            p = System.getenv(ENV);
        }
        return (p == null || p.isBlank()) ? DEFAULT : Path.of(p);
    }

    /** {@code relative} under the root, if that file exists and is readable. */
    public static Optional<Path> find(String relative) {
        Path f = root().resolve(relative);
        return Files.isReadable(f) ? Optional.of(f) : Optional.empty();
    }

    /** Why {@link #find} found nothing: names the path and how to point elsewhere. */
    public static String missingReason(String relative) {
        return root().resolve(relative) + " is missing: install Debian's python3-cryptography-vectors, or set -D" + PROPERTY
                + " or " + ENV;
    }
}
