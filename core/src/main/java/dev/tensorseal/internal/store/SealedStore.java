package dev.tensorseal.internal.store;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.KeySource;
import dev.tensorseal.StoreStats;
import dev.tensorseal.TensorInfo;
import dev.tensorseal.TensorSealException;
import dev.tensorseal.UnsupportedParameterException;
import dev.tensorseal.WriteConflictException;
import dev.tensorseal.internal.crypto.GcmEngine;
import dev.tensorseal.internal.crypto.SecretBytes;
import dev.tensorseal.internal.memory.CiphertextPool;
import dev.tensorseal.internal.memory.PlaintextMemory;
import dev.tensorseal.internal.memory.PlaintextPool;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * The store behind {@link dev.tensorseal.TensorStore}: a facade over the parts that each change for one reason:
 * {@link StoreLock} (the lock protocol), {@link TensorCatalogue} and {@link TensorState} (the tensors and their
 * writer/generation invariants), {@link KeyCustody} (master key, KEK, data keys' lifetimes), {@link ViewLeases}
 * (open views), {@link PlaintextSealer} (put and commit), {@link DeviceReservations} (sealing on a GPU),
 * {@link DeepRekey} and {@link StoreSnapshots}. What stays here is opening a view, verify, remove, and the order a
 * close tears things down in.
 */
public final class SealedStore implements AutoCloseable {
    /** Plaintext bytes per verify batch: large enough to keep every core busy, small enough for steady progress. */
    static final long VERIFY_BATCH_BYTES = 64L << 20;

    private final StoreConfig config;
    private final StoreLock lock = new StoreLock();
    private final TensorCatalogue tensors = new TensorCatalogue(lock);
    private final KeyCustody keys;
    /** Ciphertext memory of removed tensors, for the next put of about their size. */
    private final CiphertextPool ciphertextPool = CiphertextPool.fromSystemProperty();
    private final PlaintextPool pool;
    private final ChunkCrypto crypto;
    private final ViewLeases views;
    private final DeviceReservations reservations;
    private final PlaintextSealer sealer;

    private SealedStore(StoreConfig config, byte[] storeId) {
        this.config = config;
        GcmEngine engine = GcmEngine.named(config.engineName());
        // Once per JVM (~0.1 s): a model loaded once would otherwise be opened at the JIT's cold speed.
        engine.warmUp();
        this.keys = new KeyCustody(config.keySource(), storeId, engine, config.random());
        this.pool = new PlaintextPool(config.plaintextMemory(), config.plaintextBudgetBytes());
        this.crypto = new ChunkCrypto(config.parallelism(), config.nonceObserver(), ciphertextPool, pool, config.plaintextMemory());
        this.views = new ViewLeases(pool);
        this.reservations = new DeviceReservations(lock, tensors, keys, config);
        this.sealer = new PlaintextSealer(lock, tensors, keys, config, crypto, ciphertextPool);
    }

    /** An empty store with a fresh id. */
    public static SealedStore create(StoreConfig config) {
        byte[] id = new byte[KeyCustody.STORE_ID_BYTES];
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
            throw new UnsupportedParameterException("store format version " + snapshot.formatVersion()
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
        s.keys.source(origin);
        try {
            StoreSnapshots.load(snapshot, s.tensors, s.keys);
            return s;
        } catch (RuntimeException e) {
            s.closeQuietly();
            throw e;
        }
    }

    /** The file or remote object this store's file-backed chunks are read through, or null. */
    public ChunkSource source() {
        return crypto.source();
    }

    // ---- keys ----

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
        SecretBytes candidate = expected == null ? null : KeyCustody.load(expected);
        try {
            return lock.exclusive(() -> {
                if (candidate != null && !keys.isMaster(candidate)) {
                    throw new UnsupportedParameterException(expected.description()
                            + " is not the key this store is sealed under (after a rekey, save with the new key, or save"
                            + " without a key: the store's own is used)");
                }
                StoreSnapshot snap = snapshot(); // reentrant: the same hold of the lock
                return new SaveState(snap, keys.copyOfMaster(), keys.source(), crypto.source());
            });
        } finally {
            if (candidate != null) {
                candidate.close();
            }
        }
    }

    /** The source of the current master key (at open, or the last rekey); may have been closed by its owner. */
    public KeySource keySource() {
        return keys.source();
    }

    /** Re-wraps every data key under the new master key ({@link KeyCustody#rekey}), under the exclusive lock. */
    public void rekey(KeySource newSource) {
        // Asked before the lock: a KMS- or attestation-gated source may take seconds, and readers must not wait for it.
        SecretBytes newMaster = KeyCustody.load(newSource);
        try {
            lock.exclusive(() -> {
                keys.sweep();
                keys.rekey(newMaster, newSource, tensors.liveKeys());
            });
        } catch (RuntimeException e) {
            newMaster.close(); // idempotent: a failed rekey has zeroed it already
            throw e;
        }
    }

    /** See {@link DeepRekey}. */
    public void deepRekey() {
        new DeepRekey(lock, tensors, keys, pool, crypto).run();
    }

    // ---- tensors ----

    /** Seals {@code data} (exactly {@code info.byteSize()} bytes; not modified) as a new tensor. */
    public void put(TensorInfo info, MemorySegment data) {
        sealer.put(info, data);
    }

    /** Decrypts the whole tensor into budgeted scratch: one lookup of {@code name}, whose size is its table's. */
    public ViewLease read(String name) {
        return tensors.shared(name, st -> decrypt(st, name, 0, st.table().meta.info().byteSize()));
    }

    /** Decrypts the chunks covering {@code offsetBytes..+lengthBytes} into budgeted scratch. */
    public ViewLease read(String name, long offsetBytes, long lengthBytes) {
        return tensors.shared(name, st -> decrypt(st, name, offsetBytes, lengthBytes));
    }

    private ViewLease decrypt(TensorState st, String name, long offsetBytes, long lengthBytes) {
        ChunkTable t = st.table();
        Span span = Span.of(t.meta, offsetBytes, lengthBytes);
        // Only the asked-for bytes are released and budgeted; the covering chunks are authenticated whole.
        PlaintextMemory.Block b = pool.take(lengthBytes, name);
        try {
            crypto.open(t, span.first(), span.last(), offsetBytes, offsetBytes + lengthBytes, b.segment());
        } catch (RuntimeException e) {
            pool.give(b);
            throw e;
        }
        return views.opened(new ViewLease(views, t.meta.info(), offsetBytes, b, slice(b, 0, lengthBytes)));
    }

    /**
     * Authenticates every chunk of {@code name} without opening a view (no plaintext budget, nothing left
     * decrypted), chunk-parallel, reporting progress in plaintext bytes on the caller's thread after each batch.
     */
    public void verify(String name, LongConsumer progressBytes) {
        TensorState st = tensors.state(name);
        ChunkTable t = st.table();
        int n = t.meta.chunkCount();
        int perBatch = (int) Math.max(1, VERIFY_BATCH_BYTES / Math.max(1, t.meta.plainBytes(0)));
        for (int first = 0; first < n; first += perBatch) {
            int from = first;
            int last = Math.min(n, first + perBatch);
            // Shared lock per batch: the data keys stay open while chunks are checked with them, and a removed
            // tensor (whose chunks may serve another from then on) is noticed.
            lock.shared(() -> {
                st.checkNotRemoved();
                crypto.authenticate(t, from, last);
            });
            progressBytes.accept(t.meta.plainOffset(last - 1) + t.meta.plainBytes(last - 1) - t.meta.plainOffset(first));
        }
    }

    /**
     * Takes the tensor's write permit (waiting up to {@code waitNanos}; 0 fails at once), then
     * decrypts the covered chunks like {@link #read}.
     */
    public WriteLease write(String name, long offsetBytes, long lengthBytes, long waitNanos) {
        return tensors.writing(name, waitNanos, st -> {
            st.checkGenerationLeft(); // refuse a writer that could never commit
            ChunkTable t = st.table();
            Span span = Span.of(t.meta, offsetBytes, lengthBytes);
            PlaintextMemory.Block b = pool.take(span.bytes(), name);
            try {
                crypto.open(t, span.first(), span.last(), b.segment());
            } catch (RuntimeException e) {
                pool.give(b);
                throw e;
            }
            return views.opened(new WriteLease(views, sealer, t.meta.info(), offsetBytes, b,
                    slice(b, offsetBytes - span.start(), lengthBytes), st, span.first(), span.last(), span.start()));
        });
    }

    private static MemorySegment slice(PlaintextMemory.Block b, long at, long len) {
        return len == 0 ? MemorySegment.NULL : b.segment().asSlice(at, len);
    }

    /** Removes the tensor and zeroes its data keys; false if there is none. Open read views keep their plaintext. */
    public boolean remove(String name) {
        return lock.exclusive(() -> {
            TensorState st = tensors.find(name);
            if (st == null) {
                return false;
            }
            if (!st.tryAcquireWriter()) {
                throw new WriteConflictException("tensor '" + name + "' is open for writing; close that view before removing it");
            }
            // Under the exclusive lock: no reader is inside the tensor's chunks, and every later one sees it removed.
            MemorySegment own = st.markRemoved();
            tensors.remove(name);
            if (own != null) {
                ciphertextPool.give(own);
            }
            keys.retireAll(st.liveKeys().keySet());
            keys.sweep();
            // Hand the permit on: whoever waits for it (deepRekey, a writer) sees it removed and stops.
            st.releaseWriter();
            return true;
        });
    }

    public Optional<TensorInfo> info(String name) {
        return tensors.info(name);
    }

    /** Every tensor, in name order. */
    public List<TensorInfo> list() {
        return tensors.list();
    }

    public StoreStats stats() {
        lock.ensureOpen();
        return new StoreStats(tensors.size(), tensors.sealedBytes(), views.count(), pool.usedBytes(), pool.peakBytes(),
                pool.budgetBytes());
    }

    /** Names of the tensors with open views (a name appears once per view). */
    public List<String> openViewNames() {
        return views.names();
    }

    // ---- sealing and opening outside the store (GPU) ----

    /**
     * Runs {@code work} on the tensor's committed chunk table, under the shared lock so that its data
     * keys stay alive (and are not zeroed by a concurrent commit) until {@code work} returns.
     */
    public <T> T withChunkPlan(String name, Function<ChunkPlan, T> work) {
        return tensors.shared(name, st -> work.apply(new ChunkPlan(st.table(), crypto.source())));
    }

    /** A reservation for a new tensor: {@link DeviceReservations#reserveNew}. */
    public SealReservation reserveNew(TensorInfo info, long generations) {
        return reservations.reserveNew(info, generations);
    }

    /** A reservation of an existing tensor's next generations: {@link DeviceReservations#reserveExisting}. */
    public SealReservation reserveExisting(String name, long generations, long waitNanos) {
        return reservations.reserveExisting(name, generations, waitNanos);
    }

    // ---- snapshots ----

    /** The persistable picture of this store (consistent: taken under the exclusive lock). */
    public StoreSnapshot snapshot() {
        return lock.exclusive(() -> {
            keys.sweep();
            return StoreSnapshots.take(tensors, keys);
        });
    }

    public byte[] storeId() {
        return keys.storeId();
    }

    public String engineName() {
        lock.ensureOpen();
        return keys.engineName();
    }

    /** Where this store's view plaintext comes from (for its protection report). */
    public PlaintextMemory plaintextMemory() {
        return config.plaintextMemory();
    }

    /** Bytes of removed tensors' ciphertext memory kept for reuse (tests, stats). */
    public long retainedCiphertextBytes() {
        return ciphertextPool.retainedBytes();
    }

    // ---- lifecycle ----

    /**
     * Closes the store: open views are force-closed (their plaintext zeroed and released), then every
     * data key, the KEK and the master key are zeroed. If views were open, throws
     * {@link IllegalStateException} naming their tensors afterwards (nothing is left open), and where each was
     * opened when {@code -Dtensorseal.trackViews=true} ({@link ViewLeases}). Idempotent.
     */
    @Override
    public void close() {
        ChunkSource source = crypto.source();
        if (source != null) {
            source.cancel(); // a read waiting on the network holds the store's lock: make it give up first
        }
        IllegalStateException[] leaked = new IllegalStateException[1];
        lock.closeWith(() -> {
            leaked[0] = views.closeAll();
            keys.close(tensors.liveKeys());
            tensors.clear();
            ciphertextPool.clear();
            crypto.close();
        });
        if (leaked[0] != null) {
            throw leaked[0];
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (TensorSealException | IllegalStateException ignored) {
            // restore failed: the original error is what the caller needs
        }
    }
}
