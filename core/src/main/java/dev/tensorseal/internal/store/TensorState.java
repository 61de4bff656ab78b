package dev.tensorseal.internal.store;

import dev.tensorseal.internal.memory.CiphertextPool;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A tensor in a store: its committed table, its write lock, the DEK this store instance writes it
 * under (created on the first write in this instance: write epochs), and its next generation.
 */
final class TensorState {
    /** One permit: the tensor's single writer. A semaphore, not a lock, because a view may be closed on another thread. */
    final Semaphore writeLock = new Semaphore(1);
    final AtomicReference<ChunkTable> committed;
    /** Guarded by writeLock. Null until this instance first writes the tensor. */
    DataKey epochKey;
    /** Guarded by writeLock. Generations only grow, across epochs too. */
    long nextGeneration;
    volatile boolean removed;
    /**
     * The allocation {@code put} sealed this tensor into, while nothing else can hold it: cleared when the tensor is
     * written, rekeyed, or its chunks leave the store in a snapshot. {@code remove} gives it to the
     * {@link CiphertextPool}. Written under the store's structure lock.
     */
    volatile java.lang.foreign.MemorySegment ownCiphertext;

    TensorState(ChunkTable table, DataKey epochKey, long nextGeneration) {
        this.committed = new AtomicReference<>(table);
        this.epochKey = epochKey;
        this.nextGeneration = nextGeneration;
    }

    ChunkTable table() {
        return committed.get();
    }
}
