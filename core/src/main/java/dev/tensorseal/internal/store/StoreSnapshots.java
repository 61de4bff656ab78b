package dev.tensorseal.internal.store;

import dev.tensorseal.IntegrityException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Between a store's tensors and a {@link StoreSnapshot}: taking one (under the exclusive lock: a consistent picture)
 * and loading one into a new store, where every table entry is checked before anything uses it.
 */
final class StoreSnapshots {
    private StoreSnapshots() {}

    /** The persistable picture of {@code tensors}; the caller holds the exclusive lock and has swept retired keys. */
    static StoreSnapshot take(TensorCatalogue tensors, KeyCustody keys) {
        Map<DataKey, Integer> index = new IdentityHashMap<>();
        List<StoreSnapshot.WrappedKey> wrapped = new ArrayList<>();
        List<StoreSnapshot.Tensor> out = new ArrayList<>();
        for (TensorState st : tensors.inNameOrder()) {
            ChunkTable t = st.table();
            st.disownCiphertext();
            int n = t.meta.chunkCount();
            int[] ki = new int[n];
            long[] gens = new long[n];
            MemorySegment[] chunks = new MemorySegment[n];
            for (int i = 0; i < n; i++) {
                DataKey k = t.key(i);
                Integer at = index.get(k);
                if (at == null) {
                    at = wrapped.size();
                    index.put(k, at);
                    wrapped.add(new StoreSnapshot.WrappedKey(k.keyId(), k.wrapped()));
                }
                ki[i] = at;
                gens[i] = t.generation(i);
                chunks[i] = t.chunk(i).asReadOnly();
            }
            out.add(new StoreSnapshot.Tensor(t.meta.tensorId(), t.meta.info(), t.meta.chunkSizeBytes(), ki, gens, chunks));
        }
        return new StoreSnapshot(keys.storeId(), ChunkAad.FORMAT_VERSION, wrapped, out);
    }

    /**
     * Unwraps every data key of {@code snapshot} (a wrong master key fails here) and adds its tensors to the empty
     * {@code tensors}; an entry out of range is an {@link IntegrityException}. A key no tensor uses is zeroed at the
     * store's next sweep; on failure the caller closes the store, which zeroes every key loaded so far.
     */
    static void load(StoreSnapshot snapshot, TensorCatalogue tensors, KeyCustody keys) {
        List<DataKey> unwrapped = new ArrayList<>();
        for (StoreSnapshot.WrappedKey w : snapshot.keys()) {
            DataKey k = keys.unwrap(w);
            unwrapped.add(k);
            keys.retire(k); // zeroed at close() unless adopted by a tensor below
        }
        for (StoreSnapshot.Tensor t : snapshot.tensors()) {
            TensorState st = TensorState.restored(table(t, unwrapped));
            if (!tensors.add(st)) {
                throw new IntegrityException("tensor '" + st.name() + "' appears twice in the table");
            }
        }
        keys.unretire(tensors.liveKeys());
    }

    private static ChunkTable table(StoreSnapshot.Tensor t, List<DataKey> keys) {
        TensorMeta meta = new TensorMeta(t.tensorId(), t.info(), t.chunkSizeBytes());
        int n = meta.chunkCount();
        int[] ki = t.keyIndex();
        long[] gens = t.generations();
        MemorySegment[] chunks = t.chunks();
        if (ki.length != n || gens.length != n || chunks.length != n) {
            throw new IntegrityException("tensor '" + meta.name() + "' needs " + n + " chunk entries, the table has "
                    + ki.length + "/" + gens.length + "/" + chunks.length);
        }
        DataKey[] k = new DataKey[n];
        for (int i = 0; i < n; i++) {
            if (ki[i] < 0 || ki[i] >= keys.size()) {
                throw new IntegrityException(meta.name(), i, "key index " + ki[i] + " is outside the key table of " + keys.size());
            }
            if (gens[i] < 0 || gens[i] >= TensorState.GENERATION_LIMIT) {
                throw new IntegrityException(meta.name(), i, "generation " + gens[i] + " is out of range");
            }
            k[i] = keys.get(ki[i]);
        }
        return new ChunkTable(meta, k, gens, chunks);
    }
}
