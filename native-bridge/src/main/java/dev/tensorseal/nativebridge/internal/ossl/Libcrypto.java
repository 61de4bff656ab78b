package dev.tensorseal.nativebridge.internal.ossl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.tensorseal.nativebridge.NativeException;
import dev.tensorseal.nativebridge.internal.NativeLibrary;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * The system's OpenSSL 3 libcrypto ({@value #SONAME}), bound with FFM: the EVP AES-GCM calls core's {@code ossl}
 * engine needs (exported to core only). Pointers are {@link MemorySegment}s. Loaded like every library of this module
 * ({@link NativeLibrary}), lazily on first use: absence (not Linux, native access not granted, no libcrypto, too old,
 * a missing symbol) is a reported reason, never a failed class initialisation. A failed call is a
 * {@link NativeException} naming the function, with OpenSSL's own error text.
 *
 * <p>The two update calls are bound {@linkplain Linker.Option#critical(boolean) critical with heap access}: a heap
 * segment's array is passed to OpenSSL in place, with the GC held off for the call, so no heap-to-native copy of
 * plaintext is ever made. Callers keep each call short (the engine passes at most 1 MiB per call) so safepoints are
 * not delayed.
 */
@SuppressWarnings("restricted") // binding libcrypto is what this class is for
public final class Libcrypto {
    public static final String SONAME = "libcrypto.so.3";

    static final long OPENSSL_INIT_NO_ATEXIT = 0x0008_0000L;
    public static final int EVP_CTRL_GCM_SET_IVLEN = 0x9;
    public static final int EVP_CTRL_GCM_GET_TAG = 0x10;
    public static final int EVP_CTRL_GCM_SET_TAG = 0x11;

    private Libcrypto() {}

    /** Null when libcrypto can be used; otherwise why not. */
    public static String unavailableReason() {
        return Holder.REASON;
    }

    /** {@code OpenSSL_version(OPENSSL_VERSION)}, e.g. "OpenSSL 3.0.19 ...", or null when unavailable. */
    public static String version() {
        return Holder.VERSION;
    }

    private static final class Holder {
        private static final NativeLibrary LIB =
                NativeLibrary.open(SONAME, "install OpenSSL 3: Debian/Ubuntu package libssl3");
        private static final Linker.Option CRITICAL = Linker.Option.critical(true);

        // int OPENSSL_init_crypto(uint64_t opts, const OPENSSL_INIT_SETTINGS *settings);
        static final MethodHandle OPENSSL_init_crypto = LIB.downcall("OPENSSL_init_crypto",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS));
        // EVP_CIPHER_CTX *EVP_CIPHER_CTX_new(void);
        static final MethodHandle EVP_CIPHER_CTX_new = LIB.downcall("EVP_CIPHER_CTX_new", FunctionDescriptor.of(ADDRESS));
        // void EVP_CIPHER_CTX_free(EVP_CIPHER_CTX *ctx);
        static final MethodHandle EVP_CIPHER_CTX_free = LIB.downcall("EVP_CIPHER_CTX_free", FunctionDescriptor.ofVoid(ADDRESS));
        // const EVP_CIPHER *EVP_aes_128_gcm(void);
        static final MethodHandle EVP_aes_128_gcm = LIB.downcall("EVP_aes_128_gcm", FunctionDescriptor.of(ADDRESS));
        // const EVP_CIPHER *EVP_aes_192_gcm(void);
        static final MethodHandle EVP_aes_192_gcm = LIB.downcall("EVP_aes_192_gcm", FunctionDescriptor.of(ADDRESS));
        // const EVP_CIPHER *EVP_aes_256_gcm(void);
        static final MethodHandle EVP_aes_256_gcm = LIB.downcall("EVP_aes_256_gcm", FunctionDescriptor.of(ADDRESS));
        // int EVP_EncryptInit_ex(EVP_CIPHER_CTX *ctx, const EVP_CIPHER *type, ENGINE *impl,
        //                        const unsigned char *key, const unsigned char *iv);
        static final MethodHandle EVP_EncryptInit_ex = LIB.downcall("EVP_EncryptInit_ex",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        // int EVP_DecryptInit_ex(EVP_CIPHER_CTX *ctx, const EVP_CIPHER *type, ENGINE *impl,
        //                        const unsigned char *key, const unsigned char *iv);
        static final MethodHandle EVP_DecryptInit_ex = LIB.downcall("EVP_DecryptInit_ex",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        // int EVP_CIPHER_CTX_ctrl(EVP_CIPHER_CTX *ctx, int type, int arg, void *ptr);
        static final MethodHandle EVP_CIPHER_CTX_ctrl = LIB.downcall("EVP_CIPHER_CTX_ctrl",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
        // int EVP_EncryptUpdate(EVP_CIPHER_CTX *ctx, unsigned char *out, int *outl,
        //                       const unsigned char *in, int inl);
        static final MethodHandle EVP_EncryptUpdate = LIB.downcall("EVP_EncryptUpdate",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT), CRITICAL);
        // int EVP_DecryptUpdate(EVP_CIPHER_CTX *ctx, unsigned char *out, int *outl,
        //                       const unsigned char *in, int inl);
        static final MethodHandle EVP_DecryptUpdate = LIB.downcall("EVP_DecryptUpdate",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT), CRITICAL);
        // int EVP_EncryptFinal_ex(EVP_CIPHER_CTX *ctx, unsigned char *out, int *outl);
        static final MethodHandle EVP_EncryptFinal_ex = LIB.downcall("EVP_EncryptFinal_ex",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        // int EVP_DecryptFinal_ex(EVP_CIPHER_CTX *ctx, unsigned char *outm, int *outl);
        static final MethodHandle EVP_DecryptFinal_ex = LIB.downcall("EVP_DecryptFinal_ex",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        // unsigned long ERR_get_error(void);
        static final MethodHandle ERR_get_error = LIB.downcall("ERR_get_error", FunctionDescriptor.of(JAVA_LONG));
        // void ERR_clear_error(void);
        static final MethodHandle ERR_clear_error = LIB.downcall("ERR_clear_error", FunctionDescriptor.ofVoid());
        // void ERR_error_string_n(unsigned long e, char *buf, size_t len);
        static final MethodHandle ERR_error_string_n = LIB.downcall("ERR_error_string_n",
                FunctionDescriptor.ofVoid(JAVA_LONG, ADDRESS, JAVA_LONG));
        // unsigned long OpenSSL_version_num(void);
        static final MethodHandle OpenSSL_version_num = LIB.downcall("OpenSSL_version_num", FunctionDescriptor.of(JAVA_LONG));
        // const char *OpenSSL_version(int type);
        static final MethodHandle OpenSSL_version = LIB.downcall("OpenSSL_version", FunctionDescriptor.of(ADDRESS, JAVA_INT));

        static final String VERSION;
        static final String REASON;

        static {
            String reason = LIB.unavailableReason().orElse(null);
            String version = null;
            List<String> missing = LIB.missingSymbols();
            if (reason == null && !missing.isEmpty()) {
                reason = SONAME + " lacks " + String.join(", ", missing);
            }
            if (reason == null) {
                try {
                    // First call into libcrypto: no atexit cleanup, so a JVM exiting while a store thread is still
                    // inside OpenSSL cannot have the library torn down under it (no effect if already initialised).
                    if ((int) OPENSSL_init_crypto.invokeExact(OPENSSL_INIT_NO_ATEXIT, MemorySegment.NULL) != 1) {
                        throw new NativeException("OPENSSL_init_crypto", 0, "returned failure");
                    }
                    long num = (long) OpenSSL_version_num.invokeExact();
                    MemorySegment text = (MemorySegment) OpenSSL_version.invokeExact(0); // OPENSSL_VERSION
                    version = text.equals(MemorySegment.NULL) ? "OpenSSL" : text.reinterpret(256).getString(0);
                    if (Long.compareUnsigned(num, 0x3000_0000L) < 0) {
                        reason = SONAME + " is " + version + "; OpenSSL 3.0 or later is needed";
                    }
                } catch (Throwable t) {
                    reason = SONAME + " failed its version call: " + t;
                }
            }
            REASON = reason;
            VERSION = reason == null ? version : null;
        }
    }

    private static void requireAvailable(String function) {
        if (Holder.REASON != null) {
            throw new NativeException(function, 0, "libcrypto is unavailable: " + Holder.REASON);
        }
    }

    /**
     * Throws unless {@code rc} is OpenSSL's success (1): a {@link NativeException} naming {@code function}, with the
     * first entry of this thread's error queue, which it empties.
     */
    public static void check(int rc, String function) {
        if (rc != 1) {
            throw new NativeException(function, rc, drainErrors());
        }
    }

    public static MemorySegment EVP_CIPHER_CTX_new() {
        requireAvailable("EVP_CIPHER_CTX_new");
        MemorySegment ctx;
        try {
            ctx = (MemorySegment) Holder.EVP_CIPHER_CTX_new.invokeExact();
        } catch (Throwable t) {
            throw NativeLibrary.rethrow("EVP_CIPHER_CTX_new", t);
        }
        if (ctx.equals(MemorySegment.NULL)) {
            throw new NativeException("EVP_CIPHER_CTX_new", 0, drainErrors());
        }
        return ctx;
    }

    public static void EVP_CIPHER_CTX_free(MemorySegment ctx) {
        try {
            Holder.EVP_CIPHER_CTX_free.invokeExact(ctx);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow("EVP_CIPHER_CTX_free", t);
        }
    }

    /** {@code EVP_aes_128_gcm}, {@code _192_} or {@code _256_} for a key of 16, 24 or 32 bytes. */
    public static MemorySegment EVP_aes_gcm(int keyBytes) {
        try {
            return switch (keyBytes) {
                case 16 -> (MemorySegment) Holder.EVP_aes_128_gcm.invokeExact();
                case 24 -> (MemorySegment) Holder.EVP_aes_192_gcm.invokeExact();
                case 32 -> (MemorySegment) Holder.EVP_aes_256_gcm.invokeExact();
                default -> throw new IllegalArgumentException("no AES-GCM cipher for a " + keyBytes + "-byte key");
            };
        } catch (Throwable t) {
            throw NativeLibrary.rethrow("EVP_aes_gcm", t);
        }
    }

    public static int EVP_EncryptInit_ex(MemorySegment ctx, MemorySegment type, MemorySegment key, MemorySegment iv) {
        try {
            return (int) Holder.EVP_EncryptInit_ex.invokeExact(ctx, type, MemorySegment.NULL, key, iv);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow("EVP_EncryptInit_ex", t);
        }
    }

    public static int EVP_DecryptInit_ex(MemorySegment ctx, MemorySegment type, MemorySegment key, MemorySegment iv) {
        try {
            return (int) Holder.EVP_DecryptInit_ex.invokeExact(ctx, type, MemorySegment.NULL, key, iv);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow("EVP_DecryptInit_ex", t);
        }
    }

    public static int EVP_CIPHER_CTX_ctrl(MemorySegment ctx, int type, int arg, MemorySegment ptr) {
        try {
            return (int) Holder.EVP_CIPHER_CTX_ctrl.invokeExact(ctx, type, arg, ptr);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow("EVP_CIPHER_CTX_ctrl", t);
        }
    }

    /** Heap or native {@code out} and {@code in} (critical call); {@code out} NULL for AAD. */
    public static int EVP_EncryptUpdate(MemorySegment ctx, MemorySegment out, MemorySegment outl, MemorySegment in, int inl) {
        try {
            return (int) Holder.EVP_EncryptUpdate.invokeExact(ctx, out, outl, in, inl);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow("EVP_EncryptUpdate", t);
        }
    }

    /** Heap or native {@code out} and {@code in} (critical call); {@code out} NULL for AAD. */
    public static int EVP_DecryptUpdate(MemorySegment ctx, MemorySegment out, MemorySegment outl, MemorySegment in, int inl) {
        try {
            return (int) Holder.EVP_DecryptUpdate.invokeExact(ctx, out, outl, in, inl);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow("EVP_DecryptUpdate", t);
        }
    }

    public static int EVP_EncryptFinal_ex(MemorySegment ctx, MemorySegment out, MemorySegment outl) {
        try {
            return (int) Holder.EVP_EncryptFinal_ex.invokeExact(ctx, out, outl);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow("EVP_EncryptFinal_ex", t);
        }
    }

    public static int EVP_DecryptFinal_ex(MemorySegment ctx, MemorySegment out, MemorySegment outl) {
        try {
            return (int) Holder.EVP_DecryptFinal_ex.invokeExact(ctx, out, outl);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow("EVP_DecryptFinal_ex", t);
        }
    }

    /**
     * Empties this thread's OpenSSL error queue and returns its first entry as text ("" when empty),
     * so a failure of ours leaves nothing behind for other OpenSSL users in the process.
     */
    public static String drainErrors() {
        try {
            long first = (long) Holder.ERR_get_error.invokeExact();
            String text = "";
            if (first != 0) {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment buf = arena.allocate(256);
                    Holder.ERR_error_string_n.invokeExact(first, buf, 256L);
                    text = buf.getString(0);
                }
            }
            Holder.ERR_clear_error.invokeExact();
            return text;
        } catch (Throwable t) {
            throw NativeLibrary.rethrow("ERR_get_error", t);
        }
    }
}
