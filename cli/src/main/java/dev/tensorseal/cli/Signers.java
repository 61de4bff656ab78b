package dev.tensorseal.cli;

import dev.tensorseal.Signer;
import dev.tensorseal.internal.signing.SigningKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code --signer PUB}: the one-line public key text, or a file holding it, a PUBLIC KEY PEM or a CERTIFICATE PEM. */
final class Signers {
    static final String HELP = "--signer PUB: " + SigningKeys.TEXT_PREFIX + "... (what keygen --signing-key prints), or a file holding it,"
            + " a PUBLIC KEY PEM or a CERTIFICATE PEM";

    private Signers() {}

    static Signer parse(String arg) throws IOException {
        if (arg.startsWith(SigningKeys.TEXT_PREFIX)) {
            return Signer.parse(arg);
        }
        Path p = Path.of(arg);
        if (!Files.isRegularFile(p)) {
            throw new UsageException("--signer: '" + arg + "' is neither " + SigningKeys.TEXT_PREFIX + "... nor a readable file");
        }
        return Signer.fromFile(p);
    }
}
