package dev.tensorseal.internal.store;

import dev.tensorseal.internal.memory.CiphertextPool;
import dev.tensorseal.internal.memory.PlaintextMemory;
import dev.tensorseal.internal.memory.PlaintextPool;
import java.lang.foreign.MemorySegment;

/**
 * Re-seals every tensor under a fresh data key and a fresh generation, tensor by tensor, each under its writer
 * permit (waiting for an open writable view to close), a few MiB of plaintext at a time. Readers see each tensor's
 * old or new state; old data keys are zeroed at the end.
 */
final class DeepRekey {
    /** Plaintext decrypted and re-sealed at a time (or one chunk, if larger). */
    static final long BATCH_BYTES = 4L << 20;

    private final StoreLock lock;
    private final TensorCatalogue tensors;
    private final KeyCustody keys;
    private final PlaintextPool pool;
    private final ChunkCrypto crypto;

    DeepRekey(StoreLock lock, TensorCatalogue tensors, KeyCustody keys, PlaintextPool pool, ChunkCrypto crypto) {
        this.lock = lock;
        this.tensors = tensors;
        this.keys = keys;
        this.pool = pool;
        this.crypto = crypto;
    }

    void run() {
        lock.ensureOpen();
        for (TensorState st : tensors.inNameOrder()) {
            st.acquireWriterUninterruptibly();
            try {
                if (!st.isRemoved()) {
                    lock.shared(() -> reseal(st));
                }
            } finally {
                st.releaseWriter();
            }
        }
        lock.exclusive(keys::sweep);
    }

    /** Writer permit and shared lock held. */
    private void reseal(TensorState st) {
        ChunkTable old = st.table();
        TensorMeta meta = old.meta;
        int n = meta.chunkCount();
        long gen = st.takeGeneration();
        DataKey key = keys.newDataKey();
        MemorySegment[] chunks = new MemorySegment[n];
        int batch = (int) Math.max(1, Math.min(n, BATCH_BYTES / meta.chunkSizeBytes()));
        int[] idx = new int[batch];
        try {
            for (int first = 0; first < n; first += batch) {
                int last = Math.min(n, first + batch);
                long start = meta.plainOffset(first);
                long end = Math.min(meta.plainOffset(last), meta.info().byteSize());
                PlaintextMemory.Block b = pool.take(end - start, meta.name());
                try {
                    crypto.open(old, first, last, b.segment());
                    for (int i = first; i < last; i++) {
                        idx[i - first] = i;
                    }
                    MemorySegment[] sealed = crypto.seal(meta, idx, last - first, key, gen, b.segment(), start);
                    System.arraycopy(sealed, 0, chunks, first, last - first);
                } finally {
                    pool.give(b);
                }
            }
        } catch (RuntimeException e) {
            keys.retire(key);
            throw e;
        }
        keys.retireAll(st.publishResealed(ChunkTable.sealedUnder(meta, key, gen, chunks), key));
    }
}
