package dev.tensorseal.nativebridge;

import dev.tensorseal.nativebridge.internal.ffm.FfmFiles;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.lang.foreign.MemorySegment;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A file read with {@code pread(2)} at explicit offsets, into memory the caller owns. Why not the JDK: reading
 * a file's mapping faults (SIGBUS) once the file is truncated under it, which kills native code and reaches
 * Java code as an asynchronous {@link InternalError} at an unpredictable later point; and a
 * {@code FileChannel} is closed for every user when one reading thread is interrupted. A {@code pread} of a
 * shrunk file simply returns fewer bytes. Thread-safe: reads may run concurrently; {@link #close} waits for
 * them, so a descriptor is never closed (and its number reused) under a read in flight.
 */
public final class PositionalFile implements AutoCloseable {
    private static final int ENOENT = 2;
    private static final int EACCES = 13;
    private static final Cleaner CLEANER = Cleaner.create();
    private final int fd;
    private final ReentrantReadWriteLock inFlight = new ReentrantReadWriteLock();
    /** Closes the descriptor once: at {@link #close}, or when this object is unreachable (a store never closed). */
    private final Cleaner.Cleanable descriptor;
    private boolean closed;

    private PositionalFile(int fd) {
        this.fd = fd;
        this.descriptor = CLEANER.register(this, new Closer(fd));
    }

    /** The cleaning action: holds the number, not the object, so the object can become unreachable. */
    private record Closer(int fd) implements Runnable {
        @Override
        public void run() {
            FfmFiles.close(fd);
        }
    }

    /**
     * Opens {@code path} for reading, or empty when the FFM binding cannot run (no native access for this
     * module, not Linux): the caller falls back to the JDK.
     *
     * @throws NoSuchFileException, AccessDeniedException or FileSystemException (with errno's text) when
     *         {@code open(2)} fails, as the JDK's own file API would; FileSystemException when what was opened is
     *         not a regular file (checked on the open descriptor, so a FIFO swapped in after a check cannot block)
     */
    public static Optional<PositionalFile> open(Path path) throws IOException {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return Optional.empty();
        }
        int fd;
        try {
            fd = FfmFiles.openReadOnly(path.toAbsolutePath().toString());
        } catch (IllegalCallerException | UnsatisfiedLinkError | ExceptionInInitializerError | NoClassDefFoundError e) {
            return Optional.empty(); // native access denied for this module, or no libc symbol
        } catch (NativeException e) {
            throw switch (e.code()) {
                case ENOENT -> new NoSuchFileException(path.toString());
                case EACCES -> new AccessDeniedException(path.toString());
                default -> new FileSystemException(path.toString(), null, e.getMessage());
            };
        }
        PositionalFile file = new PositionalFile(fd);
        if (!Files.isRegularFile(file.path())) { // stat of /proc/self/fd/N: the descriptor's own file
            file.close();
            throw new FileSystemException(path.toString(), null, "not a regular file");
        }
        return Optional.of(file);
    }

    /**
     * A path that names this very open file ({@code /proc/self/fd/N}): opening it gives the same file even if
     * {@code path} has since been renamed over or removed, so a mapping made through it shows what this reads.
     */
    public Path path() {
        return Path.of("/proc/self/fd/" + fd);
    }

    /**
     * Reads {@code target.byteSize()} bytes from file offset {@code offsetBytes} into {@code target} (native memory).
     *
     * @return the bytes read: fewer than asked only where the file ends first
     * @throws IllegalStateException after {@link #close}
     * @throws NativeException when {@code pread(2)} fails
     */
    public long read(long offsetBytes, MemorySegment target) {
        if (!target.isNative() || target.isReadOnly()) {
            throw new IllegalArgumentException("pread needs writable native memory, got a " + (target.isNative() ? "read-only" : "heap")
                    + " segment");
        }
        inFlight.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("file is closed");
            }
            long done = 0;
            long want = target.byteSize();
            while (done < want) {
                long n = FfmFiles.pread(fd, target.asSlice(done), offsetBytes + done);
                if (n == 0) {
                    break;
                }
                done += n;
            }
            return done;
        } finally {
            inFlight.readLock().unlock();
        }
    }

    /** Closes the descriptor once no read is in flight. Idempotent. */
    @Override
    public void close() {
        inFlight.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                descriptor.clean();
            }
        } finally {
            inFlight.writeLock().unlock();
        }
    }
}
