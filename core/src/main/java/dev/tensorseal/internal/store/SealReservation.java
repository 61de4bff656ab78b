package dev.tensorseal.internal.store;

import dev.tensorseal.CapacityException;
import java.lang.foreign.MemorySegment;

/**
 * A fresh data key and a range of generations reserved from a store, for sealing a tensor outside
 * the store (on a GPU) so that its nonces can never repeat one the store uses: the key is new and
 * random, and the generations are taken from the tensor's counter before any sealing starts. It
 * holds the tensor's write permit until closed, so no other writer interleaves.
 *
 * <p>Use: {@link #takeGeneration()}, seal every chunk with {@link #aadAndNonce} under {@link #key()},
 * then {@link #commit}; repeat within the range; {@link #close()}. A generation is used for one
 * sealing only, even if that sealing is never committed.
 */
public final class SealReservation implements AutoCloseable {
    private final DeviceReservations reservations;
    private final TensorMeta meta;
    private final DataKey key;
    private final long firstGeneration;
    private final long generationCount;
    private final byte[] aad;
    private final int prefixLength;
    /** Null for a new tensor until the first commit creates it. */
    private TensorState state;
    private long taken;
    private boolean committed;
    private boolean closed;

    SealReservation(DeviceReservations reservations, TensorMeta meta, DataKey key, TensorState state, long firstGeneration,
                    long generationCount) {
        this.reservations = reservations;
        this.meta = meta;
        this.key = key;
        this.state = state;
        this.firstGeneration = firstGeneration;
        this.generationCount = generationCount;
        byte[] prefix = meta.aadPrefix();
        this.prefixLength = prefix.length;
        this.aad = ChunkAad.newBuffer(prefix);
    }

    public TensorMeta meta() {
        return meta;
    }

    public byte[] keyId() {
        return key.keyId().clone();
    }

    /** The reserved data key (32 bytes, off-heap) for building key contexts; valid until {@link #close()}. */
    public MemorySegment key() {
        checkOpen();
        return key.insecureKeySegment();
    }

    public long firstGeneration() {
        return firstGeneration;
    }

    public long generationCount() {
        return generationCount;
    }

    /** The next unused generation of the range; each is handed out once. */
    public synchronized long takeGeneration() {
        checkOpen();
        if (taken == generationCount) {
            throw new CapacityException("all " + generationCount + " generations reserved for tensor '" + meta.name()
                    + "' are used; reserve again");
        }
        return firstGeneration + taken++;
    }

    /** AAD bytes of every chunk (the same length for all). */
    public int aadBytes() {
        return aad.length;
    }

    /**
     * Writes the AAD and nonce chunk {@code chunk} is sealed with at {@code generation} (one from
     * {@link #takeGeneration()}), exactly as the store computes them, and tells the store's nonce observer.
     */
    public synchronized void aadAndNonce(int chunk, long generation, byte[] aadOut, byte[] nonceOut) {
        checkTaken(generation);
        if (chunk < 0 || chunk >= meta.chunkCount()) {
            throw new IndexOutOfBoundsException("chunk " + chunk + " of tensor '" + meta.name() + "' with "
                    + meta.chunkCount() + " chunks");
        }
        ChunkAad.fill(aad, prefixLength, nonceOut, chunk, meta.chunkCount(), key.keyId(), generation);
        System.arraycopy(aad, 0, aadOut, 0, aad.length);
        reservations.observeSealed(key.keyId().clone(), nonceOut.clone());
    }

    /**
     * Publishes {@code chunks} (ciphertext || tag of every chunk, sealed at {@code generation}) as
     * the tensor's state: creates the tensor on the first commit of a new one, replaces it otherwise.
     */
    public synchronized void commit(long generation, MemorySegment[] chunks) {
        checkOpen();
        checkTaken(generation);
        if (chunks.length != meta.chunkCount()) {
            throw new IllegalArgumentException("tensor '" + meta.name() + "' has " + meta.chunkCount() + " chunks, "
                    + chunks.length + " given");
        }
        for (int i = 0; i < chunks.length; i++) {
            long expected = (long) meta.plainBytes(i) + DataKey.TAG_BYTES;
            if (chunks[i].byteSize() != expected) {
                throw new IllegalArgumentException("chunk " + i + " of tensor '" + meta.name() + "' is "
                        + chunks[i].byteSize() + " bytes sealed, expected " + expected);
            }
        }
        state = reservations.commit(this, state, generation, chunks.clone());
        committed = true;
    }

    DataKey dataKey() {
        return key;
    }

    long endGeneration() {
        return firstGeneration + generationCount;
    }

    private void checkTaken(long generation) {
        if (generation < firstGeneration || generation >= firstGeneration + taken) {
            throw new IllegalArgumentException("generation " + generation + " was not taken from this reservation ("
                    + firstGeneration + " + " + taken + " taken)");
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("reservation for tensor '" + meta.name() + "' already closed");
        }
    }

    /** Releases the write permit; a key never committed is zeroed with the store's retired keys. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        reservations.release(this, state, committed);
    }
}
