package dev.tensorseal.nativebridge.internal.ffm;

import dev.tensorseal.nativebridge.internal.Linux;
import java.lang.foreign.MemorySegment;

/** Positional file reads over the FFM {@link Libc} bindings, for {@code PositionalFile}. */
public final class FfmFiles {
    private FfmFiles() {}

    /**
     * Opens {@code path} read-only, close-on-exec and non-blocking (a FIFO swapped in for the file must not block the
     * open; for a regular file the flag changes nothing); the descriptor.
     */
    public static int openReadOnly(String path) {
        return Libc.open(path, Linux.O_RDONLY | Linux.O_CLOEXEC | Linux.O_NONBLOCK);
    }

    /** {@code pread}: bytes read into {@code target} (up to its size), 0 at end of file. */
    public static long pread(int fd, MemorySegment target, long offset) {
        return Libc.pread(fd, target, offset);
    }

    public static void close(int fd) {
        Libc.close(fd);
    }
}
