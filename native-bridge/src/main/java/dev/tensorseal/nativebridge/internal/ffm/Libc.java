package dev.tensorseal.nativebridge.internal.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.tensorseal.nativebridge.NativeException;
import dev.tensorseal.nativebridge.internal.Linux;
import dev.tensorseal.nativebridge.internal.NativeLibrary;
import dev.tensorseal.nativebridge.internal.OutParameter;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
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
    /** The usual libc contract: -1 is a failure, its cause in the captured errno. */
    private static final OutParameter.Status ERRNO_ON_MINUS_ONE = (function, result, state) -> {
        if (result == -1) {
            throw failure(function, state);
        }
    };
    /** As {@link #ERRNO_ON_MINUS_ONE}, but EINTR passes (the caller calls again). */
    private static final OutParameter.Status RETRY_ON_EINTR = (function, result, state) -> {
        if (result == -1 && (int) ERRNO.get(state, 0L) != Linux.EINTR) {
            throw failure(function, state);
        }
    };
    /** The errno capture followed by a {@code struct rlimit}: the out parameters of getrlimit and setrlimit. */
    private static final StructLayout RLIMIT_CALL = rlimitCall();
    private static final long RLIM_AT = RLIMIT_CALL.byteOffset(PathElement.groupElement("rlim"));

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

    private static StructLayout rlimitCall() {
        MemoryLayout rlim = MemoryLayout.sequenceLayout(2, JAVA_LONG).withName("rlim");
        long gap = -CAPTURE_LAYOUT.byteSize() & 7; // struct rlimit is 8-byte aligned
        return gap == 0 ? MemoryLayout.structLayout(CAPTURE_LAYOUT, rlim)
                : MemoryLayout.structLayout(CAPTURE_LAYOUT, MemoryLayout.paddingLayout(gap), rlim);
    }

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
        return OutParameter.call("mmap", CAPTURE_LAYOUT, ERRNO_ON_MINUS_ONE,
                state -> (long) mmap.invokeExact(state, addr, length, prot, flags, fd, offset));
    }

    static void munmap(long addr, long length) {
        OutParameter.call("munmap", CAPTURE_LAYOUT, ERRNO_ON_MINUS_ONE, state -> (int) munmap.invokeExact(state, addr, length));
    }

    static void mprotect(long addr, long length, int prot) {
        OutParameter.call("mprotect", CAPTURE_LAYOUT, ERRNO_ON_MINUS_ONE,
                state -> (int) mprotect.invokeExact(state, addr, length, prot));
    }

    static void mlock(long addr, long length) {
        OutParameter.call("mlock", CAPTURE_LAYOUT, ERRNO_ON_MINUS_ONE, state -> (int) mlock.invokeExact(state, addr, length));
    }

    static void mlock2(long addr, long length, int flags) {
        if (mlock2 == null) {
            throw new NativeException("mlock2", Linux.ENOSYS, "not in this libc");
        }
        OutParameter.call("mlock2", CAPTURE_LAYOUT, ERRNO_ON_MINUS_ONE,
                state -> (int) mlock2.invokeExact(state, addr, length, flags));
    }

    static void munlock(long addr, long length) {
        OutParameter.call("munlock", CAPTURE_LAYOUT, ERRNO_ON_MINUS_ONE, state -> (int) munlock.invokeExact(state, addr, length));
    }

    static void madvise(long addr, long length, int advice) {
        OutParameter.call("madvise", CAPTURE_LAYOUT, ERRNO_ON_MINUS_ONE,
                state -> (int) madvise.invokeExact(state, addr, length, advice));
    }

    /** {@code syscall(number, arg)}: the one-argument form memfd_secret needs. */
    static long syscall(String function, long number, long arg) {
        return OutParameter.call(function, CAPTURE_LAYOUT, ERRNO_ON_MINUS_ONE,
                state -> (long) syscall.invokeExact(state, number, arg));
    }

    static void ftruncate(int fd, long length) {
        OutParameter.call("ftruncate", CAPTURE_LAYOUT, ERRNO_ON_MINUS_ONE, state -> (int) ftruncate.invokeExact(state, fd, length));
    }

    /** {@code open(path, flags)}: the descriptor. */
    static int open(String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cPath = arena.allocateFrom(path);
            return (int) OutParameter.call("open", CAPTURE_LAYOUT, ERRNO_ON_MINUS_ONE,
                    state -> (int) open.invokeExact(state, cPath, flags, 0));
        }
    }

    /**
     * {@code pread(fd, buf, buf.byteSize(), offset)}, retried on EINTR: bytes read, 0 at end of file. {@code buf} is
     * passed as a segment, so its memory stays alive for the call.
     */
    static long pread(int fd, MemorySegment buf, long offset) {
        while (true) {
            long n = OutParameter.call("pread", CAPTURE_LAYOUT, RETRY_ON_EINTR,
                    state -> (long) pread.invokeExact(state, fd, buf, buf.byteSize(), offset));
            if (n >= 0) {
                return n;
            }
        }
    }

    static void close(int fd) {
        OutParameter.call("close", CAPTURE_LAYOUT, ERRNO_ON_MINUS_ONE, state -> (int) close.invokeExact(state, fd));
    }

    static long[] getrlimit(int resource) {
        return OutParameter.read("getrlimit", RLIMIT_CALL, ERRNO_ON_MINUS_ONE,
                call -> (int) getrlimit.invokeExact(call, resource, call.asSlice(RLIM_AT)),
                call -> new long[] {call.get(JAVA_LONG, RLIM_AT), call.get(JAVA_LONG, RLIM_AT + 8)});
    }

    static void setrlimit(int resource, long soft, long hard) {
        OutParameter.read("setrlimit", RLIMIT_CALL, call -> {
            call.set(JAVA_LONG, RLIM_AT, soft);
            call.set(JAVA_LONG, RLIM_AT + 8, hard);
        }, ERRNO_ON_MINUS_ONE, call -> (int) setrlimit.invokeExact(call, resource, call.asSlice(RLIM_AT)), call -> null);
    }

    static int prctl(int option, long arg2) {
        return (int) OutParameter.call("prctl", CAPTURE_LAYOUT, ERRNO_ON_MINUS_ONE,
                state -> (int) prctl.invokeExact(state, option, arg2, 0L, 0L, 0L));
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
        OutParameter.call("unsetenv", CAPTURE_LAYOUT, ERRNO_ON_MINUS_ONE, state -> (int) unsetenv.invokeExact(state, name));
    }

    static String strerror(int errnum) {
        try {
            MemorySegment text = (MemorySegment) strerror.invokeExact(errnum);
            return text.equals(MemorySegment.NULL) ? "errno " + errnum : text.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            throw rethrow("strerror", t);
        }
    }

    private static NativeException failure(String function, MemorySegment state) {
        int errno = (int) ERRNO.get(state, 0L);
        return new NativeException(function, errno, strerror(errno));
    }

    private static RuntimeException rethrow(String function, Throwable t) {
        return NativeLibrary.rethrow(function, t);
    }
}
