package dev.tensorseal.nativebridge.internal.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import dev.tensorseal.nativebridge.NativeException;
import dev.tensorseal.nativebridge.internal.Linux;
import dev.tensorseal.nativebridge.internal.OsMemory;
import java.util.function.LongSupplier;

/** {@link OsMemory} over JNA: the alternate binding ({@code -Dtensorseal.native=jna}). */
public final class JnaOsMemory implements OsMemory {
    private final JnaLibc libc = Native.load("c", JnaLibc.class);
    private final long pageSizeBytes = libc.sysconf(Linux.SC_PAGESIZE);

    @Override
    public String name() {
        return "jna";
    }

    @Override
    public long pageSizeBytes() {
        return pageSizeBytes;
    }

    @Override
    public long mmapAnonymous(long bytes, int prot) {
        return call("mmap", () -> libc.mmap(0L, bytes, prot,
                Linux.MAP_PRIVATE | Linux.MAP_ANONYMOUS | Linux.MAP_NORESERVE, -1, 0L));
    }

    @Override
    public void mmapSharedFixed(long address, long bytes, int fd) {
        call("mmap", () -> libc.mmap(address, bytes, Linux.PROT_READ | Linux.PROT_WRITE,
                Linux.MAP_SHARED | Linux.MAP_FIXED, fd, 0L));
    }

    @Override
    public void munmap(long address, long bytes) {
        call("munmap", () -> libc.munmap(address, bytes));
    }

    @Override
    public void mprotect(long address, long bytes, int prot) {
        call("mprotect", () -> libc.mprotect(address, bytes, prot));
    }

    @Override
    public void mlock(long address, long bytes) {
        call("mlock", () -> libc.mlock(address, bytes));
    }

    @Override
    public void mlockOnFault(long address, long bytes) {
        try {
            call("mlock2", () -> libc.mlock2(address, bytes, Linux.MLOCK_ONFAULT));
        } catch (UnsatisfiedLinkError e) { // glibc before 2.27
            throw new NativeException("mlock2", Linux.ENOSYS, "not in this libc");
        }
    }

    @Override
    public void munlock(long address, long bytes) {
        call("munlock", () -> libc.munlock(address, bytes));
    }

    @Override
    public void madvise(long address, long bytes, int advice) {
        call("madvise", () -> libc.madvise(address, bytes, advice));
    }

    @Override
    public int memfdSecret() {
        return (int) call("memfd_secret", () -> libc.syscall(Linux.SYS_MEMFD_SECRET, (long) Linux.O_CLOEXEC));
    }

    @Override
    public void ftruncate(int fd, long bytes) {
        call("ftruncate", () -> libc.ftruncate(fd, bytes));
    }

    @Override
    public void close(int fd) {
        call("close", () -> libc.close(fd));
    }

    @Override
    public void explicitBzero(long address, long bytes) {
        libc.explicit_bzero(address, bytes);
    }

    @Override
    public long[] getrlimit(int resource) {
        long[] rlim = new long[2];
        call("getrlimit", () -> libc.getrlimit(resource, rlim));
        return rlim;
    }

    @Override
    public void setrlimit(int resource, long softBytes, long hardBytes) {
        call("setrlimit", () -> libc.setrlimit(resource, new long[] {softBytes, hardBytes}));
    }

    @Override
    public int prctl(int option, long arg2) {
        return (int) call("prctl", () -> libc.prctl(option, arg2, 0L, 0L, 0L));
    }

    /** Runs one call; JNA raises LastErrorException with the errno when the result is -1. */
    private long call(String function, LongSupplier nativeCall) {
        try {
            return nativeCall.getAsLong();
        } catch (LastErrorException e) {
            int errno = e.getErrorCode();
            throw new NativeException(function, errno, libc.strerror(errno));
        }
    }
}
