package dev.tensorseal.nativebridge.internal;

/** Linux constants from the kernel UAPI headers (same values on x86_64 and aarch64). */
public final class Linux {
    public static final int PROT_NONE = 0;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_FIXED = 0x10;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_NORESERVE = 0x4000;
    public static final int MADV_DONTFORK = 10;
    public static final int MADV_HUGEPAGE = 14;
    /** {@code mlock2} flag: lock pages as they fault in. */
    public static final int MLOCK_ONFAULT = 1;
    public static final int MADV_DONTDUMP = 16;
    public static final int MADV_WIPEONFORK = 18;
    public static final int RLIMIT_CORE = 4;
    public static final int RLIMIT_MEMLOCK = 8;
    public static final long RLIM_INFINITY = -1L;
    public static final int PR_SET_DUMPABLE = 4;
    public static final int PR_GET_DUMPABLE = 3;
    public static final int O_CLOEXEC = 0x80000;
    /** memfd_secret(2): 447 in the generic syscall table used by x86_64 and aarch64. */
    public static final long SYS_MEMFD_SECRET = 447;
    public static final int SC_PAGESIZE = 30;
    public static final int ENOSYS = 38;
    public static final int EINVAL = 22;
    public static final int EINTR = 4;
    public static final int O_RDONLY = 0;
    public static final int O_NONBLOCK = 0x800;

    private Linux() {}

    /** Null when this OS and CPU are supported, else the reason. */
    public static String unsupportedReason() {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        if (!os.equals("Linux")) {
            return "hardened memory needs Linux, this is " + os;
        }
        if (!arch.equals("amd64") && !arch.equals("x86_64") && !arch.equals("aarch64")) {
            return "hardened memory supports x86_64 and aarch64, this is " + arch;
        }
        return null;
    }
}
