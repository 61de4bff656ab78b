package dev.tensorseal.nativebridge;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.tensorseal.nativebridge.internal.NativeLibrary;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * AES key wrap (SP 800-38F KW, RFC 3394) and key wrap with padding (KWP, RFC 5649) with AES-NI, from
 * {@code libtensorseal_keywrap.so} (aes_kw.c, built with the project): the key-encryption key is read from
 * native memory and its schedule and every intermediate block stay in the caller's native scratch, which the
 * library zeroes before it returns, so neither the KEK nor the key being wrapped passes through the Java heap.
 *
 * <p>The KEK and the scratch must be native segments (the caller's key memory); the input and output may be
 * heap segments (a wrapped key is not secret; an unwrapped one should go to key memory). The calls are
 * critical: a 32-byte key takes 24 AES blocks. A failed unwrap is reported as {@link #INTEGRITY_FAILURE} and
 * writes nothing; the check runs over every byte without an early exit.
 */
public final class AesKeyWrap {
    /** The ABI this binding was written for (tkw_abi_version). */
    static final int ABI_VERSION = 1;
    /** The largest input of one wrap or unwrap. */
    public static final int MAX_INPUT_BYTES = 65536;
    /** The alignment the scratch needs. */
    public static final int SCRATCH_ALIGNMENT = 16;
    /** What {@link #unwrap} returns when the integrity check fails. */
    public static final long INTEGRITY_FAILURE = -1;

    private static final NativeLibrary LIB = NativeLibrary.open(BundledResources.KEY_WRAP_LIBRARY,
            BundledResources.library(BundledResources.KEY_WRAP_LIBRARY),
            BundledResources.KEY_WRAP_LIBRARY + " not packaged for " + BundledResources.platform()
                    + " (this build had no C compiler, or the platform is not x86-64; see native-bridge/src/main/cuda/build-native.sh)");
    private static final Linker.Option CRITICAL = Linker.Option.critical(true);

    // uint32_t tkw_abi_version(void); int tkw_supported(void);
    private static final MethodHandle tkw_abi_version = LIB.downcall("tkw_abi_version", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle tkw_supported = LIB.downcall("tkw_supported", FunctionDescriptor.of(JAVA_INT));
    // size_t tkw_scratch_bytes(size_t in_len);
    private static final MethodHandle tkw_scratch_bytes =
            LIB.downcall("tkw_scratch_bytes", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), CRITICAL);
    // int tkw_wrap(uint8_t *scratch, size_t scratch_len, const uint8_t *kek, size_t kek_len, int padded,
    //              const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len);
    private static final MethodHandle tkw_wrap = LIB.downcall("tkw_wrap", FunctionDescriptor.of(JAVA_INT,
            ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG), CRITICAL);
    // int64_t tkw_unwrap(uint8_t *scratch, size_t scratch_len, const uint8_t *kek, size_t kek_len, int padded,
    //                    const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len);
    private static final MethodHandle tkw_unwrap = LIB.downcall("tkw_unwrap", FunctionDescriptor.of(JAVA_LONG,
            ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG), CRITICAL);

    /** The prefix of the reasons no build or install step can change: this machine cannot run the native key wrap. */
    static final String NOT_THIS_MACHINE = X86Library.NOT_THIS_MACHINE;
    private static final X86Library SUPPORT = X86Library.probe(LIB, BundledResources.KEY_WRAP_LIBRARY, "the AES-NI key wrap",
            "tkw", tkw_abi_version, ABI_VERSION, tkw_supported, "this CPU lacks AES-NI");

    private AesKeyWrap() {}

    /** Why the native key wrap cannot run here (not x86-64, library not packaged, no native access, no AES-NI); empty when it can. */
    public static Optional<String> unavailableReason() {
        return SUPPORT.unavailableReason();
    }

    /** True when the machine itself (not x86-64, no AES-NI) rules the native key wrap out; no build step changes that. */
    public static boolean unsupportedMachine() {
        return SUPPORT.unsupportedMachine();
    }

    /** Bytes of scratch a wrap or unwrap of {@code inputBytes} (at most {@link #MAX_INPUT_BYTES}) needs. */
    public static long scratchBytes(long inputBytes) {
        SUPPORT.requireAvailable();
        if (inputBytes < 0 || inputBytes > MAX_INPUT_BYTES) {
            throw new IllegalArgumentException("key wrap input is 0 to " + MAX_INPUT_BYTES + " bytes, got " + inputBytes);
        }
        try {
            return (long) tkw_scratch_bytes.invokeExact(inputBytes);
        } catch (Throwable t) {
            throw CudaDriver.rethrow(t);
        }
    }

    private static void checkSecrets(MemorySegment scratch, MemorySegment kek) {
        if (!scratch.isNative() || scratch.address() % SCRATCH_ALIGNMENT != 0) {
            throw new IllegalArgumentException("key wrap scratch must be native memory aligned to " + SCRATCH_ALIGNMENT);
        }
        if (!kek.isNative()) {
            throw new IllegalArgumentException("the key-encryption key must be in native memory");
        }
    }

    /**
     * Wraps {@code in} into {@code out} under {@code kek} (16, 24 or 32 bytes). KW ({@code padded} false):
     * {@code in} a multiple of 8 bytes, at least 16, and {@code out} 8 bytes longer; KWP: at least 1 byte, and
     * {@code out} its length rounded up to 8, plus 8. {@code scratch} ({@link #scratchBytes} of {@code in}) is zeroed after.
     */
    public static void wrap(MemorySegment scratch, MemorySegment kek, boolean padded, MemorySegment in, MemorySegment out) {
        SUPPORT.requireAvailable();
        checkSecrets(scratch, kek);
        try {
            int rc = (int) tkw_wrap.invokeExact(scratch, scratch.byteSize(), kek, kek.byteSize(), padded ? 1 : 0,
                    in, in.byteSize(), out, out.byteSize());
            if (rc != 0) {
                throw new NativeException("tkw_wrap", rc, reason(rc));
            }
        } catch (Throwable t) {
            throw CudaDriver.rethrow(t);
        }
    }

    /**
     * Unwraps {@code in} (a multiple of 8 bytes; KW at least 24, KWP at least 16) under {@code kek} into the
     * first bytes of {@code out} (at least {@code in} less 8 bytes). Returns the unwrapped length, or
     * {@link #INTEGRITY_FAILURE} (nothing written) when the integrity check fails. {@code scratch} is zeroed after.
     */
    public static long unwrap(MemorySegment scratch, MemorySegment kek, boolean padded, MemorySegment in, MemorySegment out) {
        SUPPORT.requireAvailable();
        checkSecrets(scratch, kek);
        try {
            long rc = (long) tkw_unwrap.invokeExact(scratch, scratch.byteSize(), kek, kek.byteSize(), padded ? 1 : 0,
                    in, in.byteSize(), out, out.byteSize());
            if (rc < INTEGRITY_FAILURE) {
                throw new NativeException("tkw_unwrap", (int) rc, reason((int) rc));
            }
            return rc;
        } catch (Throwable t) {
            throw CudaDriver.rethrow(t);
        }
    }

    private static String reason(int rc) {
        return switch (rc) {
            case -2 -> "input or output length not valid for the mode";
            case -3 -> "the key-encryption key is not 16, 24 or 32 bytes";
            case -4 -> "scratch smaller than tkw_scratch_bytes";
            default -> "rejected its arguments";
        };
    }
}
