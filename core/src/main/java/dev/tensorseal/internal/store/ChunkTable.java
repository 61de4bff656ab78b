package dev.tensorseal.internal.store;

import java.lang.foreign.MemorySegment;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * One committed state of a tensor: for every chunk, the key that sealed it, its generation and its
 * ciphertext || tag. Immutable after construction (arrays are never handed out); a commit builds a
 * new table and publishes it with one reference swap, so a reader sees the old state or the new one.
 */
final class ChunkTable {
    final TensorMeta meta;
    private final DataKey[] keys;
    private final long[] generations;
    private final MemorySegment[] chunks;

    ChunkTable(TensorMeta meta, DataKey[] keys, long[] generations, MemorySegment[] chunks) {
        int n = meta.chunkCount();
        if (keys.length != n || generations.length != n || chunks.length != n) {
            throw new IllegalArgumentException("tensor '" + meta.name() + "' has " + n + " chunks, table entries differ");
        }
        this.meta = meta;
        this.keys = keys;
        this.generations = generations;
        this.chunks = chunks;
    }

    /** A table whose every chunk was sealed under {@code key} at {@code generation}: a put, a reservation, a reseal. */
    static ChunkTable sealedUnder(TensorMeta meta, DataKey key, long generation, MemorySegment[] chunks) {
        int n = meta.chunkCount();
        DataKey[] keys = new DataKey[n];
        java.util.Arrays.fill(keys, key);
        long[] generations = new long[n];
        java.util.Arrays.fill(generations, generation);
        return new ChunkTable(meta, keys, generations, chunks);
    }

    DataKey key(int i) {
        return keys[i];
    }

    long generation(int i) {
        return generations[i];
    }

    MemorySegment chunk(int i) {
        return chunks[i];
    }

    long maxGeneration() {
        long max = -1;
        for (long g : generations) {
            max = Math.max(max, g);
        }
        return max;
    }

    long sealedBytes() {
        long s = 0;
        for (MemorySegment c : chunks) {
            s += c.byteSize();
        }
        return s;
    }

    /** This table with chunks {@code indices} replaced (all sealed under {@code key} at {@code generation}). */
    ChunkTable with(int[] indices, int count, DataKey key, long generation, MemorySegment[] sealed) {
        DataKey[] k = keys.clone();
        long[] g = generations.clone();
        MemorySegment[] c = chunks.clone();
        for (int j = 0; j < count; j++) {
            int i = indices[j];
            k[i] = key;
            g[i] = generation;
            c[i] = sealed[j];
        }
        return new ChunkTable(meta, k, g, c);
    }

    /** The distinct keys this table uses. */
    Map<DataKey, Boolean> distinctKeys() {
        Map<DataKey, Boolean> m = new IdentityHashMap<>();
        for (DataKey k : keys) {
            m.put(k, Boolean.TRUE);
        }
        return m;
    }
}
