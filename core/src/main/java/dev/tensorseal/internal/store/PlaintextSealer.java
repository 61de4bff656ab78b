package dev.tensorseal.internal.store;

import dev.tensorseal.internal.memory.CiphertextPool;
import dev.tensorseal.internal.memory.PlaintextMemory;
import dev.tensorseal.internal.memory.PlaintextPool;
import dev.tensorseal.TensorInfo;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Seals plaintext into tensors' tables: a put's whole new tensor (under a fresh data key, generation 0), and a
 * writable view's touched chunks (under the tensor's write-epoch key, at a generation spent first).
 */
final class PlaintextSealer {
    private final StoreLock lock;
    private final TensorCatalogue tensors;
    private final KeyCustody keys;
    private final StoreConfig config;
    private final ChunkCrypto crypto;
    /** Where a put that lost the race for its name gives its never-published allocation back. */
    private final CiphertextPool ciphertextPool;

    PlaintextSealer(StoreLock lock, TensorCatalogue tensors, KeyCustody keys, StoreConfig config, ChunkCrypto crypto,
                    CiphertextPool ciphertextPool) {
        this.lock = lock;
        this.tensors = tensors;
        this.keys = keys;
        this.config = config;
        this.crypto = crypto;
        this.ciphertextPool = ciphertextPool;
    }

    /** Seals {@code data} (exactly {@code info.byteSize()} bytes; not modified) as a new tensor. */
    void put(TensorInfo info, MemorySegment data) {
        if (data.byteSize() != info.byteSize()) {
            throw new IllegalArgumentException("tensor '" + info.name() + "' is " + info.byteSize() + " bytes ("
                    + info.dtype() + Arrays.toString(info.shape()) + "), the data given is " + data.byteSize());
        }
        lock.shared(() -> {
            TensorMeta meta = tensors.newMeta(info, config);
            DataKey key = keys.newDataKey();
            int n = meta.chunkCount();
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            ChunkCrypto.Sealed sealed;
            try {
                sealed = crypto.sealInto(meta, all, n, key, 0, data, 0);
            } catch (RuntimeException | Error e) {
                keys.retire(key);
                if (data.isMapped() && MappedSource.isMappingFault(e)) {
                    throw MappedSource.fileChanged("the mapped input", info.name(), -1);
                }
                throw e;
            }
            TensorState st = TensorState.sealed(ChunkTable.sealedUnder(meta, key, 0, sealed.chunks()), key, sealed.allocation());
            if (!tensors.add(st)) {
                keys.retire(key);
                ciphertextPool.give(sealed.allocation()); // never published: nobody else saw it
                throw TensorCatalogue.alreadyExists(info.name());
            }
        });
    }

    /** Re-seals a writable view's touched chunks under the tensor's epoch key at a fresh generation, and publishes them. */
    void commit(WriteLease w) {
        TensorState st = w.state;
        lock.shared(() -> {
            st.checkCommittable();
            int[] idx = w.dirty.stream().toArray();
            if (idx.length == 0) {
                return;
            }
            long gen = st.takeGeneration();
            DataKey key = st.epochKey(keys::newDataKey);
            ChunkTable old = st.table();
            MemorySegment[] sealed = crypto.seal(old.meta, idx, idx.length, key, gen, w.block.segment(), w.spanStart);
            keys.retireAll(st.publish(old.with(idx, idx.length, key, gen, sealed)));
            w.dirty.clear();
        });
    }
}
