package dev.tensorseal.nativebridge.internal.ffm;

import dev.tensorseal.nativebridge.internal.Linux;

/** Positional file reads over the FFM {@link Libc} bindings, for {@code PositionalFile}. */
public final class FfmFiles {
    private FfmFiles() {}

    /** Opens {@code path} read-only (close-on-exec); the descriptor. */
    public static int openReadOnly(String path) {
        return Libc.open(path, Linux.O_RDONLY | Linux.O_CLOEXEC);
    }

    /** {@code pread}: bytes read into {@code address} (up to {@code count}), 0 at end of file. */
    public static long pread(int fd, long address, long count, long offset) {
        return Libc.pread(fd, address, count, offset);
    }

    public static void close(int fd) {
        Libc.close(fd);
    }
}
