package dev.tensorseal.nativebridge.internal.ffm;

import dev.tensorseal.nativebridge.internal.Linux;
import dev.tensorseal.nativebridge.internal.OsMemory;

/** {@link OsMemory} over the FFM {@link Libc} bindings: the default binding. */
public final class FfmOsMemory implements OsMemory {
    private final long pageSizeBytes = Libc.sysconf(Linux.SC_PAGESIZE);

    @Override
    public String name() {
        return "ffm";
    }

    @Override
    public long pageSizeBytes() {
        return pageSizeBytes;
    }

    @Override
    public long mmapAnonymous(long bytes, int prot) {
        return Libc.mmap(0L, bytes, prot, Linux.MAP_PRIVATE | Linux.MAP_ANONYMOUS | Linux.MAP_NORESERVE, -1, 0L);
    }

    @Override
    public void mmapSharedFixed(long address, long bytes, int fd) {
        Libc.mmap(address, bytes, Linux.PROT_READ | Linux.PROT_WRITE, Linux.MAP_SHARED | Linux.MAP_FIXED, fd, 0L);
    }

    @Override
    public void munmap(long address, long bytes) {
        Libc.munmap(address, bytes);
    }

    @Override
    public void mprotect(long address, long bytes, int prot) {
        Libc.mprotect(address, bytes, prot);
    }

    @Override
    public void mlock(long address, long bytes) {
        Libc.mlock(address, bytes);
    }

    @Override
    public void mlockOnFault(long address, long bytes) {
        Libc.mlock2(address, bytes, Linux.MLOCK_ONFAULT);
    }

    @Override
    public void munlock(long address, long bytes) {
        Libc.munlock(address, bytes);
    }

    @Override
    public void madvise(long address, long bytes, int advice) {
        Libc.madvise(address, bytes, advice);
    }

    @Override
    public int memfdSecret() {
        return (int) Libc.syscall("memfd_secret", Linux.SYS_MEMFD_SECRET, Linux.O_CLOEXEC);
    }

    @Override
    public void ftruncate(int fd, long bytes) {
        Libc.ftruncate(fd, bytes);
    }

    @Override
    public void close(int fd) {
        Libc.close(fd);
    }

    @Override
    public void explicitBzero(long address, long bytes) {
        Libc.explicit_bzero(address, bytes);
    }

    @Override
    public long[] getrlimit(int resource) {
        return Libc.getrlimit(resource);
    }

    @Override
    public void setrlimit(int resource, long softBytes, long hardBytes) {
        Libc.setrlimit(resource, softBytes, hardBytes);
    }

    @Override
    public int prctl(int option, long arg2) {
        return Libc.prctl(option, arg2);
    }
}
