package dev.tensorseal.internal.store;

import dev.tensorseal.IntegrityException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a batched AES-GCM launch (the GPU kernel, or its host build) needs to open one committed
 * tensor: per chunk its ciphertext || tag, its key's index into {@link #keys()}, and the nonce and
 * AAD exactly as {@link ChunkCrypto} computes them ({@link ChunkAad}). Only valid inside
 * {@link SealedStore#withChunkPlan}: the keys may be zeroed once it returns.
 */
public final class ChunkPlan {
    private final ChunkTable table;
    private final List<DataKey> keys = new ArrayList<>();
    private final int[] keyIndex;
    private final byte[] aad;
    private final byte[] nonce = new byte[ChunkAad.NONCE_BYTES];
    private final int prefixLength;
    private final ChunkSource source;

    ChunkPlan(ChunkTable table, ChunkSource source) {
        this.table = table;
        this.source = source;
        TensorMeta meta = table.meta;
        Map<DataKey, Integer> index = new IdentityHashMap<>();
        keyIndex = new int[meta.chunkCount()];
        for (int i = 0; i < keyIndex.length; i++) {
            keyIndex[i] = index.computeIfAbsent(table.key(i), k -> {
                keys.add(k);
                return keys.size() - 1;
            });
        }
        byte[] prefix = meta.aadPrefix();
        prefixLength = prefix.length;
        aad = ChunkAad.newBuffer(prefix);
    }

    public TensorMeta meta() {
        return table.meta;
    }

    /** The distinct data keys of the tensor (32 bytes each, off-heap); do not keep them past the plan. */
    public List<MemorySegment> keys() {
        return keys.stream().map(DataKey::insecureKeySegment).toList();
    }

    public int keyIndex(int chunk) {
        return keyIndex[chunk];
    }

    /** The chunk's ciphertext || tag, checked against the size the table implies. */
    public MemorySegment sealedChunk(int chunk) {
        MemorySegment ct = table.chunk(chunk);
        long expected = (long) table.meta.plainBytes(chunk) + DataKey.TAG_BYTES;
        if (ct.byteSize() != expected) {
            throw new IntegrityException(table.meta.name(), chunk, "sealed chunk is " + ct.byteSize()
                    + " bytes, the table says " + expected);
        }
        return ct;
    }

    /**
     * Copies chunk {@code chunk}'s ciphertext || tag into {@code target} at {@code targetOffset}: for a chunk of a
     * mapped file, read once from the file ({@link ChunkSource}), so what the device checks is what it decrypts
     * and a truncated file is an {@link IntegrityException}, not a fault.
     */
    public void copySealedChunk(int chunk, MemorySegment target, long targetOffset) {
        MemorySegment ct = sealedChunk(chunk);
        if (source != null && source.covers(ct)) {
            source.copy(ct, target, targetOffset, table.meta.name(), chunk);
        } else {
            try {
                MemorySegment.copy(ct, 0, target, targetOffset, ct.byteSize());
            } catch (InternalError e) { // a mapping without a MappedSource, truncated under the copy
                if (!ct.isMapped()) {
                    throw e;
                }
                throw MappedSource.fileChanged(null, table.meta.name(), chunk);
            }
        }
    }

    /**
     * Copies chunk {@code first} and the chunks after it, up to {@code last} (exclusive), into {@code target} from
     * {@code targetOffset}, back to back, and returns the chunk after the last one copied. From a remote source the
     * chunks that lie back to back in the file are fetched in one request of at most its
     * {@link ChunkSource#runBytes()} (one request per chunk before); otherwise this copies one chunk.
     */
    public int copySealedRun(int first, int last, MemorySegment target, long targetOffset) {
        MemorySegment ct = sealedChunk(first);
        if (source == null || source.runBytes() <= 0 || !source.covers(ct)) {
            copySealedChunk(first, target, targetOffset);
            return first + 1;
        }
        long from = source.offsetOf(ct);
        long end = from + ct.byteSize();
        int next = first + 1;
        for (; next < last; next++) {
            MemorySegment c = sealedChunk(next);
            if (!source.covers(c) || source.offsetOf(c) != end || end + c.byteSize() - from > source.runBytes()) {
                break;
            }
            end += c.byteSize();
        }
        source.read(from, end - from, target, targetOffset, table.meta.name(), first);
        return next;
    }

    /** AAD bytes of every chunk of this tensor (the same length for all). */
    public int aadBytes() {
        return aad.length;
    }

    /** Writes chunk {@code chunk}'s AAD into {@code aadOut} ({@link #aadBytes()}) and nonce into {@code nonceOut} (12). */
    public void aadAndNonce(int chunk, byte[] aadOut, byte[] nonceOut) {
        ChunkAad.fill(aad, prefixLength, nonce, chunk, table.meta.chunkCount(), table.key(chunk).keyId(),
                table.generation(chunk));
        System.arraycopy(aad, 0, aadOut, 0, aad.length);
        System.arraycopy(nonce, 0, nonceOut, 0, nonce.length);
    }
}
