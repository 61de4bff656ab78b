package dev.tensorseal;

import dev.tensorseal.internal.crypto.GcmEngine;
import dev.tensorseal.internal.memory.HardenedPlaintextMemory;
import dev.tensorseal.internal.memory.PlaintextMemory;
import dev.tensorseal.internal.protection.ProtectionReport;
import dev.tensorseal.internal.store.NonceObserver;
import dev.tensorseal.internal.store.SealedStore;
import dev.tensorseal.internal.store.StoreConfig;
import dev.tensorseal.internal.store.TensorMeta;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Tensors kept sealed (AES-256-GCM, chunk by chunk) in off-heap memory; plaintext exists only in
 * {@link TensorView}s, taken from a bounded budget and zeroed when closed.
 *
 * <pre>{@code
 * try (KeySource key = KeySource.environment("TENSORSEAL_KEY");
 *      TensorStore store = TensorStore.builder().keySource(key).build()) {
 *     store.put("w", weights, 768, 768);          // float[] -> F32, sealed; wipe weights yourself
 *     try (TensorView v = store.read("w")) {
 *         FloatBuffer f = v.asByteBuffer().asFloatBuffer();   // valid until v closes
 *     }
 * }
 * }</pre>
 *
 * <p><b>Names.</b> A new tensor's name is not empty, holds no control character (line breaks included) and no
 * unpaired surrogate, and is not {@code __metadata__}: every name a store accepts survives a save, an export to
 * safetensors and a re-import. {@code put} refuses any other with {@link IllegalArgumentException} saying why.
 *
 * <p><b>Threads.</b> All methods are thread-safe. Many readers run at once; each tensor has one
 * writer at a time ({@link #write}); readers see the last committed state, never part of a commit.
 * Large tensors are sealed and opened chunk-parallel on the store's own pool.
 *
 * <p><b>Keys.</b> Each tensor is sealed under its own random data key, created afresh the first time
 * this store instance writes the tensor (so two stores opened from one saved state never share a key
 * and nonce); data keys are wrapped under a key derived from the master key. Nonces are chunk index
 * and a per-tensor generation that only grows; running out is a {@link CapacityException}.
 *
 * <p><b>Closing.</b> {@link #close()} zeroes all keys. Views still open are force-closed (zeroed,
 * invalidated) and close then throws {@link IllegalStateException} naming their tensors, so the leak
 * is reported while nothing is left behind; with {@code -Dtensorseal.trackViews=true} it also names where each was
 * opened. After close every method but {@code close} throws {@link IllegalStateException}.
 */
public final class TensorStore implements AutoCloseable {
    private final SealedStore store;
    /** A key source this store made for itself (a file's passphrase key): closed with the store. */
    private volatile KeySource owned;

    private TensorStore(SealedStore store) {
        this.store = store;
        ProtectionReport.warnOnceIfFellBack(store.engineName(), store.plaintextMemory());
    }

    /** The public face of {@code store}, which internal code built (an opened file): closing this closes it. */
    static TensorStore over(SealedStore store) {
        return new TensorStore(store);
    }

    /** The store behind this one, for this package's other facades (files, GPU sessions). */
    SealedStore sealed() {
        return store;
    }

    /** Makes this store close {@code source} when it closes (the caller never saw the source). */
    TensorStore owning(KeySource source) {
        this.owned = source;
        return this;
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---- put ----

    /**
     * Seals {@code data} (exactly the tensor's byte size, little-endian elements) as a new tensor. {@code data} is
     * not modified. It may come from any arena, a confined one of the calling thread included: the store's pool
     * threads cannot read such a segment, so a large one is copied, 4 MiB at a time, into plaintext budget (zeroed
     * after) and sealed from there in parallel; without that budget free it is sealed on the calling thread.
     */
    public TensorInfo put(String name, DType dtype, long[] shape, MemorySegment data) {
        TensorInfo info = TensorInfo.of(name, dtype, shape);
        store.put(info, data);
        return info;
    }

    /** Seals the buffer's remaining bytes; its position, limit and contents are not changed. */
    public TensorInfo put(String name, DType dtype, long[] shape, ByteBuffer data) {
        return put(name, dtype, shape, MemorySegment.ofBuffer(data));
    }

    /** Seals raw bytes of any dtype. */
    public TensorInfo put(String name, DType dtype, long[] shape, byte[] data) {
        return put(name, dtype, shape, MemorySegment.ofArray(data));
    }

    /** Seals 16-bit elements: {@code I16}, {@code U16}, {@code F16} or {@code BF16} bits. */
    public TensorInfo put(String name, DType dtype, long[] shape, short[] data) {
        requireElementSize(dtype, 2);
        return put(name, dtype, shape, MemorySegment.ofArray(data));
    }

    /** Seals an {@code F32} tensor; an empty shape is a scalar. */
    public TensorInfo put(String name, float[] data, long... shape) {
        return put(name, DType.F32, shape, MemorySegment.ofArray(data));
    }

    /** Seals an {@code F64} tensor. */
    public TensorInfo put(String name, double[] data, long... shape) {
        return put(name, DType.F64, shape, MemorySegment.ofArray(data));
    }

    /** Seals an {@code I32} tensor. */
    public TensorInfo put(String name, int[] data, long... shape) {
        return put(name, DType.I32, shape, MemorySegment.ofArray(data));
    }

    /** Seals an {@code I64} tensor. */
    public TensorInfo put(String name, long[] data, long... shape) {
        return put(name, DType.I64, shape, MemorySegment.ofArray(data));
    }

    // ---- read ----

    /** A view of the whole tensor. Close it (try-with-resources) to zero the plaintext and return the budget. */
    public TensorView read(String name) {
        return new TensorView(store.read(name));
    }

    /** A view of bytes {@code offsetBytes..+lengthBytes}; only the chunks it covers are decrypted. */
    public TensorView read(String name, long offsetBytes, long lengthBytes) {
        return new TensorView(store.read(name, offsetBytes, lengthBytes));
    }

    // ---- write ----

    /** A writable view of the whole tensor; fails at once with {@link WriteConflictException} if another writer holds it. */
    public WritableView write(String name) {
        return write(name, 0, infoOf(name).byteSize(), Duration.ZERO);
    }

    /** As {@link #write(String)}, waiting up to {@code wait} for another writer to close. */
    public WritableView write(String name, Duration wait) {
        return write(name, 0, infoOf(name).byteSize(), wait);
    }

    /**
     * A writable view of bytes {@code offsetBytes..+lengthBytes}: only the chunks it covers are
     * decrypted, and only those touched are re-sealed. Waits up to {@code wait} for the write lock
     * ({@link Duration#ZERO}: fail at once).
     */
    public WritableView write(String name, long offsetBytes, long lengthBytes, Duration wait) {
        return new WritableView(store.write(name, offsetBytes, lengthBytes, wait.toNanos()));
    }

    /** Overwrites bytes at {@code offsetBytes} with {@code source} and commits (fails fast if a writer holds the tensor). */
    public void update(String name, long offsetBytes, MemorySegment source) {
        try (WritableView w = write(name, offsetBytes, source.byteSize(), Duration.ZERO)) {
            w.copyFrom(0, source);
            w.commit();
        }
    }

    /** Overwrites {@code F32} elements from {@code firstElement} on and commits. */
    public void update(String name, long firstElement, float... values) {
        requireDType(name, DType.F32);
        update(name, Math.multiplyExact(firstElement, 4L), MemorySegment.ofArray(values));
    }

    /** Overwrites {@code I32} elements from {@code firstElement} on and commits. */
    public void update(String name, long firstElement, int... values) {
        requireDType(name, DType.I32);
        update(name, Math.multiplyExact(firstElement, 4L), MemorySegment.ofArray(values));
    }

    // ---- catalogue ----

    /** Removes a tensor and zeroes its data keys; false when there is none. Open read views of it stay valid. */
    public boolean remove(String name) {
        return store.remove(name);
    }

    public Optional<TensorInfo> info(String name) {
        return store.info(name);
    }

    /** Every tensor, in name order. */
    public List<TensorInfo> list() {
        return store.list();
    }

    public StoreStats stats() {
        return store.stats();
    }

    // ---- keys ----

    /**
     * Re-wraps every data key under the new master key; no data is re-sealed. Readers and writers
     * pause for the swap and then continue under the new key; open views are unaffected (their
     * plaintext is already theirs). The old master key's bytes are zeroed. This store does not
     * close {@code newKey}.
     */
    public void rekey(KeySource newKey) {
        store.rekey(Objects.requireNonNull(newKey, "newKey"));
    }

    /**
     * Re-seals every tensor under a fresh data key, one tensor at a time; waits for each tensor's
     * writable view (if one is open) to close. Open read views are unaffected; old data keys are
     * zeroed at the end. Needs plaintext budget for up to 4 MiB (or one chunk) at a time.
     */
    public void deepRekey() {
        store.deepRekey();
    }

    /** The AES-GCM engine in use: one of the names {@link Builder#engine(String)} lists (the default where none was given). */
    public String engine() {
        return store.engineName();
    }

    /**
     * How this store protects plaintext: its engine, hardened or plain view memory, locked or not, and why anything
     * is short of the best. The first store in a process that fell back to weaker protection because something was
     * missing (typically native access: {@code --enable-native-access}) also logs one warning
     * ({@code System.Logger} {@code dev.tensorseal.protection}); a weaker engine chosen by the caller is reported here only.
     */
    public Protection protection() {
        return ProtectionReport.of(store.engineName(), store.plaintextMemory());
    }

    /**
     * Zeroes every key and closes the store. Open views are force-closed and zeroed first; if there
     * were any, throws {@link IllegalStateException} listing their tensor names. Idempotent.
     */
    @Override
    public void close() {
        try {
            store.close();
        } finally {
            KeySource k = owned;
            if (k != null) {
                k.close();
            }
        }
    }

    private TensorInfo infoOf(String name) {
        return store.info(name).orElseThrow(() -> new IllegalArgumentException("no tensor named '" + name + "'"));
    }

    private void requireDType(String name, DType expected) {
        DType actual = infoOf(name).dtype();
        if (actual != expected) {
            throw new IllegalArgumentException("tensor '" + name + "' is " + actual + ", not " + expected);
        }
    }

    private static void requireElementSize(DType dtype, int bytes) {
        if (dtype.elementSizeBytes() != bytes) {
            throw new IllegalArgumentException(dtype + " has " + dtype.elementSizeBytes() + "-byte elements, the array has " + bytes);
        }
    }

    /** Settings for a new store; only the key source is required. */
    public static final class Builder {
        /** Default plaintext budget: 1 GiB. */
        public static final long DEFAULT_PLAINTEXT_BUDGET_BYTES = StoreConfig.DEFAULT_PLAINTEXT_BUDGET_BYTES;

        // The defaults are StoreConfig's (one copy: a file opened with a key alone gets the same).
        private KeySource keySource;
        private String engine = StoreConfig.defaultEngineName();
        private int chunkSizeBytes = TensorMeta.DEFAULT_CHUNK_BYTES;
        private long plaintextBudgetBytes = DEFAULT_PLAINTEXT_BUDGET_BYTES;
        private int parallelism = StoreConfig.defaultParallelism();
        private PlaintextMemory plaintextMemory = StoreConfig.defaultPlaintextMemory();
        private NonceObserver nonceObserver = NonceObserver.NONE;
        private SecureRandom random;

        private Builder() {}

        /** Where the master key comes from (read once now, again only at {@link #rekey}). */
        public Builder keySource(KeySource source) {
            this.keySource = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * The AES-GCM engine. {@code vaes} (the default where it runs: tensorseal's own VAES/VPCLMULQDQ code for
         * x86-64 CPUs with AVX-512, working on off-heap memory in place, so no plaintext or key bytes touch the Java
         * heap, and checking each tag before decrypting), {@code jce} (the default elsewhere: the JDK's AES-GCM with
         * CPU intrinsics, which works on heap arrays, so chunks are staged through a heap buffer that is zeroed after
         * each chunk), {@code bc} (Bouncy Castle, pure Java) or {@code ossl} (the system's OpenSSL 3 libcrypto through
         * FFM, in place like {@code vaes}). An unknown engine, or one that cannot run here, makes this method throw
         * {@link UnsupportedParameterException} with the reason.
         */
        public Builder engine(String name) {
            GcmEngine.named(Objects.requireNonNull(name, "name"));
            this.engine = name;
            return this;
        }

        /** Chunk size, 4 KiB to 64 MiB; default 64 KiB. */
        public Builder chunkSizeBytes(int bytes) {
            TensorMeta.checkChunkSize(bytes);
            this.chunkSizeBytes = bytes;
            return this;
        }

        /**
         * The most plaintext all open views may hold together, at least 0; exceeding it is a {@link CapacityException}.
         * A negative value is an {@link UnsupportedParameterException}.
         */
        public Builder plaintextBudgetBytes(long bytes) {
            StoreConfig.checkPlaintextBudget(bytes);
            this.plaintextBudgetBytes = bytes;
            return this;
        }

        /**
         * Threads for chunk-parallel sealing and opening, 1 to 4096 (else {@link UnsupportedParameterException});
         * default: available processors; 1 = caller's thread only.
         */
        public Builder parallelism(int threads) {
            StoreConfig.checkParallelism(threads);
            this.parallelism = threads;
            return this;
        }

        /** Internal seam for hardened plaintext memory (native bridge) and tests. */
        Builder plaintextMemory(PlaintextMemory memory) {
            this.plaintextMemory = Objects.requireNonNull(memory);
            return this;
        }

        /** Test hook: sees every (key id, nonce) sealed. */
        Builder nonceObserver(NonceObserver observer) {
            this.nonceObserver = Objects.requireNonNull(observer);
            return this;
        }

        StoreConfig config() {
            if (keySource == null) {
                throw new IllegalStateException("a key source is required: call keySource(...)");
            }
            return new StoreConfig(keySource, engine, chunkSizeBytes, plaintextBudgetBytes, parallelism, plaintextMemory,
                    nonceObserver, random != null ? random : new SecureRandom());
        }

        public TensorStore build() {
            return new TensorStore(SealedStore.create(config()));
        }
    }
}
