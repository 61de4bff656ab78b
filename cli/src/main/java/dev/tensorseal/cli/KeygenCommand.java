package dev.tensorseal.cli;

import dev.tensorseal.KeySource;
import dev.tensorseal.SealedFile;
import dev.tensorseal.internal.crypto.SecretBytes;
import dev.tensorseal.internal.tseal.TsealWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code tensorseal keygen --out FILE}: 32 random bytes in a new file that only its owner can read; with
 * {@code --recipient-key}, a recipient's private key there instead and its public key printed as the last line.
 */
final class KeygenCommand implements Command {
    @Override
    public String name() {
        return "keygen";
    }

    @Override
    public String summary() {
        return "write a new random 256-bit key file (mode 0600; never overwrites)";
    }

    @Override
    public String usage() {
        return "usage: tensorseal keygen --out FILE [--recipient-key [--suite x25519|p256|p384]]\n"
                + "Writes 32 random bytes to FILE, created with mode 0600. Refuses to replace an existing file.\n"
                + "--recipient-key: writes a recipient's private key (an identity; HPKE suite x25519 by default) to FILE\n"
                + "instead, and prints its public key as the last line (tseal1-SUITE-...), for seal --recipient.";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        Args a = Args.parse(args, Set.of("--out", "--suite"), Set.of("--quiet", "--recipient-key"),
                Map.of("-o", "--out", "-q", "--quiet"));
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
