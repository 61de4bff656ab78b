package dev.tensorseal.internal.store;

import dev.tensorseal.TensorInfo;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Everything needed to persist a store and to open it again: the seam the {@code .tseal} file code
 * builds on. Ciphertext segments are the store's own (a snapshot copies tables, not bytes); a
 * restored store reads whatever segments it is given (e.g. slices of a memory-mapped file), which
 * must stay valid until the store is closed.
 *
 * @param storeId       16 random bytes; the HKDF salt of the key-encryption key
 * @param formatVersion {@link ChunkAad#FORMAT_VERSION}
 * @param keys          every data key the tensors reference, wrapped (RFC 5649) under the current KEK
 * @param tensors       the tensors, in name order
 */
public record StoreSnapshot(byte[] storeId, int formatVersion, List<WrappedKey> keys, List<Tensor> tensors) {
    public StoreSnapshot {
        storeId = storeId.clone();
        keys = List.copyOf(keys);
        tensors = List.copyOf(tensors);
    }

    @Override
    public byte[] storeId() {
        return storeId.clone();
    }

    /** A data key: 16-byte id and its RFC 5649 wrapping (40 bytes for a 32-byte key). */
    public record WrappedKey(byte[] keyId, byte[] wrappedKey) {
        public WrappedKey {
            keyId = keyId.clone();
            wrappedKey = wrappedKey.clone();
        }

        @Override
        public byte[] keyId() {
            return keyId.clone();
        }

        @Override
        public byte[] wrappedKey() {
            return wrappedKey.clone();
        }
    }

    /**
     * One tensor's table. For chunk {@code i}: {@code keyIndex[i]} indexes {@link #keys},
     * {@code generations[i]} is its generation, {@code chunks[i]} its ciphertext || 16-byte tag
     * ({@code plainBytes(i) + 16} bytes, chunks laid out in index order when taken from a store).
     */
    public record Tensor(byte[] tensorId, TensorInfo info, int chunkSizeBytes, int[] keyIndex, long[] generations,
                         MemorySegment[] chunks) {
        public Tensor {
            tensorId = tensorId.clone();
            keyIndex = keyIndex.clone();
            generations = generations.clone();
            chunks = chunks.clone();
        }

        @Override
        public byte[] tensorId() {
            return tensorId.clone();
        }

        @Override
        public int[] keyIndex() {
            return keyIndex.clone();
        }

        @Override
        public long[] generations() {
            return generations.clone();
        }

        @Override
        public MemorySegment[] chunks() {
            return chunks.clone();
        }
    }
}
