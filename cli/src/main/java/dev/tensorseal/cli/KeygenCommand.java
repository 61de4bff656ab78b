package dev.tensorseal.cli;

import dev.tensorseal.KeySource;
import dev.tensorseal.SealedFile;
import dev.tensorseal.internal.crypto.SecretBytes;
import dev.tensorseal.internal.signing.SigningKeyFile;
import dev.tensorseal.internal.signing.SigningKeys;
import dev.tensorseal.internal.tseal.TsealWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code tensorseal keygen --out FILE}: 32 random bytes in a new file that only its owner can read; with
 * {@code --recipient-key}, a recipient's private key there instead and its public key printed as the last line; with
 * {@code --signing-key}, an ECDSA P-256 signing key (PKCS#8 PEM, 0600) whose public key is the last line printed.
 */
final class KeygenCommand implements Command {
    @Override
    public String name() {
        return "keygen";
    }

    @Override
    public String summary() {
        return "write a new 256-bit key file, a recipient identity or a signing key (mode 0600; never overwrites)";
    }

    @Override
    public String usage() {
        return "usage: tensorseal keygen --out FILE\n"
                + "       tensorseal keygen --recipient-key [--suite x25519|p256|p384] --out FILE\n"
                + "       tensorseal keygen --signing-key --out FILE\n"
                + "Writes 32 random bytes to FILE, created with mode 0600. Refuses to replace an existing file.\n"
                + "--recipient-key: writes a recipient's private key (an identity; HPKE suite x25519 by default) to FILE\n"
                + "instead, and prints its public key as the last line (tseal1-SUITE-...), for seal --recipient.\n"
                + "--signing-key: writes an ECDSA P-256 private key (PKCS#8 PEM, mode 0600) for tensorseal sign, and prints its\n"
                + "public key as the last line (" + SigningKeys.TEXT_PREFIX + "...: give it to verify --signer).";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        Args a = Args.parse(args, Set.of("--out", "--suite"), Set.of("--quiet", "--recipient-key", "--signing-key"),
                Map.of("-o", "--out", "-q", "--quiet"));
        if (a.flag("--recipient-key") && a.flag("--signing-key")) {
            throw new UsageException("give --recipient-key or --signing-key, not both");
        }
        a.noPositional();
        if (a.value("--suite").isPresent() && !a.flag("--recipient-key")) {
            throw new UsageException("--suite applies to --recipient-key only");
        }
        Path target = Paths.output(a.required("--out"), true);
        if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new UsageException(target + " already exists (keygen never replaces a key file)");
        }
        if (a.flag("--recipient-key")) {
            String publicKey;
            try {
                publicKey = SealedFile.newIdentity(target, a.value("--suite").orElse("x25519"));
            } catch (FileAlreadyExistsException e) {
                throw new UsageException(target + " already exists (keygen never replaces a key file)");
            }
            out.println("wrote a new recipient identity to " + target + " (mode 0600); keep it secret and backed up");
            out.println("public key:");
            out.println(publicKey);
            return 0;
        }
        if (a.flag("--signing-key")) {
            PublicKey pub;
            try {
                pub = SigningKeyFile.create(target);
            } catch (FileAlreadyExistsException e) {
                throw new UsageException(target + " already exists (keygen never replaces a key file)");
            }
            out.println("wrote a new ECDSA P-256 signing key to " + target + " (mode 0600); keep it secret. Public key:");
            out.println(SigningKeys.text(pub));
            return 0;
        }
        // The key goes into a private temporary file first (removed on an error or a catchable signal), then is
        // linked in: the name appears complete or not at all, and link(2) fails rather than replace a file.
        try (SecretBytes key = SecretBytes.random(KeySource.KEY_BYTES, new SecureRandom())) {
            TsealWriter.atomicWrite(target, false, null, ch -> {
                ByteBuffer b = key.insecureSegment().asByteBuffer();
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            });
        } catch (FileAlreadyExistsException e) {
            throw new UsageException(target + " already exists (keygen never replaces a key file)");
        }
        out.println("wrote a new 256-bit key to " + target + " (mode 0600); keep it secret and backed up");
        return 0;
    }
}
