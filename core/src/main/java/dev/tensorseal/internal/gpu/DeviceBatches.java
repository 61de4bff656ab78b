package dev.tensorseal.internal.gpu;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.internal.store.ChunkPlan;
import dev.tensorseal.internal.store.SealReservation;
import dev.tensorseal.internal.store.TensorMeta;
import dev.tensorseal.nativebridge.ChunkBatch;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Lays out one tensor for a batched AES-GCM launch (the GPU kernel, or its host build in tests):
 * sealed data is every chunk's ciphertext || tag back to back in chunk order, plaintext is the
 * tensor's bytes, and AAD is every chunk's AAD back to back. Nonces and AAD come from the store
 * ({@link ChunkPlan}, {@link SealReservation}), never computed here.
 *
 * @param batch       the descriptors
 * @param aad         every chunk's AAD, host memory (not secret)
 * @param sealedBytes bytes of the sealed side
 * @param plainBytes  bytes of the plaintext side (the tensor's size)
 * @param keyCount    key contexts the batch refers to
 */
public record DeviceBatches(ChunkBatch batch, MemorySegment aad, long sealedBytes, long plainBytes, int keyCount) {
    private static final int TAG_BYTES = ChunkBatch.TAG_BYTES;

    /** Where chunk {@code i}'s ciphertext || tag starts on the sealed side. */
    public static long sealedOffset(TensorMeta meta, int i) {
        return meta.plainOffset(i) + (long) TAG_BYTES * i;
    }

    /** The batch that opens (decrypts and verifies) the committed tensor of {@code plan}: in = sealed, out = plaintext. */
    public static DeviceBatches forOpen(Arena arena, ChunkPlan plan) {
        TensorMeta meta = plan.meta();
        int n = meta.chunkCount();
        int aadBytes = plan.aadBytes();
        ChunkBatch batch = new ChunkBatch(arena, Math.max(n, 1));
        MemorySegment aad = arena.allocate(Math.max((long) aadBytes * n, 1));
        byte[] a = new byte[aadBytes];
        byte[] nonce = new byte[ChunkBatch.NONCE_BYTES];
        for (int i = 0; i < n; i++) {
            plan.aadAndNonce(i, a, nonce);
            MemorySegment.copy(MemorySegment.ofArray(a), 0, aad, (long) aadBytes * i, aadBytes);
            batch.add(sealedOffset(meta, i), meta.plainOffset(i), (long) aadBytes * i, meta.plainBytes(i), aadBytes,
                    plan.keyIndex(i), nonce);
        }
        return new DeviceBatches(batch, aad, sealedSize(meta), meta.info().byteSize(), plan.keys().size());
    }

    /** Copies the tensor's sealed chunks into {@code dst} in this layout (ciphertext only: pinned staging is fine). */
    public static void copySealed(ChunkPlan plan, MemorySegment dst) {
        TensorMeta meta = plan.meta();
        // The device checks and decrypts this one copy; chunks lie back to back here as in the file, so a remote
        // source fills a run of them with one request.
        for (int i = 0; i < meta.chunkCount(); ) {
            i = plan.copySealedRun(i, meta.chunkCount(), dst, sealedOffset(meta, i));
        }
    }

    /**
     * The batch that seals a whole tensor at {@code generation} (taken from {@code r}) under the
     * reservation's key (key index 0): in = plaintext, out = sealed. Tells the store's nonce observer.
     */
    public static DeviceBatches forSeal(Arena arena, SealReservation r, long generation) {
        TensorMeta meta = r.meta();
        int n = meta.chunkCount();
        int aadBytes = r.aadBytes();
        ChunkBatch batch = new ChunkBatch(arena, Math.max(n, 1));
        MemorySegment aad = arena.allocate(Math.max((long) aadBytes * n, 1));
        byte[] a = new byte[aadBytes];
        byte[] nonce = new byte[ChunkBatch.NONCE_BYTES];
        for (int i = 0; i < n; i++) {
            r.aadAndNonce(i, generation, a, nonce);
            MemorySegment.copy(MemorySegment.ofArray(a), 0, aad, (long) aadBytes * i, aadBytes);
            batch.add(meta.plainOffset(i), sealedOffset(meta, i), (long) aadBytes * i, meta.plainBytes(i), aadBytes, 0,
                    nonce);
        }
        return new DeviceBatches(batch, aad, sealedSize(meta), meta.info().byteSize(), 1);
    }

    /** Splits sealed output (this layout) into per-chunk ciphertext || tag, copied into GC-managed memory for the store. */
    public static MemorySegment[] splitSealed(TensorMeta meta, MemorySegment sealed) {
        int n = meta.chunkCount();
        MemorySegment all = Arena.ofAuto().allocate(Math.max(sealedSize(meta), 1), 16);
        MemorySegment.copy(sealed, 0, all, 0, sealedSize(meta));
        MemorySegment[] out = new MemorySegment[n];
        for (int i = 0; i < n; i++) {
            out[i] = all.asSlice(sealedOffset(meta, i), (long) meta.plainBytes(i) + TAG_BYTES);
        }
        return out;
    }

    /** Throws {@link IntegrityException} naming the first chunk the kernel did not open; the caller zeroes the output. */
    public static void checkOpened(String tensor, int[] status) {
        int failed = 0;
        int first = -1;
        for (int i = 0; i < status.length; i++) {
            if (status[i] != ChunkBatch.STATUS_OK) {
                failed++;
                first = first < 0 ? i : first;
            }
        }
        if (failed == 0) {
            return;
        }
        String why = status[first] == ChunkBatch.STATUS_TAG_MISMATCH
                ? "authentication failed on the device: the chunk, its position or the tensor's metadata was altered,"
                        + " or an older generation was replayed"
                : "the kernel reported status " + status[first] + " (bad key index)";
        throw new IntegrityException(tensor, first, why + (failed > 1 ? " (" + failed + " chunks failed)" : ""));
    }

    /** Seal statuses can only fail on a malformed batch: a bug, not an attack. */
    public static void checkSealed(String tensor, int[] status) {
        for (int i = 0; i < status.length; i++) {
            if (status[i] != ChunkBatch.STATUS_OK) {
                throw new IllegalStateException("sealing chunk " + i + " of tensor '" + tensor + "' failed with kernel status "
                        + status[i]);
            }
        }
    }

    private static long sealedSize(TensorMeta meta) {
        return meta.info().byteSize() + (long) TAG_BYTES * meta.chunkCount();
    }
}
