package dev.tensorseal.nativebridge;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.tensorseal.nativebridge.internal.NativeLibrary;
import dev.tensorseal.nativebridge.internal.gcm.InsecureNonce;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * AES-GCM on the CPU with VAES and VPCLMULQDQ (AVX-512), from {@code libtensorseal_aesgcm.so}
 * (aes_gcm_vaes.c, built with the project): the engine that works on native memory in place, so
 * neither keys nor plaintext ever pass through the Java heap. 96-bit IVs only.
 *
 * <p>A key context ({@link #contextBytes()} bytes, {@value #CONTEXT_ALIGNMENT}-byte aligned) holds the
 * round keys and the powers of the hash key: it is key material, so callers place it in hardened
 * memory and {@link #wipe} it. The calls are critical (no thread-state transition, heap segments
 * passed in place and pinned for the call): they never block, and a 64 KiB chunk takes microseconds.
 * {@link #open} of a whole message decrypts and hashes in one pass and zeroes the output on a tag
 * mismatch (as OpenSSL and the JDK do); of a part, or of nothing, it checks the tag first and decrypts only
 * the part, only if it matched.
 */
public final class CpuAesGcm {
    /** The ABI this binding was written for (tsg_abi_version). */
    static final int ABI_VERSION = 1;
    /** The alignment a key context needs. */
    public static final int CONTEXT_ALIGNMENT = 64;
    /** The only IV length: 12 bytes. */
    public static final int IV_BYTES = 12;
    /** GCM's bound on one message with a 96-bit IV: (2^32 - 2) blocks of 16 bytes. */
    public static final long MAX_MESSAGE_BYTES = ((1L << 32) - 2) * 16;

    private static final NativeLibrary LIB = NativeLibrary.open(BundledResources.CPU_GCM_LIBRARY,
            BundledResources.library(BundledResources.CPU_GCM_LIBRARY),
            BundledResources.CPU_GCM_LIBRARY + " not packaged for " + BundledResources.platform()
                    + " (this build had no C compiler; see native-bridge/src/main/cuda/build-native.sh)");
    private static final Linker.Option CRITICAL = Linker.Option.critical(true);

    // uint32_t tsg_abi_version(void); uint32_t tsg_ctx_size(void); int tsg_supported(void);
    private static final MethodHandle tsg_abi_version = LIB.downcall("tsg_abi_version", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle tsg_ctx_size = LIB.downcall("tsg_ctx_size", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle tsg_supported = LIB.downcall("tsg_supported", FunctionDescriptor.of(JAVA_INT));
    // int tsg_init(tsg_ctx *c, const uint8_t *key, size_t key_len);
    private static final MethodHandle tsg_init =
            LIB.downcall("tsg_init", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG), CRITICAL);
    // void tsg_wipe(tsg_ctx *c);
    private static final MethodHandle tsg_wipe = LIB.downcall("tsg_wipe", FunctionDescriptor.ofVoid(ADDRESS), CRITICAL);
    // int tsg_seal(const tsg_ctx *c, const uint8_t *iv, const uint8_t *aad, size_t aad_len, const uint8_t *in,
    //              size_t len, uint8_t *out, uint8_t *tag, size_t tag_len);
    private static final MethodHandle tsg_seal = LIB.downcall("tsg_seal", FunctionDescriptor.of(JAVA_INT,
            ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG), CRITICAL);
    // int tsg_open(const tsg_ctx *c, const uint8_t *iv, const uint8_t *aad, size_t aad_len, const uint8_t *in,
    //              size_t len, const uint8_t *tag, size_t tag_len, uint8_t *out, size_t from, size_t out_len);
    private static final MethodHandle tsg_open = LIB.downcall("tsg_open", FunctionDescriptor.of(JAVA_INT,
            ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG),
            CRITICAL);
    // int tsg_ctr(const tsg_ctx *c, const uint8_t *iv, uint32_t first_block, const uint8_t *in, uint8_t *out, size_t len);
    private static final MethodHandle tsg_ctr = LIB.downcall("tsg_ctr",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG), CRITICAL);

    /** The prefix of the reasons that no build or install step can change: this machine cannot run the engine. */
    static final String NOT_THIS_MACHINE = X86Library.NOT_THIS_MACHINE;
    private static final X86Library SUPPORT = X86Library.probe(LIB, BundledResources.CPU_GCM_LIBRARY, "the vaes engine", "tsg",
            tsg_abi_version, ABI_VERSION, tsg_supported,
            "this CPU lacks VAES, VPCLMULQDQ or AVX-512 F/BW/VL (or the OS does not enable 512-bit state)");
    private static final int CONTEXT_BYTES = SUPPORT.available() ? contextSize() : 0;

    private CpuAesGcm() {}

    private static int contextSize() {
        try {
            return (int) LIB.require(tsg_ctx_size, "tsg_ctx_size").invokeExact();
        } catch (Throwable t) {
            throw CudaDriver.rethrow(t);
        }
    }

    /** Why this engine cannot run here (library not packaged, native access off, CPU without VAES); empty when it can. */
    public static Optional<String> unavailableReason() {
        return SUPPORT.unavailableReason();
    }

    /**
     * True when the engine cannot run because of the machine itself (not x86-64, or a CPU without the instructions),
     * which no build or install step changes; false when it runs, or when a build or setup step is missing.
     */
    public static boolean unsupportedMachine() {
        return SUPPORT.unsupportedMachine();
    }

    /** Bytes of one key context. */
    public static int contextBytes() {
        SUPPORT.requireAvailable();
        return CONTEXT_BYTES;
    }

    private static void checkContext(MemorySegment context) {
        if (context.byteSize() < CONTEXT_BYTES || !context.isNative() || context.address() % CONTEXT_ALIGNMENT != 0) {
            throw new IllegalArgumentException("key context must be " + CONTEXT_BYTES + " native bytes aligned to "
                    + CONTEXT_ALIGNMENT);
        }
    }

    /** Keys {@code context} with {@code key} (16, 24 or 32 bytes): the round keys and the powers of H. */
    public static void init(MemorySegment context, MemorySegment key) {
        SUPPORT.requireAvailable();
        checkContext(context);
        try {
            int rc = (int) tsg_init.invokeExact(context, key, key.byteSize());
            if (rc != 0) {
                throw new IllegalArgumentException("AES keys are 16, 24 or 32 bytes, got " + key.byteSize());
            }
        } catch (Throwable t) {
            throw CudaDriver.rethrow(t);
        }
    }

    /** Zeroes a key context. */
    public static void wipe(MemorySegment context) {
        SUPPORT.requireAvailable();
        checkContext(context);
        try {
            tsg_wipe.invokeExact(context);
        } catch (Throwable t) {
            throw CudaDriver.rethrow(t);
        }
    }

    private static void checkIv(MemorySegment iv) {
        if (iv.byteSize() != IV_BYTES) {
            throw new IllegalArgumentException("IV must be " + IV_BYTES + " bytes, got " + iv.byteSize());
        }
    }

    private static void checkLength(long len) {
        if (len > MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("GCM message of " + len + " bytes exceeds " + MAX_MESSAGE_BYTES);
        }
    }

    private static void checkTag(MemorySegment tag) {
        if (tag.byteSize() < 1 || tag.byteSize() > 16) {
            throw new IllegalArgumentException("tag must be 1 to 16 bytes, got " + tag.byteSize());
        }
    }

    /**
     * Encrypts {@code in} into {@code out} (same size; may be the same region, must not partly overlap)
     * and writes the tag ({@code tag.byteSize()} bytes). {@code iv} must never repeat under this context's key:
     * hence the {@link InsecureNonce} permit, which only core holds.
     */
    @SuppressWarnings("exports") // on purpose: the permit's package is exported to core only
    public static void seal(InsecureNonce permit, MemorySegment context, MemorySegment iv, MemorySegment aad,
                            MemorySegment in, MemorySegment out, MemorySegment tag) {
        InsecureNonce.check(permit, "CpuAesGcm.seal");
        SUPPORT.requireAvailable();
        checkContext(context);
        checkIv(iv);
        checkTag(tag);
        checkLength(in.byteSize());
        if (out.byteSize() != in.byteSize()) {
            throw new IllegalArgumentException("output must be " + in.byteSize() + " bytes, got " + out.byteSize());
        }
        try {
            int rc = (int) tsg_seal.invokeExact(context, iv, aad, aad.byteSize(), in, in.byteSize(), out, tag, tag.byteSize());
            if (rc != 0) {
                throw new NativeException("tsg_seal", rc, "rejected its arguments");
            }
        } catch (Throwable t) {
            throw CudaDriver.rethrow(t);
        }
    }

    /**
     * Checks {@code tag} over {@code aad} and the ciphertext {@code in} and decrypts plaintext bytes
     * {@code from .. from + out.byteSize()} into {@code out} (empty: verify only). Returns false on a mismatch,
     * with {@code out} zeroed. The whole message is decrypted in the same pass as the hash (unauthenticated
     * plaintext sits in {@code out} until the tag is compared); a part only after the tag matched.
     */
    public static boolean open(MemorySegment context, MemorySegment iv, MemorySegment aad, MemorySegment in,
                               MemorySegment tag, MemorySegment out, long from) {
        SUPPORT.requireAvailable();
        checkContext(context);
        checkIv(iv);
        checkTag(tag);
        checkLength(in.byteSize());
        java.util.Objects.checkFromIndexSize(from, out.byteSize(), in.byteSize());
        try {
            int rc = (int) tsg_open.invokeExact(context, iv, aad, aad.byteSize(), in, in.byteSize(), tag, tag.byteSize(),
                    out, from, out.byteSize());
            if (rc < 0) {
                throw new NativeException("tsg_open", rc, "rejected its arguments");
            }
            return rc == 0;
        } catch (Throwable t) {
            throw CudaDriver.rethrow(t);
        }
    }

    /** CTR keystream XOR from counter block J0 + 1 + {@code firstBlock} (inc32 arithmetic); for tests. */
    static void ctr(MemorySegment context, MemorySegment iv, int firstBlock, MemorySegment in, MemorySegment out) {
        SUPPORT.requireAvailable();
        checkContext(context);
        checkIv(iv);
        if (out.byteSize() != in.byteSize()) {
            throw new IllegalArgumentException("output must be " + in.byteSize() + " bytes");
        }
        try {
            int rc = (int) tsg_ctr.invokeExact(context, iv, firstBlock, in, out, in.byteSize());
            if (rc != 0) {
                throw new NativeException("tsg_ctr", rc, "rejected its arguments");
            }
        } catch (Throwable t) {
            throw CudaDriver.rethrow(t);
        }
    }
}
