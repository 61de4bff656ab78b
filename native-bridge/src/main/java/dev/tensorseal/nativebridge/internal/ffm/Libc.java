package dev.tensorseal.nativebridge.internal.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.tensorseal.nativebridge.NativeException;
import dev.tensorseal.nativebridge.internal.Linux;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * glibc, bound with FFM. Pointers are passed as {@code long} (same ABI as {@code void *} on the
 * 64-bit targets we support). Calls that set errno capture it in a segment allocated per call:
 * a shared static capture segment would race between threads.
 */
@SuppressWarnings("restricted") // binding libc is what this class is for
final class Libc {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(PathElement.groupElement("errno"));

    // void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset);
    private static final MethodHandle mmap = errnoSetting("mmap",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    // int munmap(void *addr, size_t length);
    private static final MethodHandle munmap = errnoSetting("munmap",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    // int mprotect(void *addr, size_t len, int prot);
    private static final MethodHandle mprotect = errnoSetting("mprotect",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    // int mlock(const void *addr, size_t len);
    private static final MethodHandle mlock = errnoSetting("mlock",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    // int mlock2(const void *addr, size_t len, unsigned int flags); glibc 2.27 and later: optional
    private static final MethodHandle mlock2 = LINKER.defaultLookup().find("mlock2").map(a -> LINKER.downcallHandle(a,
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT), Linker.Option.captureCallState("errno")))
            .orElse(null);
    // int munlock(const void *addr, size_t len);
    private static final MethodHandle munlock = errnoSetting("munlock",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    // int madvise(void *addr, size_t length, int advice);
    private static final MethodHandle madvise = errnoSetting("madvise",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    // long syscall(long number, ...);
    private static final MethodHandle syscall = errnoSetting("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), Linker.Option.firstVariadicArg(1));
    // int ftruncate(int fd, off_t length);
    private static final MethodHandle ftruncate = errnoSetting("ftruncate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    // int open(const char *pathname, int flags, ...);
    private static final MethodHandle open = errnoSetting("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    // ssize_t pread(int fd, void *buf, size_t count, off_t offset);
    private static final MethodHandle pread = errnoSetting("pread",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    // int close(int fd);
    private static final MethodHandle close = errnoSetting("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    // int getrlimit(int resource, struct rlimit *rlim);
    private static final MethodHandle getrlimit = errnoSetting("getrlimit",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    // int setrlimit(int resource, const struct rlimit *rlim);
    private static final MethodHandle setrlimit = errnoSetting("setrlimit",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    // int prctl(int option, ...);
    private static final MethodHandle prctl = errnoSetting("prctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1));
    // void explicit_bzero(void *s, size_t n);
    private static final MethodHandle explicit_bzero = plain("explicit_bzero",
            FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG));
    // long sysconf(int name);
    private static final MethodHandle sysconf = plain("sysconf",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
    // char *getenv(const char *name); sets no errno: NULL means unset
    private static final MethodHandle getenv = plain("getenv",
            FunctionDescriptor.of(ADDRESS, ADDRESS));
    // size_t strlen(const char *s);
    private static final MethodHandle strlen = plain("strlen",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS));
    // int unsetenv(const char *name);
    private static final MethodHandle unsetenv = errnoSetting("unsetenv",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    // char *strerror(int errnum);
    private static final MethodHandle strerror = plain("strerror",
            FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private Libc() {}

    private static MethodHandle errnoSetting(String name, FunctionDescriptor fd, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = Linker.Option.captureCallState("errno");
        System.arraycopy(extra, 0, options, 1, extra.length);
        return LINKER.downcallHandle(symbol(name), fd, options);
    }

    private static MethodHandle plain(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(symbol(name), fd);
    }

    private static MemorySegment symbol(String name) {
        return LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
    }

    static long mmap(long addr, long length, int prot, int flags, int fd, long offset) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            long result = (long) mmap.invokeExact(state, addr, length, prot, flags, fd, offset);
            if (result == -1L) {
                throw failure("mmap", state);
            }
            return result;
        } catch (Throwable t) {
            throw rethrow("mmap", t);
        }
    }

    static void munmap(long addr, long length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            check("munmap", (int) munmap.invokeExact(state, addr, length), state);
        } catch (Throwable t) {
            throw rethrow("munmap", t);
        }
    }

    static void mprotect(long addr, long length, int prot) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            check("mprotect", (int) mprotect.invokeExact(state, addr, length, prot), state);
        } catch (Throwable t) {
            throw rethrow("mprotect", t);
        }
    }

    static void mlock(long addr, long length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            check("mlock", (int) mlock.invokeExact(state, addr, length), state);
        } catch (Throwable t) {
            throw rethrow("mlock", t);
        }
    }

    static void mlock2(long addr, long length, int flags) {
        if (mlock2 == null) {
            throw new NativeException("mlock2", Linux.ENOSYS, "not in this libc");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            check("mlock2", (int) mlock2.invokeExact(state, addr, length, flags), state);
        } catch (Throwable t) {
            throw rethrow("mlock2", t);
        }
    }

    static void munlock(long addr, long length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            check("munlock", (int) munlock.invokeExact(state, addr, length), state);
        } catch (Throwable t) {
            throw rethrow("munlock", t);
        }
    }

    static void madvise(long addr, long length, int advice) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            check("madvise", (int) madvise.invokeExact(state, addr, length, advice), state);
        } catch (Throwable t) {
            throw rethrow("madvise", t);
        }
    }

    /** {@code syscall(number, arg)}: the one-argument form memfd_secret needs. */
    static long syscall(String function, long number, long arg) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            long result = (long) syscall.invokeExact(state, number, arg);
            if (result == -1L) {
                throw failure(function, state);
            }
            return result;
        } catch (Throwable t) {
            throw rethrow(function, t);
        }
    }

    static void ftruncate(int fd, long length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            check("ftruncate", (int) ftruncate.invokeExact(state, fd, length), state);
        } catch (Throwable t) {
            throw rethrow("ftruncate", t);
        }
    }

    /** {@code open(path, flags)}: the descriptor. */
    static int open(String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int fd = (int) open.invokeExact(state, arena.allocateFrom(path), flags, 0);
            check("open", fd, state);
            return fd;
        } catch (Throwable t) {
            throw rethrow("open", t);
        }
    }

    /**
     * {@code pread(fd, buf, buf.byteSize(), offset)}, retried on EINTR: bytes read, 0 at end of file. {@code buf} is
     * passed as a segment, so its memory stays alive for the call.
     */
    static long pread(int fd, MemorySegment buf, long offset) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            while (true) {
                long n = (long) pread.invokeExact(state, fd, buf, buf.byteSize(), offset);
                if (n >= 0) {
                    return n;
                }
                if ((int) ERRNO.get(state, 0L) != Linux.EINTR) {
                    throw failure("pread", state);
                }
            }
        } catch (Throwable t) {
            throw rethrow("pread", t);
        }
    }

    static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            check("close", (int) close.invokeExact(state, fd), state);
        } catch (Throwable t) {
            throw rethrow("close", t);
        }
    }

    static long[] getrlimit(int resource) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            MemorySegment rlim = arena.allocate(JAVA_LONG, 2);
            check("getrlimit", (int) getrlimit.invokeExact(state, resource, rlim), state);
            return new long[] {rlim.getAtIndex(JAVA_LONG, 0), rlim.getAtIndex(JAVA_LONG, 1)};
        } catch (Throwable t) {
            throw rethrow("getrlimit", t);
        }
    }

    static void setrlimit(int resource, long soft, long hard) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            MemorySegment rlim = arena.allocate(JAVA_LONG, 2);
            rlim.setAtIndex(JAVA_LONG, 0, soft);
            rlim.setAtIndex(JAVA_LONG, 1, hard);
            check("setrlimit", (int) setrlimit.invokeExact(state, resource, rlim), state);
        } catch (Throwable t) {
            throw rethrow("setrlimit", t);
        }
    }

    static int prctl(int option, long arg2) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int result = (int) prctl.invokeExact(state, option, arg2, 0L, 0L, 0L);
            check("prctl", result, state);
            return result;
        } catch (Throwable t) {
            throw rethrow("prctl", t);
        }
    }

    static void explicit_bzero(long addr, long length) {
        try {
            explicit_bzero.invokeExact(addr, length);
        } catch (Throwable t) {
            throw rethrow("explicit_bzero", t);
        }
    }

    static long sysconf(int name) {
        try {
            return (long) sysconf.invokeExact(name);
        } catch (Throwable t) {
            throw rethrow("sysconf", t);
        }
    }

    /** The value of {@code name} (a NUL-terminated C string) as a view of the process environment, or null when unset. */
    static MemorySegment getenv(MemorySegment name) {
        try {
            MemorySegment p = (MemorySegment) getenv.invokeExact(name);
            if (p.equals(MemorySegment.NULL)) {
                return null;
            }
            long n = (long) strlen.invokeExact(p);
            return p.reinterpret(n);
        } catch (Throwable t) {
            throw rethrow("getenv", t);
        }
    }

    static void unsetenv(MemorySegment name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            check("unsetenv", (int) unsetenv.invokeExact(state, name), state);
        } catch (Throwable t) {
            throw rethrow("unsetenv", t);
        }
    }

    static String strerror(int errnum) {
        try {
            MemorySegment text = (MemorySegment) strerror.invokeExact(errnum);
            return text.equals(MemorySegment.NULL) ? "errno " + errnum : text.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            throw rethrow("strerror", t);
        }
    }

    private static void check(String function, int result, MemorySegment state) {
        if (result == -1) {
            throw failure(function, state);
        }
    }

    private static NativeException failure(String function, MemorySegment state) {
        int errno = (int) ERRNO.get(state, 0L);
        return new NativeException(function, errno, strerror(errno));
    }

    private static RuntimeException rethrow(String function, Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new NativeException(function + " could not be called: " + t, t);
    }
}
