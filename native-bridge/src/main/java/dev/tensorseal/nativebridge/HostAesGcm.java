package dev.tensorseal.nativebridge;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.tensorseal.nativebridge.internal.gcm.InsecureNonce;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The kernel's batched API run on the CPU by its host build ({@code libtensorseal_gcm_host.so}):
 * the same arithmetic, descriptors ({@link ChunkBatch}), key contexts and per-chunk status as
 * {@link GpuAesGcm#open}/{@link GpuAesGcm#seal}, over host memory. It exists so that code building
 * device batches (core's device tensors) can be tested where there is no GPU, against the same
 * oracle the kernel tests use. Not a production engine: plaintext here is in host memory.
 */
public final class HostAesGcm {
    /** Bytes of one key context (round keys and powers of H), as in {@code gcm_key_ctx}. */
    public static final int KEY_CONTEXT_BYTES = GcmHost.KEY_CONTEXT_BYTES;
    private static final int KEY_BYTES = 32;

    private HostAesGcm() {}

    /** Whether the host library is packaged and loads here. */
    public static Availability availability() {
        return GcmHost.unavailableReason().map(Availability::no).orElse(Availability.yes());
    }

    /**
     * Key contexts for 32-byte {@code keys}, one after another, allocated in {@code arena}. They
     * are key material: the caller zeroes them (fill 0) before the arena closes.
     */
    public static MemorySegment keyContexts(Arena arena, List<MemorySegment> keys) {
        MemorySegment contexts = arena.allocate((long) KEY_CONTEXT_BYTES * Math.max(keys.size(), 1), 64);
        for (int i = 0; i < keys.size(); i++) {
            if (keys.get(i).byteSize() != KEY_BYTES) {
                throw new IllegalArgumentException("key " + i + " must be 32 bytes");
            }
            GcmHost.keyInit(keys.get(i), contexts.asSlice((long) i * KEY_CONTEXT_BYTES, KEY_CONTEXT_BYTES));
        }
        return contexts;
    }

    /** gcm_open_chunks: decrypts and verifies every chunk; returns the per-chunk status ({@link ChunkBatch#STATUS_OK}, ...). */
    public static int[] open(MemorySegment keyContexts, int keyCount, ChunkBatch batch, MemorySegment in,
                             MemorySegment aad, MemorySegment out) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment status = a.allocate(Math.max(batch.statusBytes(), 4));
            GcmHost.openChunks(keyContexts, keyCount, batch, in, aad, out, status);
            return status.asSlice(0, batch.statusBytes()).toArray(JAVA_INT);
        }
    }

    /**
     * gcm_seal_chunks: seals every chunk (output ciphertext || tag) under the nonces in {@code batch}, which must
     * never repeat under a key (hence the {@link InsecureNonce} permit); returns the per-chunk status.
     */
    @SuppressWarnings("exports") // on purpose: the permit's package is exported to core only
    public static int[] seal(InsecureNonce permit, MemorySegment keyContexts, int keyCount, ChunkBatch batch,
                             MemorySegment in, MemorySegment aad, MemorySegment out) {
        InsecureNonce.check(permit, "HostAesGcm.seal");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment status = a.allocate(Math.max(batch.statusBytes(), 4));
            GcmHost.sealChunks(keyContexts, keyCount, batch, in, aad, out, status);
            return status.asSlice(0, batch.statusBytes()).toArray(JAVA_INT);
        }
    }
}
