package dev.tensorseal.nativebridge;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.tensorseal.nativebridge.internal.NativeLibrary;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * The host build of the kernel's arithmetic ({@code libtensorseal_gcm_host.so}, gcm_host.c): the
 * oracle the kernel tests use, and where GPU key contexts (round keys, powers of H) are computed.
 */
final class GcmHost {
    static final int ABI_VERSION = 2;
    static final int KEY_CONTEXT_BYTES = 8448;
    static final int THREADS = 256;

    private static final NativeLibrary LIB = NativeLibrary.open(BundledResources.HOST_LIBRARY,
            BundledResources.hostLibrary(), BundledResources.HOST_LIBRARY + " not packaged for " + BundledResources.platform()
                    + " (this build had no C compiler; see native-bridge/src/main/cuda/build-native.sh)");

    // uint32_t gcm_abi_version(void);
    private static final MethodHandle gcm_abi_version = LIB.downcall("gcm_abi_version", FunctionDescriptor.of(JAVA_INT));
    // uint32_t gcm_threads(void);
    private static final MethodHandle gcm_threads = LIB.downcall("gcm_threads", FunctionDescriptor.of(JAVA_INT));
    // uint32_t gcm_key_ctx_size(void);
    private static final MethodHandle gcm_key_ctx_size = LIB.downcall("gcm_key_ctx_size", FunctionDescriptor.of(JAVA_INT));
    // uint32_t gcm_chunk_desc_size(void);
    private static final MethodHandle gcm_chunk_desc_size =
            LIB.downcall("gcm_chunk_desc_size", FunctionDescriptor.of(JAVA_INT));
    // int gcm_key_init(const uint8_t key[32], gcm_key_ctx *ctx);
    private static final MethodHandle gcm_key_init =
            LIB.downcall("gcm_key_init", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    // int gcm_seal(const uint8_t *key, const uint8_t *iv, const uint8_t *aad, size_t aad_len, const uint8_t *pt,
    //              size_t len, uint8_t *out);
    private static final MethodHandle gcm_seal = LIB.downcall("gcm_seal",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS));
    // int gcm_open(const uint8_t *key, const uint8_t *iv, const uint8_t *aad, size_t aad_len, const uint8_t *in,
    //              size_t len, uint8_t *out);
    private static final MethodHandle gcm_open = LIB.downcall("gcm_open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS));
    // void gcm_seal_chunks(const gcm_key_ctx *keys, uint32_t key_count, const gcm_chunk_desc *chunks, uint32_t count,
    //                      const uint8_t *in, const uint8_t *aad, uint8_t *out, uint32_t *status);
    private static final MethodHandle gcm_seal_chunks = LIB.downcall("gcm_seal_chunks", FunctionDescriptor.ofVoid(
            ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    // void gcm_open_chunks(... same as gcm_seal_chunks ...);
    private static final MethodHandle gcm_open_chunks = LIB.downcall("gcm_open_chunks", FunctionDescriptor.ofVoid(
            ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));

    private GcmHost() {}

    static Optional<String> unavailableReason() {
        return LIB.unavailableReason();
    }

    /** {abi version, threads, key context bytes, descriptor bytes} as the library was compiled. */
    static int[] abi() {
        try {
            return new int[] {
                (int) LIB.require(gcm_abi_version, "gcm_abi_version").invokeExact(),
                (int) LIB.require(gcm_threads, "gcm_threads").invokeExact(),
                (int) LIB.require(gcm_key_ctx_size, "gcm_key_ctx_size").invokeExact(),
                (int) LIB.require(gcm_chunk_desc_size, "gcm_chunk_desc_size").invokeExact()
            };
        } catch (Throwable t) {
            throw CudaDriver.rethrow(t);
        }
    }

    /** Fills {@code context} ({@value #KEY_CONTEXT_BYTES} bytes) for the 32-byte {@code key}. */
    static void keyInit(MemorySegment key, MemorySegment context) {
        if (key.byteSize() != 32 || context.byteSize() < KEY_CONTEXT_BYTES) {
            throw new IllegalArgumentException("key must be 32 bytes and context " + KEY_CONTEXT_BYTES + " bytes");
        }
        try {
            int rc = (int) LIB.require(gcm_key_init, "gcm_key_init").invokeExact(key, context);
            if (rc != 0) {
                throw new NativeException("gcm_key_init", rc, "key context not built");
            }
        } catch (Throwable t) {
            throw CudaDriver.rethrow(t);
        }
    }

    /** out = ciphertext || tag, out.byteSize() == pt.byteSize() + 16. */
    static void seal(MemorySegment key, MemorySegment iv, MemorySegment aad, MemorySegment pt, MemorySegment out) {
        try {
            int rc = (int) LIB.require(gcm_seal, "gcm_seal")
                    .invokeExact(key, iv, aad, aad.byteSize(), pt, pt.byteSize(), out);
            if (rc != 0) {
                throw new NativeException("gcm_seal", rc, "input too long");
            }
        } catch (Throwable t) {
            throw CudaDriver.rethrow(t);
        }
    }

    /** Returns true when the tag verified; on false {@code out} is zeroed. */
    static boolean open(MemorySegment key, MemorySegment iv, MemorySegment aad, MemorySegment in, MemorySegment out) {
        try {
            int rc = (int) LIB.require(gcm_open, "gcm_open")
                    .invokeExact(key, iv, aad, aad.byteSize(), in, in.byteSize() - 16, out);
            if (rc < 0) {
                throw new NativeException("gcm_open", rc, "input too long");
            }
            return rc == 0;
        } catch (Throwable t) {
            throw CudaDriver.rethrow(t);
        }
    }

    static void sealChunks(MemorySegment keys, int keyCount, ChunkBatch batch, MemorySegment in, MemorySegment aad,
                           MemorySegment out, MemorySegment status) {
        chunks(gcm_seal_chunks, "gcm_seal_chunks", true, keys, keyCount, batch, in, aad, out, status);
    }

    static void openChunks(MemorySegment keys, int keyCount, ChunkBatch batch, MemorySegment in, MemorySegment aad,
                           MemorySegment out, MemorySegment status) {
        chunks(gcm_open_chunks, "gcm_open_chunks", false, keys, keyCount, batch, in, aad, out, status);
    }

    private static void chunks(MethodHandle h, String name, boolean seal, MemorySegment keys, int keyCount, ChunkBatch batch,
                               MemorySegment in, MemorySegment aad, MemorySegment out, MemorySegment status) {
        batch.checkBounds(keys.byteSize() / KEY_CONTEXT_BYTES, keyCount, in.byteSize(), aad.byteSize(),
                out.byteSize(), status.byteSize(), seal);
        try {
            LIB.require(h, name).invokeExact(keys, keyCount, batch.descriptors(), batch.count(), in, aad, out, status);
        } catch (Throwable t) {
            throw CudaDriver.rethrow(t);
        }
    }
}
