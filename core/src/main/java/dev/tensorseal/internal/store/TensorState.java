package dev.tensorseal.internal.store;

import dev.tensorseal.CapacityException;
import dev.tensorseal.WriteConflictException;
import dev.tensorseal.internal.memory.CiphertextPool;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A tensor in a store, and the rules that keep its nonces fresh: one writer at a time (a permit, since a view may be
 * closed on another thread); a generation counter that only grows, across write epochs too, and is spent before any
 * sealing with it starts; the data key this store instance writes it under (created on its first write here: a
 * write epoch); and a committed {@link ChunkTable} replaced by one reference swap, so a reader sees the old state or
 * the new one. The counter and the epoch key belong to whoever holds the writer permit.
 */
final class TensorState {
    /** Generations are 0 .. 2^63 - 2; reaching this value means the tensor's nonce space is spent. */
    static final long GENERATION_LIMIT = Long.MAX_VALUE;

    private final Semaphore writer = new Semaphore(1);
    private final AtomicReference<ChunkTable> committed;
    /** Guarded by the writer permit. Null until this instance first writes the tensor. */
    private DataKey epochKey;
    /** Guarded by the writer permit. */
    private long nextGeneration;
    private volatile boolean removed;
    /**
     * The allocation {@code put} sealed this tensor into, while nothing else can hold it: cleared when the tensor is
     * written, rekeyed, or its chunks leave the store in a snapshot. {@code remove} gives it to the
     * {@link CiphertextPool}. Written under the store's lock.
     */
    private volatile MemorySegment ownCiphertext;

    private TensorState(ChunkTable table, DataKey epochKey, long nextGeneration, MemorySegment ownCiphertext) {
        this.committed = new AtomicReference<>(table);
        this.epochKey = epochKey;
        this.nextGeneration = nextGeneration;
        this.ownCiphertext = ownCiphertext;
    }

    /** A tensor just sealed by {@code put} at generation 0 under {@code key}, into {@code allocation}. */
    static TensorState sealed(ChunkTable table, DataKey key, MemorySegment allocation) {
        return new TensorState(table, key, 1, allocation);
    }

    /** A tensor from a persisted table: the next generation follows the highest one in it. */
    static TensorState restored(ChunkTable table) {
        return new TensorState(table, null, table.maxGeneration() + 1, null);
    }

    /**
     * A tensor created by a reservation's first commit, whose generations up to {@code nextGeneration} are the
     * reservation's; the reservation holds its writer permit from the start (nobody else has seen it yet).
     */
    static TensorState createdByReservation(ChunkTable table, long nextGeneration) {
        TensorState st = new TensorState(table, null, nextGeneration, null);
        st.writer.acquireUninterruptibly();
        return st;
    }

    ChunkTable table() {
        return committed.get();
    }

    String name() {
        return table().meta.name();
    }

    // ---- the writer ----

    /** Takes the writer permit, waiting up to {@code waitNanos} (0: fail at once). */
    void acquireWriter(long waitNanos) {
        boolean got;
        try {
            got = waitNanos <= 0 ? writer.tryAcquire() : writer.tryAcquire(waitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WriteConflictException("interrupted while waiting to write tensor '" + name() + "'");
        }
        if (!got) {
            throw new WriteConflictException("tensor '" + name() + "' is open for writing by another view"
                    + (waitNanos > 0 ? " (waited " + TimeUnit.NANOSECONDS.toMillis(waitNanos) + " ms)" : "")
                    + "; close that view first, or pass a wait time");
        }
    }

    /** Waits for the writer permit however long it takes (deep rekey: a writer's view is closed eventually). */
    void acquireWriterUninterruptibly() {
        writer.acquireUninterruptibly();
    }

    boolean tryAcquireWriter() {
        return writer.tryAcquire();
    }

    void releaseWriter() {
        writer.release();
    }

    // ---- generations (writer permit held) ----

    /** The next generation, without spending it: refuses a writer that could never commit. */
    long checkGenerationLeft() {
        long gen = nextGeneration;
        if (gen >= GENERATION_LIMIT) {
            throw new CapacityException("tensor '" + name() + "' has used all 2^63 - 1 generations: no fresh nonce is left;"
                    + " copy it into a new tensor (new id, new data key)");
        }
        return gen;
    }

    /**
     * Spends the next generation before anything is sealed with it: a sealing that fails half-way (interrupted, engine
     * error) must not leave it free for a retry that would seal other bytes under the same nonces.
     */
    long takeGeneration() {
        long gen = checkGenerationLeft();
        nextGeneration = gen + 1;
        return gen;
    }

    /** Spends the next {@code count} generations (a reservation's range); returns the first. */
    long takeGenerations(long count) {
        long first = checkGenerationLeft();
        checkGenerationCount(count, first, name());
        nextGeneration = first + count;
        return first;
    }

    /** Refuses a range of {@code count} generations from {@code first} that does not fit below the limit. */
    static void checkGenerationCount(long count, long first, String name) {
        if (count < 1 || count > GENERATION_LIMIT - first) {
            throw new CapacityException("cannot reserve " + count + " generations for tensor '" + name + "' from "
                    + first + ": 1 to " + (GENERATION_LIMIT - first) + " are left");
        }
    }

    /** This instance's write-epoch key, created by {@code create} on the first write here. */
    DataKey epochKey(Supplier<DataKey> create) {
        if (epochKey == null) {
            epochKey = create.get();
        }
        return epochKey;
    }

    // ---- publishing (store's shared lock held) ----

    /**
     * Makes {@code next} the committed table and returns the data keys the old table used that neither {@code next}
     * nor the write-epoch key does (the caller retires them). From here the chunks come from more than one allocation
     * (or a reader may still hold the old ones): there is no longer one to give back.
     */
    List<DataKey> publish(ChunkTable next) {
        ChunkTable old = table();
        ownCiphertext = null;
        committed.set(next);
        Map<DataKey, Boolean> still = next.distinctKeys();
        List<DataKey> unused = new ArrayList<>();
        for (DataKey k : old.distinctKeys().keySet()) {
            if (k != epochKey && !still.containsKey(k)) {
                unused.add(k);
            }
        }
        return unused;
    }

    /**
     * As {@link #publish} for a table resealed whole under {@code key}, which becomes the write-epoch key; the
     * previous epoch key is among the keys returned.
     */
    List<DataKey> publishResealed(ChunkTable next, DataKey key) {
        DataKey oldEpoch = epochKey;
        boolean oldEpochInTable = oldEpoch != null && table().distinctKeys().containsKey(oldEpoch);
        epochKey = key;
        List<DataKey> unused = publish(next);
        if (oldEpoch != null && !oldEpochInTable) {
            unused.add(oldEpoch);
        }
        return unused;
    }

    /** Its chunks leave the store's control (a snapshot): never reuse their allocation for another tensor. */
    void disownCiphertext() {
        ownCiphertext = null;
    }

    // ---- removal (store's exclusive lock held) ----

    /**
     * Marks the tensor removed (every later lookup that raced the removal sees it) and returns the allocation it may
     * give back for reuse, or null.
     */
    MemorySegment markRemoved() {
        removed = true;
        MemorySegment own = ownCiphertext;
        ownCiphertext = null;
        return own;
    }

    /** For paths that looked the tensor up before taking the store's lock: a remove may have come in between. */
    void checkNotRemoved() {
        if (removed) {
            throw TensorCatalogue.removed(name());
        }
    }

    /** For a writer that outlived its tensor. */
    void checkCommittable() {
        if (removed) {
            throw new IllegalStateException("tensor '" + name() + "' was removed; nothing to commit to");
        }
    }

    boolean isRemoved() {
        return removed;
    }

    /** Every data key this tensor can still seal or open with: its table's and its write-epoch key. */
    Map<DataKey, Boolean> liveKeys() {
        Map<DataKey, Boolean> live = new IdentityHashMap<>(table().distinctKeys());
        DataKey e = epochKey;
        if (e != null) {
            live.put(e, Boolean.TRUE);
        }
        return live;
    }
}
