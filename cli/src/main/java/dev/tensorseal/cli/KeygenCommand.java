package dev.tensorseal.cli;

import dev.tensorseal.KeySource;
import dev.tensorseal.internal.crypto.SecretBytes;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code tensorseal keygen --out FILE}: 32 random bytes in a new file that only its owner can read. */
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
        return "usage: tensorseal keygen --out FILE\n"
                + "Writes 32 random bytes to FILE, created with mode 0600. Refuses to replace an existing file.";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        Args a = Args.parse(args, Set.of("--out"), Set.of("--quiet"), Map.of("-o", "--out", "-q", "--quiet"));
        a.noPositional();
        Path target = Paths.output(a.required("--out"), true);
        if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new UsageException(target + " already exists (keygen never replaces a key file)");
        }
        Path dir = target.toAbsolutePath().getParent();
        // The key goes into a private temporary file first, then is linked in: the name appears complete or not at
        // all, and link(2) fails rather than replace a file that appeared meanwhile.
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            try (SecretBytes key = SecretBytes.random(KeySource.KEY_BYTES, new SecureRandom());
                    FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer b = key.insecureSegment().asByteBuffer();
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            try {
                Files.createLink(target, tmp);
            } catch (FileAlreadyExistsException e) {
                throw new UsageException(target + " already exists (keygen never replaces a key file)");
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        out.println("wrote a new 256-bit key to " + target + " (mode 0600); keep it secret and backed up");
        return 0;
    }
}
