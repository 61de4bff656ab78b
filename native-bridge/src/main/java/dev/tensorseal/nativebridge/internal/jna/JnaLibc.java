package dev.tensorseal.nativebridge.internal.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;

/**
 * glibc through a JNA library interface. Pointers are {@code long}; declaring
 * {@link LastErrorException} makes JNA capture errno for that call on the calling thread.
 */
interface JnaLibc extends Library {
    // void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset);
    long mmap(long addr, long length, int prot, int flags, int fd, long offset) throws LastErrorException;

    // int munmap(void *addr, size_t length);
    int munmap(long addr, long length) throws LastErrorException;

    // int mprotect(void *addr, size_t len, int prot);
    int mprotect(long addr, long length, int prot) throws LastErrorException;

    // int mlock(const void *addr, size_t len);
    int mlock(long addr, long length) throws LastErrorException;

    // int mlock2(const void *addr, size_t len, unsigned int flags);
    int mlock2(long addr, long length, int flags) throws LastErrorException;

    // int munlock(const void *addr, size_t len);
    int munlock(long addr, long length) throws LastErrorException;

    // int madvise(void *addr, size_t length, int advice);
    int madvise(long addr, long length, int advice) throws LastErrorException;

    // long syscall(long number, ...);
    long syscall(long number, Object... args) throws LastErrorException;

    // int ftruncate(int fd, off_t length);
    int ftruncate(int fd, long length) throws LastErrorException;

    // int close(int fd);
    int close(int fd) throws LastErrorException;

    // int getrlimit(int resource, struct rlimit *rlim);
    int getrlimit(int resource, long[] rlim) throws LastErrorException;

    // int setrlimit(int resource, const struct rlimit *rlim);
    int setrlimit(int resource, long[] rlim) throws LastErrorException;

    // int prctl(int option, ...);
    int prctl(int option, Object... args) throws LastErrorException;

    // void explicit_bzero(void *s, size_t n);
    void explicit_bzero(long addr, long length);

    // long sysconf(int name);
    long sysconf(int name);

    // char *strerror(int errnum);
    String strerror(int errnum);
}
