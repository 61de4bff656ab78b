package dev.tensorseal.internal.store;

import dev.tensorseal.TensorInfo;
import java.lang.foreign.MemorySegment;

/**
 * Sealing outside the store (on a GPU): hands out {@link SealReservation}s, a fresh data key and a range of
 * generations each, and publishes what they seal. A reservation's key stays in {@link KeyCustody}'s reserved set
 * (re-wrapped by a rekey, zeroed at close) until its first commit puts it in a table.
 */
final class DeviceReservations {
    private final StoreLock lock;
    private final TensorCatalogue tensors;
    private final KeyCustody keys;
    private final StoreConfig config;

    DeviceReservations(StoreLock lock, TensorCatalogue tensors, KeyCustody keys, StoreConfig config) {
        this.lock = lock;
        this.tensors = tensors;
        this.keys = keys;
        this.config = config;
    }

    /**
     * Reserves a fresh data key and generations {@code 0..generations-1} for a new tensor {@code info}; the first
     * {@link SealReservation#commit} creates it (and fails if the name was taken meanwhile). A tensor of that name
     * must not exist now.
     */
    SealReservation reserveNew(TensorInfo info, long generations) {
        TensorState.checkGenerationCount(generations, 0, info.name());
        return lock.shared(() -> {
            TensorMeta meta = tensors.newMeta(info, config);
            return new SealReservation(this, meta, keys.newReservedKey(), null, 0, generations);
        });
    }

    /**
     * Reserves a fresh data key and the next {@code generations} generations of existing tensor {@code name}, taking
     * its writer permit (waiting up to {@code waitNanos}) until the reservation closes. Generations are spent now: the
     * store's own later writes start after the range.
     */
    SealReservation reserveExisting(String name, long generations, long waitNanos) {
        return tensors.writing(name, waitNanos, st -> {
            long first = st.takeGenerations(generations);
            return new SealReservation(this, st.table().meta, keys.newReservedKey(), st, first, generations);
        });
    }

    void observeSealed(byte[] keyId, byte[] nonce) {
        config.nonceObserver().sealed(keyId, nonce);
    }

    /** Publishes a reservation's sealed chunks; returns the tensor's state (created for a new tensor). */
    TensorState commit(SealReservation r, TensorState st, long generation, MemorySegment[] chunks) {
        return lock.shared(() -> {
            ChunkTable next = ChunkTable.sealedUnder(r.meta(), r.dataKey(), generation, chunks);
            if (st == null) {
                TensorState created = TensorState.createdByReservation(next, r.endGeneration());
                if (!tensors.add(created)) {
                    throw new IllegalArgumentException("tensor '" + r.meta().name() + "' was created by another writer"
                            + " while it was being sealed on the device");
                }
                keys.adopted(r.dataKey());
                return created;
            }
            st.checkCommittable();
            keys.retireAll(st.publish(next));
            keys.adopted(r.dataKey());
            return st;
        });
    }

    /** Ends a reservation: a key never committed is retired (zeroed at the next sweep), the writer permit released. */
    void release(SealReservation r, TensorState st, boolean committed) {
        if (!committed) {
            keys.released(r.dataKey());
        }
        if (st != null) {
            st.releaseWriter();
        }
    }
}
