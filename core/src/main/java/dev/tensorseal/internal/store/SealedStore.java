package dev.tensorseal.internal.store;

import dev.tensorseal.CapacityException;
import dev.tensorseal.IntegrityException;
import dev.tensorseal.KeySource;
import dev.tensorseal.StoreStats;
import dev.tensorseal.TensorInfo;
import dev.tensorseal.TensorSealException;
import dev.tensorseal.WriteConflictException;
import dev.tensorseal.internal.crypto.GcmEngine;
import dev.tensorseal.internal.crypto.Hkdf;
import dev.tensorseal.internal.crypto.SecretBytes;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The store behind {@link dev.tensorseal.TensorStore}. Locking: every crypto operation (read,
 * commit, put) runs under the shared side of {@code structure}; operations that replace keys or
 * need a consistent picture of all tensors (rekey, remove, snapshot, close, retiring data keys) take
 * the exclusive side, so a data key is never closed while a chunk is being sealed or opened with it.
 * Views hold no lock while open. The lock is fair: a reader waiting for it goes before a writer's next exclusive
 * operation, so a writer looping rekey or remove cannot keep readers out (a serving process reads far more than it
 * writes); see ReaderProgressTest.
 */
public final class SealedStore implements AutoCloseable {
    static final byte[] KEK_INFO = "tensorseal v1 data-key wrapping key".getBytes(StandardCharsets.US_ASCII);
    static final int STORE_ID_BYTES = 16;
    /** Generations are 0 .. 2^63 - 2; reaching this value means the tensor's nonce space is spent. */
    static final long GENERATION_LIMIT = Long.MAX_VALUE;

    private final StoreConfig config;
    private final GcmEngine engine;
    private final byte[] storeId;
    private final ReentrantReadWriteLock structure = new ReentrantReadWriteLock(true);
    private final ConcurrentHashMap<String, TensorState> tensors = new ConcurrentHashMap<>();
    private final Set<ViewLease> openViews = ConcurrentHashMap.newKeySet();
    /** Insertion-ordered identity set: retiring is O(1), so a store of many small tensors seals in linear time. */
    private final Set<DataKey> retired = java.util.Collections.newSetFromMap(new java.util.LinkedHashMap<>());
    /** Ciphertext memory of removed tensors, for the next put of about their size. */
    private final CiphertextPool ciphertextPool = CiphertextPool.fromSystemProperty();

    /** Keys of open reservations not yet committed into a table: zeroed at close if still here. */
    private final Set<DataKey> reservedKeys = java.util.Collections.newSetFromMap(new java.util.concurrent.ConcurrentHashMap<>());
    private final PlaintextPool pool;
    private final ChunkCrypto crypto;
    private SecretBytes master;
    private SecretBytes kek;
    /** The source {@link #master} came from (at open, or the last rekey): a passphrase key's KDF parameters. */
    private volatile KeySource keySource;
    private volatile boolean closed;

    private SealedStore(StoreConfig config, byte[] storeId) {
        this.config = config;
        this.engine = GcmEngine.named(config.engineName());
        // Once per JVM (~0.1 s): a model loaded once would otherwise be opened at the JIT's cold speed.
        this.engine.warmUp();
        this.storeId = storeId.clone();
        this.master = loadMaster(config.keySource());
        this.keySource = config.keySource();
        try {
            this.kek = deriveKek(master, this.storeId);
        } catch (RuntimeException e) {
            master.close();
            throw e;
        }
        this.pool = new PlaintextPool(config.plaintextMemory(), config.plaintextBudgetBytes());
        this.crypto = new ChunkCrypto(config.parallelism(), config.nonceObserver(), ciphertextPool, pool, config.plaintextMemory());
    }

    /** An empty store with a fresh id. */
    public static SealedStore create(StoreConfig config) {
        byte[] id = new byte[STORE_ID_BYTES];
        config.random().nextBytes(id);
        return new SealedStore(config, id);
    }

    /**
     * A store over a persisted table. Every data key is unwrapped now, so a wrong master key fails
     * here ({@link IntegrityException}); chunks are authenticated when read. The snapshot's
     * ciphertext segments are used in place and must outlive the store.
     */
    public static SealedStore restore(StoreConfig config, StoreSnapshot snapshot) {
        return restore(config, snapshot, null);
    }

    /** The file or remote object this store's file-backed chunks are read through, or null. */
    public ChunkSource source() {
        return crypto.source();
    }

    /**
     * As {@link #restore(StoreConfig, StoreSnapshot)} for a snapshot whose chunks are slices of {@code source}'s
     * range (a file's mapping, a remote object's reservation): every read of them goes through {@code source} (once,
     * into private memory), and the store closes it when it closes. On failure {@code source} is closed too.
     */
    public static SealedStore restore(StoreConfig config, StoreSnapshot snapshot, ChunkSource source) {
        return restore(config, snapshot, source, config.keySource());
    }

    /**
     * As {@link #restore(StoreConfig, StoreSnapshot, ChunkSource)} where {@code config}'s key source holds a key
     * already loaded from {@code origin} (so the open asks {@code origin} once): the store remembers {@code origin} as
     * its key's source ({@link #keySource()}: what a save records, e.g. a passphrase's Argon2id parameters).
     */
    public static SealedStore restore(StoreConfig config, StoreSnapshot snapshot, ChunkSource source, KeySource origin) {
        if (snapshot.formatVersion() != ChunkAad.FORMAT_VERSION) {
            throw new dev.tensorseal.UnsupportedParameterException("store format version " + snapshot.formatVersion()
                    + " is not supported; this build reads version " + ChunkAad.FORMAT_VERSION);
        }
        SealedStore s;
        try {
            s = new SealedStore(config, snapshot.storeId());
        } catch (RuntimeException e) {
            if (source != null) {
                source.close();
            }
            throw e;
        }
        s.crypto.source(source); // closed with the store's crypto
        s.keySource = origin;
        try {
            s.load(snapshot);
            return s;
        } catch (RuntimeException e) {
            s.closeQuietly();
            throw e;
        }
    }

    private void load(StoreSnapshot snapshot) {
        List<DataKey> keys = new ArrayList<>();
        for (StoreSnapshot.WrappedKey w : snapshot.keys()) {
            DataKey k = DataKey.unwrap(w.keyId(), w.wrappedKey(), kek, engine);
            keys.add(k);
            retired.add(k); // closed at close() unless adopted by a tensor below
        }
        for (StoreSnapshot.Tensor t : snapshot.tensors()) {
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
            long max = -1;
            for (int i = 0; i < n; i++) {
                if (ki[i] < 0 || ki[i] >= keys.size()) {
                    throw new IntegrityException(meta.name(), i, "key index " + ki[i] + " is outside the key table of " + keys.size());
                }
                if (gens[i] < 0 || gens[i] >= GENERATION_LIMIT) {
                    throw new IntegrityException(meta.name(), i, "generation " + gens[i] + " is out of range");
                }
                k[i] = keys.get(ki[i]);
                max = Math.max(max, gens[i]);
            }
            if (tensors.putIfAbsent(meta.name(), new TensorState(new ChunkTable(meta, k, gens, chunks), null, max + 1)) != null) {
                throw new IntegrityException("tensor '" + meta.name() + "' appears twice in the table");
            }
        }
        Map<DataKey, Boolean> used = new IdentityHashMap<>();
        for (TensorState st : tensors.values()) {
            used.putAll(st.table().distinctKeys());
        }
        retired.removeIf(used::containsKey);
    }

    private static SecretBytes loadMaster(KeySource source) {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment tmp = arena.allocate(KeySource.KEY_BYTES);
            try {
                source.writeKey(tmp);
                SecretBytes m = SecretBytes.copyOf(tmp);
                if (m.isAllZero()) {
                    m.close();
                    throw new dev.tensorseal.UnsupportedParameterException("the master key from " + source.description() + " is all zero");
                }
                return m;
            } finally {
                tmp.fill((byte) 0);
            }
        }
    }

    /**
     * What a save writes, taken in one hold of the store's lock so that no rekey can fall between them: the snapshot,
     * a copy of the master key its data keys are wrapped under (zeroed when this closes), that key's source, and the
     * file or remote object the snapshot's file-backed chunks are read through (null when none are).
     */
    public record SaveState(StoreSnapshot snapshot, SecretBytes master, KeySource origin, ChunkSource source)
            implements AutoCloseable {
        @Override
        public void close() {
            master.close();
        }
    }

    /**
     * The store's {@link SaveState}. With {@code expected} non-null, first checks (constant time) that it supplies the
     * store's current master key; {@code expected} is asked once, before the lock is taken.
     *
     * @throws UnsupportedParameterException when {@code expected} supplies another key (nothing to save under it:
     *         a file written so would open under no key)
     */
    public SaveState saveState(KeySource expected) {
        SecretBytes candidate = expected == null ? null : loadMaster(expected);
        try {
            structure.writeLock().lock();
            try {
                ensureOpen();
                if (candidate != null && !master.constantTimeEquals(candidate)) {
                    throw new dev.tensorseal.UnsupportedParameterException(expected.description()
                            + " is not the key this store is sealed under (after a rekey, save with the new key, or save"
                            + " without a key: the store's own is used)");
                }
                StoreSnapshot snap = snapshot(); // reentrant: the same hold of the lock
                return new SaveState(snap, SecretBytes.copyOf(master.insecureSegment()), keySource, crypto.source());
            } finally {
                structure.writeLock().unlock();
            }
        } finally {
            if (candidate != null) {
                candidate.close();
            }
        }
    }

    /** The source of the current master key (at open, or the last rekey); may have been closed by its owner. */
    public KeySource keySource() {
        return keySource;
    }

    static SecretBytes deriveKek(SecretBytes master, byte[] storeId) {
        return Hkdf.deriveSecret(master, storeId, KEK_INFO, 32);
    }

    // ---- tensors ----

    /** Seals {@code data} (exactly {@code info.byteSize()} bytes; not modified) as a new tensor. */
    public void put(TensorInfo info, MemorySegment data) {
        if (data.byteSize() != info.byteSize()) {
            throw new IllegalArgumentException("tensor '" + info.name() + "' is " + info.byteSize() + " bytes ("
                    + info.dtype() + java.util.Arrays.toString(info.shape()) + "), the data given is " + data.byteSize());
        }
        structure.readLock().lock();
        try {
            ensureOpen();
            TensorMeta meta = newTensorMeta(info);
            DataKey key = DataKey.create(config.random(), kek, engine);
            int n = meta.chunkCount();
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            DataKey[] keys = new DataKey[n];
            java.util.Arrays.fill(keys, key);
            ChunkCrypto.Sealed sealed;
            try {
                sealed = crypto.sealInto(meta, all, n, key, 0, data, 0);
            } catch (RuntimeException | Error e) {
                retire(key);
                if (data.isMapped() && MappedSource.isMappingFault(e)) {
                    throw MappedSource.fileChanged("the mapped input", info.name(), -1);
                }
                throw e;
            }
            TensorState st = new TensorState(new ChunkTable(meta, keys, new long[n], sealed.chunks()), key, 1);
            st.ownCiphertext = sealed.allocation();
            if (tensors.putIfAbsent(info.name(), st) != null) {
                retire(key);
                ciphertextPool.give(sealed.allocation()); // never published: nobody else saw it
                throw new IllegalArgumentException("tensor '" + info.name() + "' already exists: remove it first, or write to it");
            }
        } finally {
            structure.readLock().unlock();
        }
    }

    /** Decrypts the chunks covering {@code offsetBytes..+lengthBytes} into budgeted scratch. */
    public ViewLease read(String name, long offsetBytes, long lengthBytes) {
        TensorState st = state(name);
        structure.readLock().lock();
        try {
            ensureOpen();
            notRemoved(st, name);
            ChunkTable t = st.table();
            Span span = Span.of(t.meta, offsetBytes, lengthBytes);
            // Only the asked-for bytes are released and budgeted; the covering chunks are authenticated whole.
            PlaintextMemory.Block b = pool.take(lengthBytes, name);
            try {
                crypto.open(t, span.first, span.last, offsetBytes, offsetBytes + lengthBytes, b.segment());
            } catch (RuntimeException e) {
                pool.give(b);
                throw e;
            }
            ViewLease v = new ViewLease(this, t.meta.info(), offsetBytes, b, slice(b, 0, lengthBytes));
            openViews.add(v);
            return v;
        } finally {
            structure.readLock().unlock();
        }
    }

    /**
     * Authenticates every chunk of {@code name} without opening a view (no plaintext budget, nothing left
     * decrypted), chunk-parallel, reporting progress in plaintext bytes on the caller's thread after each batch.
     */
    public void verify(String name, java.util.function.LongConsumer progressBytes) {
        TensorState st = state(name);
        ChunkTable t = st.table();
        int n = t.meta.chunkCount();
        long batchBytes = VERIFY_BATCH_BYTES;
        int perBatch = (int) Math.max(1, batchBytes / Math.max(1, t.meta.plainBytes(0)));
        for (int first = 0; first < n; first += perBatch) {
            int last = Math.min(n, first + perBatch);
            structure.readLock().lock(); // the data keys stay open while chunks are checked with them
            try {
                ensureOpen();
                notRemoved(st, name); // its chunks may serve another tensor from then on
                crypto.authenticate(t, first, last);
            } finally {
                structure.readLock().unlock();
            }
            progressBytes.accept(t.meta.plainOffset(last - 1) + t.meta.plainBytes(last - 1) - t.meta.plainOffset(first));
        }
    }

    /** Plaintext bytes per verify batch: large enough to keep every core busy, small enough for steady progress. */
    static final long VERIFY_BATCH_BYTES = 64L << 20;

    /**
     * Takes the tensor's write permit (waiting up to {@code waitNanos}; 0 fails at once), then
     * decrypts the covered chunks like {@link #read}.
     */
    public WriteLease write(String name, long offsetBytes, long lengthBytes, long waitNanos) {
        TensorState st = state(name);
        acquireWritePermit(st, name, waitNanos);
        structure.readLock().lock();
        try {
            ensureOpen();
            if (st.removed) {
                throw new IllegalArgumentException("no tensor named '" + name + "' (it was removed)");
            }
            nextGeneration(st, name); // refuse a writer that could never commit
            ChunkTable t = st.table();
            Span span = Span.of(t.meta, offsetBytes, lengthBytes);
            PlaintextMemory.Block b = pool.take(span.bytes(), name);
            try {
                crypto.open(t, span.first, span.last, b.segment());
            } catch (RuntimeException e) {
                pool.give(b);
                throw e;
            }
            WriteLease w = new WriteLease(this, t.meta.info(), offsetBytes, b, slice(b, offsetBytes - span.start, lengthBytes),
                    st, span.first, span.last, span.start);
            openViews.add(w);
            return w;
        } catch (RuntimeException e) {
            st.writeLock.release();
            throw e;
        } finally {
            structure.readLock().unlock();
        }
    }

    private static void acquireWritePermit(TensorState st, String name, long waitNanos) {
        boolean got;
        try {
            got = waitNanos <= 0 ? st.writeLock.tryAcquire() : st.writeLock.tryAcquire(waitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WriteConflictException("interrupted while waiting to write tensor '" + name + "'");
        }
        if (!got) {
            throw new WriteConflictException("tensor '" + name + "' is open for writing by another view"
                    + (waitNanos > 0 ? " (waited " + TimeUnit.NANOSECONDS.toMillis(waitNanos) + " ms)" : "")
                    + "; close that view first, or pass a wait time");
        }
    }

    // ---- sealing and opening outside the store (GPU) ----

    /**
     * Runs {@code work} on the tensor's committed chunk table, under the shared lock so that its data
     * keys stay alive (and are not zeroed by a concurrent commit) until {@code work} returns.
     */
    public <T> T withChunkPlan(String name, java.util.function.Function<ChunkPlan, T> work) {
        TensorState st = state(name);
        structure.readLock().lock();
        try {
            ensureOpen();
            notRemoved(st, name);
            return work.apply(new ChunkPlan(st.table(), crypto.source()));
        } finally {
            structure.readLock().unlock();
        }
    }

    /** Metadata with a fresh random tensor id for a tensor that must not exist yet (caller holds the read lock). */
    private TensorMeta newTensorMeta(TensorInfo info) {
        TensorNames.check(info.name());
        if (tensors.containsKey(info.name())) {
            throw new IllegalArgumentException("tensor '" + info.name() + "' already exists: remove it first, or write to it");
        }
        byte[] id = new byte[TensorMeta.TENSOR_ID_BYTES];
        config.random().nextBytes(id);
        return new TensorMeta(id, info, config.chunkSizeBytes());
    }

    /**
     * Reserves a fresh data key and generations {@code 0..generations-1} for a new tensor
     * {@code info}; the first {@link SealReservation#commit} creates it (and fails if the name was
     * taken meanwhile). A tensor of that name must not exist now.
     */
    public SealReservation reserveNew(TensorInfo info, long generations) {
        checkGenerations(generations, 0, info.name());
        structure.readLock().lock();
        try {
            ensureOpen();
            TensorMeta meta = newTensorMeta(info);
            DataKey key = DataKey.create(config.random(), kek, engine);
            reservedKeys.add(key);
            return new SealReservation(this, meta, key, null, 0, generations);
        } finally {
            structure.readLock().unlock();
        }
    }

    /**
     * Reserves a fresh data key and the next {@code generations} generations of existing tensor
     * {@code name}, taking its write permit (waiting up to {@code waitNanos}) until the reservation
     * closes. Generations are consumed now: the store's own later writes start after the range.
     */
    public SealReservation reserveExisting(String name, long generations, long waitNanos) {
        TensorState st = state(name);
        acquireWritePermit(st, name, waitNanos);
        structure.readLock().lock();
        try {
            ensureOpen();
            if (st.removed) {
                throw new IllegalArgumentException("no tensor named '" + name + "' (it was removed)");
            }
            long first = nextGeneration(st, name);
            checkGenerations(generations, first, name);
            DataKey key = DataKey.create(config.random(), kek, engine);
            st.nextGeneration = first + generations;
            reservedKeys.add(key);
            return new SealReservation(this, st.table().meta, key, st, first, generations);
        } catch (RuntimeException e) {
            st.writeLock.release();
            throw e;
        } finally {
            structure.readLock().unlock();
        }
    }

    private static void checkGenerations(long generations, long first, String name) {
        if (generations < 1 || generations > GENERATION_LIMIT - first) {
            throw new CapacityException("cannot reserve " + generations + " generations for tensor '" + name + "' from "
                    + first + ": 1 to " + (GENERATION_LIMIT - first) + " are left");
        }
    }

    void observeSealed(byte[] keyId, byte[] nonce) {
        config.nonceObserver().sealed(keyId, nonce);
    }

    /** Publishes a reservation's sealed chunks; returns the tensor's state (created for a new tensor). */
    TensorState commitReserved(SealReservation r, TensorState st, long generation, MemorySegment[] chunks) {
        structure.readLock().lock();
        try {
            ensureOpen();
            TensorMeta meta = r.meta();
            int n = meta.chunkCount();
            DataKey[] keys = new DataKey[n];
            java.util.Arrays.fill(keys, r.dataKey());
            long[] gens = new long[n];
            java.util.Arrays.fill(gens, generation);
            ChunkTable next = new ChunkTable(meta, keys, gens, chunks);
            if (st == null) {
                TensorState created = new TensorState(next, null, r.endGeneration());
                created.writeLock.acquireUninterruptibly(); // free: nobody else has seen this state yet
                if (tensors.putIfAbsent(meta.name(), created) != null) {
                    throw new IllegalArgumentException("tensor '" + meta.name() + "' was created by another writer"
                            + " while it was being sealed on the device");
                }
                reservedKeys.remove(r.dataKey());
                return created;
            }
            if (st.removed) {
                throw new IllegalStateException("tensor '" + meta.name() + "' was removed; nothing to commit to");
            }
            ChunkTable old = st.table();
            st.ownCiphertext = null; // chunks of two allocations from here: no longer one to give back
            st.committed.set(next);
            reservedKeys.remove(r.dataKey());
            retireUnused(old, next, st.epochKey);
            return st;
        } finally {
            structure.readLock().unlock();
        }
    }

    /** Ends a reservation: a key never committed is retired (zeroed at the next sweep), the permit released. */
    void releaseReservation(SealReservation r, TensorState st, boolean committed) {
        if (!committed && reservedKeys.remove(r.dataKey())) {
            retire(r.dataKey());
        }
        if (st != null) {
            st.writeLock.release();
        }
    }

    void commit(WriteLease w) {
        TensorState st = w.state;
        structure.readLock().lock();
        try {
            ensureOpen();
            if (st.removed) {
                throw new IllegalStateException("tensor '" + w.info.name() + "' was removed; nothing to commit to");
            }
            int[] idx = w.dirty.stream().toArray();
            if (idx.length == 0) {
                return;
            }
            long gen = nextGeneration(st, w.info.name());
            // Spent before sealing: a commit that fails half-way (interrupted, engine error) must not
            // leave this generation free for a retry that would seal other bytes under the same nonces.
            st.nextGeneration = gen + 1;
            if (st.epochKey == null) {
                st.epochKey = DataKey.create(config.random(), kek, engine);
            }
            ChunkTable old = st.table();
            MemorySegment[] sealed = crypto.seal(old.meta, idx, idx.length, st.epochKey, gen, w.block.segment(), w.spanStart);
            ChunkTable next = old.with(idx, idx.length, st.epochKey, gen, sealed);
            st.ownCiphertext = null; // chunks of two allocations from here: no longer one to give back
            st.committed.set(next);
            retireUnused(old, next, st.epochKey);
            w.dirty.clear();
        } finally {
            structure.readLock().unlock();
        }
    }

    private static long nextGeneration(TensorState st, String name) {
        long gen = st.nextGeneration;
        if (gen >= GENERATION_LIMIT) {
            throw new CapacityException("tensor '" + name + "' has used all 2^63 - 1 generations: no fresh nonce is left;"
                    + " copy it into a new tensor (new id, new data key)");
        }
        return gen;
    }

    private static MemorySegment slice(PlaintextMemory.Block b, long at, long len) {
        return len == 0 ? MemorySegment.NULL : b.segment().asSlice(at, len);
    }

    /**
     * Zeroes and frees a view's plaintext, then forgets the view and, for a writable one, hands its
     * tensor's write permit on. If the memory cannot be freed (a native call still holds it), throws
     * {@link IllegalStateException} and changes nothing else: the view stays open and can be closed again.
     */
    void released(ViewLease v) {
        if (!openViews.contains(v)) {
            return;
        }
        pool.give(v.block);
        if (openViews.remove(v) && v instanceof WriteLease w) {
            w.state.writeLock.release();
        }
    }

    /** Removes the tensor and zeroes its data keys; false if there is none. Open read views keep their plaintext. */
    public boolean remove(String name) {
        structure.writeLock().lock();
        try {
            ensureOpen();
            TensorState st = tensors.get(name);
            if (st == null) {
                return false;
            }
            if (!st.writeLock.tryAcquire()) {
                throw new WriteConflictException("tensor '" + name + "' is open for writing; close that view before removing it");
            }
            st.removed = true;
            tensors.remove(name);
            // Under the exclusive lock: no reader is inside the tensor's chunks, and every later one sees `removed`.
            MemorySegment own = st.ownCiphertext;
            st.ownCiphertext = null;
            if (own != null) {
                ciphertextPool.give(own);
            }
            st.table().distinctKeys().keySet().forEach(this::retire);
            if (st.epochKey != null) {
                retire(st.epochKey);
            }
            sweep();
            // Hand the permit on: whoever waits for it (deepRekey, a writer) sees `removed` and stops.
            st.writeLock.release();
            return true;
        } finally {
            structure.writeLock().unlock();
        }
    }

    public Optional<TensorInfo> info(String name) {
        ensureOpen();
        TensorState st = tensors.get(name);
        return st == null ? Optional.empty() : Optional.of(st.table().meta.info());
    }

    /** Every tensor, in name order. */
    public List<TensorInfo> list() {
        ensureOpen();
        TreeMap<String, TensorInfo> m = new TreeMap<>();
        tensors.forEach((n, st) -> m.put(n, st.table().meta.info()));
        return List.copyOf(m.values());
    }

    public StoreStats stats() {
        ensureOpen();
        long sealed = 0;
        for (TensorState st : tensors.values()) {
            sealed += st.table().sealedBytes();
        }
        return new StoreStats(tensors.size(), sealed, openViews.size(), pool.usedBytes(), pool.peakBytes(), pool.budgetBytes());
    }

    /** Names of the tensors with open views (a name appears once per view). */
    public List<String> openViewNames() {
        List<String> names = new ArrayList<>();
        for (ViewLease v : openViews) {
            names.add(v.info.name());
        }
        names.sort(null);
        return names;
    }

    // ---- keys ----

    /**
     * Re-wraps every data key under a KEK from the new master key, then swaps all of them and the
     * master key at once (exclusive lock: no reader or writer sees a mix). On failure nothing changes.
     * The old master key and KEK are zeroed.
     */
    public void rekey(KeySource newSource) {
        // Asked before the lock: a KMS- or attestation-gated source may take seconds, and readers must not wait for it.
        SecretBytes newMaster = loadMaster(newSource);
        structure.writeLock().lock();
        try {
            try {
                ensureOpen();
                sweep();
            } catch (RuntimeException e) {
                newMaster.close();
                throw e;
            }
            SecretBytes newKek = null;
            try {
                newKek = deriveKek(newMaster, storeId);
                Map<DataKey, byte[]> wraps = new IdentityHashMap<>();
                for (DataKey k : liveKeys()) {
                    wraps.put(k, k.wrapUnder(newKek));
                }
                wraps.forEach(DataKey::installWrapped);
            } catch (RuntimeException e) {
                newMaster.close();
                if (newKek != null) {
                    newKek.close();
                }
                throw e;
            }
            master.close();
            kek.close();
            master = newMaster;
            kek = newKek;
            keySource = newSource;
        } finally {
            structure.writeLock().unlock();
        }
    }

    /**
     * Re-seals every tensor under a fresh data key and a fresh generation, tensor by tensor, each
     * under its write permit (waits for open writable views to close). Readers see each tensor's old
     * or new state. Old data keys are zeroed at the end.
     */
    public void deepRekey() {
        ensureOpen();
        for (String name : new ArrayList<>(new TreeMap<>(tensors).keySet())) {
            TensorState st = tensors.get(name);
            if (st == null) {
                continue;
            }
            st.writeLock.acquireUninterruptibly();
            try {
                if (!st.removed) {
                    resealUnderFreshKey(st);
                }
            } finally {
                st.writeLock.release();
            }
        }
        structure.writeLock().lock();
        try {
            sweep();
        } finally {
            structure.writeLock().unlock();
        }
    }

    private void resealUnderFreshKey(TensorState st) {
        structure.readLock().lock();
        try {
            ensureOpen();
            ChunkTable old = st.table();
            TensorMeta meta = old.meta;
            int n = meta.chunkCount();
            long gen = nextGeneration(st, meta.name());
            DataKey key = DataKey.create(config.random(), kek, engine);
            DataKey[] keys = new DataKey[n];
            long[] gens = new long[n];
            MemorySegment[] chunks = new MemorySegment[n];
            int batch = (int) Math.max(1, Math.min(n, (4L << 20) / meta.chunkSizeBytes()));
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
                retire(key);
                throw e;
            }
            java.util.Arrays.fill(keys, key);
            java.util.Arrays.fill(gens, gen);
            ChunkTable next = new ChunkTable(meta, keys, gens, chunks);
            DataKey oldEpoch = st.epochKey;
            st.epochKey = key;
            st.nextGeneration = gen + 1;
            st.ownCiphertext = null; // a concurrent reader may still hold the old table's chunks
            st.committed.set(next);
            retireUnused(old, next, key);
            if (oldEpoch != null && !old.distinctKeys().containsKey(oldEpoch)) {
                retire(oldEpoch);
            }
        } finally {
            structure.readLock().unlock();
        }
    }

    /** The persistable picture of this store (consistent: taken under the exclusive lock). */
    public StoreSnapshot snapshot() {
        structure.writeLock().lock();
        try {
            ensureOpen();
            sweep();
            Map<DataKey, Integer> index = new IdentityHashMap<>();
            List<StoreSnapshot.WrappedKey> keys = new ArrayList<>();
            List<StoreSnapshot.Tensor> out = new ArrayList<>();
            for (TensorState st : new TreeMap<>(tensors).values()) {
                ChunkTable t = st.table();
                st.ownCiphertext = null; // its chunks leave the store's control: never reused for another tensor
                int n = t.meta.chunkCount();
                int[] ki = new int[n];
                long[] gens = new long[n];
                MemorySegment[] chunks = new MemorySegment[n];
                for (int i = 0; i < n; i++) {
                    DataKey k = t.key(i);
                    Integer at = index.get(k);
                    if (at == null) {
                        at = keys.size();
                        index.put(k, at);
                        keys.add(new StoreSnapshot.WrappedKey(k.keyId(), k.wrapped()));
                    }
                    ki[i] = at;
                    gens[i] = t.generation(i);
                    chunks[i] = t.chunk(i).asReadOnly();
                }
                out.add(new StoreSnapshot.Tensor(t.meta.tensorId(), t.meta.info(), t.meta.chunkSizeBytes(), ki, gens, chunks));
            }
            return new StoreSnapshot(storeId, ChunkAad.FORMAT_VERSION, keys, out);
        } finally {
            structure.writeLock().unlock();
        }
    }

    public byte[] storeId() {
        return storeId.clone();
    }

    public String engineName() {
        ensureOpen();
        return engine.name();
    }

    /** Where this store's view plaintext comes from (for its protection report). */
    public PlaintextMemory plaintextMemory() {
        return config.plaintextMemory();
    }

    // ---- lifecycle ----

    private List<DataKey> liveKeys() {
        Map<DataKey, Boolean> live = new IdentityHashMap<>();
        for (TensorState st : tensors.values()) {
            live.putAll(st.table().distinctKeys());
            if (st.epochKey != null) {
                live.put(st.epochKey, Boolean.TRUE);
            }
        }
        for (DataKey k : reservedKeys) {
            live.put(k, Boolean.TRUE); // a reservation may still commit: rekey must re-wrap its key too
        }
        return new ArrayList<>(live.keySet());
    }

    private void retireUnused(ChunkTable old, ChunkTable next, DataKey keep) {
        Map<DataKey, Boolean> still = next.distinctKeys();
        for (DataKey k : old.distinctKeys().keySet()) {
            if (k != keep && !still.containsKey(k)) {
                retire(k);
            }
        }
    }

    private void retire(DataKey k) {
        synchronized (retired) {
            retired.add(k);
        }
    }

    /** Zeroes retired keys; only under the exclusive lock, when no crypto is in flight. */
    private void sweep() {
        synchronized (retired) {
            for (DataKey k : retired) {
                k.close();
            }
            retired.clear();
        }
    }

    /** For paths that looked the tensor up before taking the structure lock: a remove may have come in between. */
    private static void notRemoved(TensorState st, String name) {
        if (st.removed) {
            throw new IllegalArgumentException("no tensor named '" + name + "' (it was removed)");
        }
    }

    /** Bytes of removed tensors' ciphertext memory kept for reuse (tests, stats). */
    public long retainedCiphertextBytes() {
        return ciphertextPool.retainedBytes();
    }

    private TensorState state(String name) {
        ensureOpen();
        TensorState st = tensors.get(name);
        if (st == null) {
            throw new IllegalArgumentException("no tensor named '" + name + "'");
        }
        return st;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the store is closed");
        }
    }

    /**
     * Closes the store: open views are force-closed (their plaintext zeroed and released), then every
     * data key, the KEK and the master key are zeroed. If views were open, throws
     * {@link IllegalStateException} naming their tensors afterwards (nothing is left open). Idempotent.
     */
    @Override
    public void close() {
        List<String> leaked;
        ChunkSource source = crypto.source();
        if (source != null) {
            source.cancel(); // a read waiting on the network holds the structure lock: make it give up first
        }
        structure.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            leaked = openViewNames();
            List<String> stuck = new ArrayList<>();
            for (ViewLease v : new ArrayList<>(openViews)) {
                try {
                    v.closeNow(); // no commit can be running: it would hold the structure lock we hold
                } catch (RuntimeException e) {
                    stuck.add(v.info.name()); // a native call still holds its memory; keys are zeroed regardless
                }
            }
            if (!stuck.isEmpty()) {
                leaked = new ArrayList<>(leaked);
                leaked.add("(still in use by native code, zeroed but not freed: " + stuck + ")");
            }
            for (DataKey k : liveKeys()) {
                retire(k);
            }
            reservedKeys.clear(); // liveKeys() included them: retired above
            sweep();
            tensors.clear();
            ciphertextPool.clear();
            master.close();
            kek.close();
            crypto.close();
        } finally {
            structure.writeLock().unlock();
        }
        if (!leaked.isEmpty()) {
            throw new IllegalStateException("store closed with " + leaked.size() + " open view(s) of " + leaked
                    + "; they were zeroed and invalidated");
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (TensorSealException | IllegalStateException ignored) {
            // restore failed: the original error is what the caller needs
        }
    }

    /** The chunks {@code first..last} (exclusive) covering a byte range, and where they start. */
    record Span(int first, int last, long start, long end) {
        static Span of(TensorMeta meta, long offsetBytes, long lengthBytes) {
            long size = meta.info().byteSize();
            if (offsetBytes < 0 || lengthBytes < 0 || offsetBytes > size - lengthBytes) {
                throw new IndexOutOfBoundsException("tensor '" + meta.name() + "' is " + size + " bytes; cannot view "
                        + lengthBytes + " bytes at offset " + offsetBytes);
            }
            if (lengthBytes == 0) {
                return new Span(0, 0, offsetBytes, offsetBytes);
            }
            int cs = meta.chunkSizeBytes();
            int first = (int) (offsetBytes / cs);
            int last = (int) ((offsetBytes + lengthBytes - 1) / cs) + 1;
            long start = (long) first * cs;
            return new Span(first, last, start, Math.min((long) last * cs, size));
        }

        long bytes() {
            return end - start;
        }
    }
}
