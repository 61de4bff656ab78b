package dev.tensorseal.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Up-front checks on the files a command reads and writes, so mistakes surface as one clear line. */
final class Paths {
    private Paths() {}

    /** An existing, readable regular file. */
    static Path input(String arg) {
        Path p = Path.of(arg);
        if (!Files.exists(p)) {
            throw new UsageException("no such file: " + p);
        }
        if (Files.isDirectory(p)) {
            throw new UsageException(p + " is a directory, expected a file");
        }
        if (!Files.isRegularFile(p)) {
            // Opening a FIFO for reading waits for a writer: refuse instead of hanging.
            throw new UsageException(p + " is not a regular file (a FIFO, socket or device): refused, reading it could block");
        }
        if (!Files.isReadable(p)) {
            throw new UsageException("cannot read " + p + ": permission denied");
        }
        return p;
    }

    /**
     * A file to create: its folder must exist; an existing file is replaced only with {@code replace}
     * (the replacement is atomic: the old file stays until the new one is complete).
     */
    static Path output(String arg, boolean replace) {
        Path p = Path.of(arg);
        Path dir = p.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new UsageException("output folder " + (dir == null ? p : dir) + " does not exist");
        }
        if (!Files.isWritable(dir)) {
            throw new UsageException("cannot write in " + dir + ": permission denied");
        }
        if (Files.isDirectory(p)) {
            throw new UsageException(p + " is a directory, expected a file name");
        }
        if (Files.exists(p) && !replace) {
            throw new UsageException(p + " already exists (pass --force to replace it)");
        }
        return p;
    }
}
