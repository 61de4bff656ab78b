package dev.tensorseal.internal.store;

import dev.tensorseal.CapacityException;
import dev.tensorseal.IntegrityException;
import dev.tensorseal.internal.crypto.InsecureNonceAesGcm;
import dev.tensorseal.internal.memory.CiphertextPool;
import dev.tensorseal.internal.memory.PlaintextMemory;
import dev.tensorseal.internal.memory.PlaintextPool;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Seals and opens runs of chunks, chunk-parallel on the store's pool when a run is large. Each task
 * owns a {@link ChunkLane} (AAD and nonce buffers, a borrowed engine instance), so the per-chunk path
 * allocates nothing of its own.
 *
 * <p>Engines see only private memory. A chunk of a mapped {@code .tseal} is read once from the file into the
 * lane's own buffer before it is authenticated or decrypted ({@link ChunkSource}): another process writing
 * the file can change only what that one read sees, which the tag check covers, and a file truncated under
 * the mapping is an {@link IntegrityException} instead of a fault in native code. Mapped plaintext input (a
 * safetensors file being sealed) is likewise copied into the lane's hardened scratch first.
 *
 * <p>A task's per-chunk work (read the chunk once into private memory, check, decrypt) is {@link ChunkLane}'s.
 */
final class ChunkCrypto implements AutoCloseable {
    /** Below this many bytes, a run stays on the caller's thread: forking costs more than it saves. */
    static final long PARALLEL_MIN_BYTES = 1L << 20;
    /** Plaintext staged at a time when the caller's segment is confined to its thread (see {@link #sealInto}). */
    static final long STAGING_BYTES = 4L << 20;
    /**
     * Never started: stands for "some thread of the pool" when asking whether a segment can be read off the
     * caller's thread (true for heap, global, auto and shared segments; false for a confined arena's).
     */
    private static final Thread ANOTHER_THREAD = Thread.ofPlatform().unstarted(() -> { });

    private final ForkJoinPool pool;
    private final int parallelism;
    private final NonceObserver observer;
    private final CiphertextPool ciphertext;
    private final PlaintextPool staging;
    final PlaintextMemory scratchMemory;
    /** ChunkLane buffers for copies of mapped ciphertext (not secret), kept for the next lane. */
    private final ConcurrentLinkedQueue<MemorySegment> copyBuffers = new ConcurrentLinkedQueue<>();
    /**
     * ChunkLane buffers for runs of a remote source's chunks (not secret), kept for the next lane: a fresh one per lane
     * per read cost a remote load half its size again in zeroed, faulted-in memory.
     */
    private final ConcurrentLinkedQueue<MemorySegment> runBuffers = new ConcurrentLinkedQueue<>();
    volatile ChunkSource source;

    /**
     * @param staging       budgeted plaintext memory for sealing from a confined segment in parallel
     * @param scratchMemory where a lane's copy of mapped plaintext input is kept while it is sealed (hardened
     *                      memory in a normal store); zeroed after each run
     */
    ChunkCrypto(int parallelism, NonceObserver observer, CiphertextPool ciphertext, PlaintextPool staging,
            PlaintextMemory scratchMemory) {
        this.parallelism = parallelism;
        this.pool = parallelism > 1 ? new ForkJoinPool(parallelism) : null;
        this.observer = observer;
        this.ciphertext = ciphertext;
        this.staging = staging;
        this.scratchMemory = scratchMemory;
    }

    /** The file or remote object the store's file-backed chunks are read from (once each, into private memory). */
    void source(ChunkSource source) {
        this.source = source;
    }

    ChunkSource source() {
        return source;
    }

    /** Sealed chunks, slices of one allocation (kept whole, so it can be given back to the pool). */
    record Sealed(MemorySegment allocation, MemorySegment[] chunks) {}

    /** Work over items {@code lo..hi} (exclusive) of a run. */
    @FunctionalInterface
    private interface RangeTask {
        void run(ChunkLane lane, int lo, int hi);
    }

    /** Runs all {@code items} of {@code task} on the calling thread. */
    private void runHere(RangeTask task, TensorMeta meta, int items) {
        try (ChunkLane lane = new ChunkLane(this, meta)) {
            task.run(lane, 0, items);
        }
    }

    /**
     * Opens chunks {@code first..last} (exclusive) of {@code table} into {@code out}, whose byte 0 is
     * the first byte of chunk {@code first}. On any failure {@code out} is zeroed before the
     * {@link IntegrityException} naming the tensor and chunk is thrown.
     */
    void open(ChunkTable table, int first, int last, MemorySegment out) {
        TensorMeta meta = table.meta;
        open(table, first, last, meta.plainOffset(first), meta.plainOffset(first) + out.byteSize(), out);
    }

    /**
     * Opens chunks {@code first..last} (exclusive), which cover tensor bytes {@code from..to}, releasing only
     * those bytes into {@code out} (byte 0 = tensor byte {@code from}): every chunk is still authenticated
     * whole, but a 4 KiB slice read no longer needs a chunk-sized view to zero afterwards.
     */
    void open(ChunkTable table, int first, int last, long from, long to, MemorySegment out) {
        TensorMeta meta = table.meta;
        long base = from;
        try {
            runAll(meta, last - first, out.byteSize(), (lane, lo, hi) -> {
                for (int j = lo; j < hi; j++) {
                    int i = first + j;
                    int n = meta.plainBytes(i);
                    MemorySegment ct = lane.privateCiphertext(table, i, n, first + hi);
                    InsecureNonceAesGcm c = lane.prepare(table.key(i), i, table.generation(i));
                    long ps = meta.plainOffset(i);
                    long a = Math.max(ps, from);
                    long b = Math.min(ps + n, to);
                    try {
                        if (a == ps && b == ps + n) {
                            c.open(lane.nonce, lane.aad, ct, out.asSlice(ps - base, n));
                        } else {
                            c.openPart(lane.nonce, lane.aad, ct, a - ps, out.asSlice(a - base, b - a));
                        }
                    } catch (IntegrityException e) {
                        throw authenticationFailed(meta, i);
                    }
                }
            });
        } catch (RuntimeException | Error e) {
            out.fill((byte) 0);
            throw e;
        }
    }

    /**
     * Authenticates chunks {@code first..last} (exclusive) of {@code table} without releasing plaintext:
     * each chunk is decrypted inside the engine's own (zeroed) scratch, chunk-parallel on the store's pool.
     * Throws the {@link IntegrityException} naming the tensor and the first failing chunk found.
     */
    void authenticate(ChunkTable table, int first, int last) {
        TensorMeta meta = table.meta;
        long bytes = meta.plainOffset(last - 1) + meta.plainBytes(last - 1) - meta.plainOffset(first);
        runAll(meta, last - first, bytes, (lane, lo, hi) -> {
            for (int j = lo; j < hi; j++) {
                int i = first + j;
                int n = meta.plainBytes(i);
                MemorySegment ct = lane.privateCiphertext(table, i, n, first + hi);
                InsecureNonceAesGcm c = lane.prepare(table.key(i), i, table.generation(i));
                try {
                    c.authenticate(lane.nonce, lane.aad, ct);
                } catch (IntegrityException e) {
                    throw authenticationFailed(meta, i);
                }
            }
        });
    }

    /**
     * Seals chunks {@code indices[0..count)} under {@code key} at {@code generation}, reading chunk
     * {@code i}'s plaintext from {@code plain} at {@code plainOffset(i) - plainBase}. Returns each
     * chunk's ciphertext || tag, slices of one allocation: fresh, or a removed tensor's ({@link CiphertextPool}).
     * {@code plain} may be confined to the calling thread (staged for the pool, see {@link #sealConfined}).
     */
    MemorySegment[] seal(TensorMeta meta, int[] indices, int count, DataKey key, long generation, MemorySegment plain, long plainBase) {
        return sealInto(meta, indices, count, key, generation, plain, plainBase).chunks();
    }

    /** As {@link #seal}, also returning the allocation the chunks are slices of. */
    Sealed sealInto(TensorMeta meta, int[] indices, int count, DataKey key, long generation, MemorySegment plain, long plainBase) {
        long total = 0;
        for (int j = 0; j < count; j++) {
            total += meta.plainBytes(indices[j]) + DataKey.TAG_BYTES;
        }
        // Ciphertext is not secret: GC-managed memory, so readers still holding an older table keep it alive; or the
        // memory of a removed tensor that nobody can read any more (CiphertextPool), every chunk overwritten below.
        MemorySegment all = ciphertext.take(Math.max(total, 1));
        if (all == null) {
            all = AnonymousMemory.allocate(Arena.ofAuto(), Math.max(total, 1));
        }
        MemorySegment[] out = new MemorySegment[count];
        long at = 0;
        for (int j = 0; j < count; j++) {
            long len = meta.plainBytes(indices[j]) + DataKey.TAG_BYTES;
            out[j] = all.asSlice(at, len);
            at += len;
        }
        if (!forks(count, total) || plain.isAccessibleBy(ANOTHER_THREAD)) {
            runAll(meta, count, total, sealTask(meta, indices, 0, key, generation, plain, plainBase, out));
        } else {
            sealConfined(meta, indices, count, key, generation, plain, plainBase, out);
        }
        return new Sealed(all, out);
    }

    /** Seals items {@code lo..hi} (shifted by {@code from}) of {@code indices} into {@code out[from + j]}. */
    private RangeTask sealTask(TensorMeta meta, int[] indices, int from, DataKey key, long generation, MemorySegment plain,
            long plainBase, MemorySegment[] out) {
        return (lane, lo, hi) -> {
            for (int j = from + lo; j < from + hi; j++) {
                int i = indices[j];
                InsecureNonceAesGcm c = lane.prepare(key, i, generation);
                if (observer != NonceObserver.NONE) {
                    observer.sealed(key.keyId().clone(), lane.nonce.clone());
                }
                c.seal(lane.nonce, lane.aad, lane.privatePlaintext(plain, meta.plainOffset(i) - plainBase, meta.plainBytes(i), i), out[j]);
            }
        };
    }

    /**
     * Seals from a segment only the calling thread may read (the caller's own {@code Arena.ofConfined()}): a run of
     * consecutive chunks is copied, {@link #STAGING_BYTES} at a time, into budgeted plaintext memory the pool's
     * threads can read, and sealed from there in parallel; the copy (a memcpy) costs far less than the sealing it
     * spreads over the cores. Without budget for the staging, or for chunks that are not consecutive, the chunks
     * are sealed on the calling thread.
     */
    private void sealConfined(TensorMeta meta, int[] indices, int count, DataKey key, long generation, MemorySegment plain,
            long plainBase, MemorySegment[] out) {
        int perBatch = (int) Math.max(1, STAGING_BYTES / meta.chunkSizeBytes());
        for (int first = 0; first < count; first += perBatch) {
            int last = Math.min(count, first + perBatch);
            long start = meta.plainOffset(indices[first]);
            long end = meta.plainOffset(indices[last - 1]) + meta.plainBytes(indices[last - 1]);
            PlaintextMemory.Block b = consecutive(indices, first, last) ? tryStaging(end - start, meta.name()) : null;
            if (b == null) {
                runHere(sealTask(meta, indices, first, key, generation, plain, plainBase, out), meta, last - first);
                continue;
            }
            try {
                MemorySegment.copy(plain, start - plainBase, b.segment(), 0, end - start);
                runAll(meta, last - first, end - start, sealTask(meta, indices, first, key, generation, b.segment(), start, out));
            } finally {
                staging.give(b); // zeroes the staged plaintext
            }
        }
    }

    private static boolean consecutive(int[] indices, int first, int last) {
        return indices[last - 1] - indices[first] == last - 1 - first;
    }

    private PlaintextMemory.Block tryStaging(long bytes, String tensor) {
        try {
            return staging.take(bytes, tensor);
        } catch (CapacityException e) {
            return null; // open views hold the budget: seal on this thread instead, slower but never refused
        }
    }

    /** Chunk {@code i}'s ciphertext || tag, which must hold {@code plainBytes} + 16 bytes. */
    static MemorySegment sealedChunk(ChunkTable table, int i, int plainBytes) {
        MemorySegment ct = table.chunk(i);
        if (ct.byteSize() != (long) plainBytes + DataKey.TAG_BYTES) {
            throw new IntegrityException(table.meta.name(), i, "sealed chunk is " + ct.byteSize() + " bytes, the table says "
                    + ((long) plainBytes + DataKey.TAG_BYTES));
        }
        return ct;
    }

    private static IntegrityException authenticationFailed(TensorMeta meta, int i) {
        return new IntegrityException(meta.name(), i, "authentication failed: the chunk, its position or"
                + " the tensor's metadata was altered, or an older generation was replayed");
    }

    /** Whether a run of {@code items} chunks, {@code bytes} in all, goes to the pool rather than staying on this thread. */
    private boolean forks(int items, long bytes) {
        return pool != null && items >= 2 && bytes >= PARALLEL_MIN_BYTES;
    }

    private void runAll(TensorMeta meta, int items, long bytes, RangeTask task) {
        if (items == 0) {
            return;
        }
        if (!forks(items, bytes)) {
            runHere(task, meta, items);
            return;
        }
        // A remote source's lanes mostly wait on the network (the pool adds a thread for each one blocked in a
        // CompletableFuture wait), so it gets as many lanes as reads it wants in flight.
        ChunkSource file = source;
        int lanes = file == null ? parallelism : Math.max(parallelism, file.concurrency());
        List<Callable<Void>> calls = file != null && file.runBytes() > 0 ? runsInOrder(meta, items, lanes, file, task)
                : evenParts(meta, items, lanes, task);
        // Waits for every task even if this thread is interrupted (invokeAll would stop waiting and leave workers
        // sealing or writing plaintext into memory the caller is about to zero); the interrupt reaches the tasks.
        List<Future<Void>> futures = new ForkedRun().runAll(pool, calls);
        RuntimeException failure = null;
        for (Future<Void> f : futures) {
            if (f.state() == Future.State.FAILED && failure == null) {
                Throwable c = f.exceptionNow();
                failure = c instanceof RuntimeException r ? r : new IllegalStateException("chunk task failed", c);
            } else if (f.state() == Future.State.CANCELLED && failure == null) {
                failure = new IllegalStateException("chunk task of tensor '" + meta.name() + "' was cancelled");
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** {@code items} cut into one contiguous part per lane. */
    private List<Callable<Void>> evenParts(TensorMeta meta, int items, int lanes, RangeTask task) {
        int parts = Math.min(lanes, items);
        List<Callable<Void>> calls = new ArrayList<>(parts);
        for (int p = 0; p < parts; p++) {
            int lo = (int) ((long) items * p / parts);
            int hi = (int) ((long) items * (p + 1) / parts);
            calls.add(() -> {
                try (ChunkLane lane = new ChunkLane(this, meta)) {
                    task.run(lane, lo, hi);
                }
                return null;
            });
        }
        return calls;
    }

    /**
     * {@code items} cut into runs of one request each ({@link ChunkSource#chunksPerRun}), at least one per request
     * the source wants in flight where there are chunks enough, which the lanes take in
     * order: a remote read's requests go out in file order, the order a read-ahead fetches its blocks in (one
     * block per run, so each run is one copy of one block), and a lane that finishes early takes the next run
     * instead of idling while the slowest part drains.
     */
    private List<Callable<Void>> runsInOrder(TensorMeta meta, int items, int lanes, ChunkSource file, RangeTask task) {
        int step = ChunkSource.chunksPerRun(file.runBytes(), meta.plainBytes(0) + (long) DataKey.TAG_BYTES, items,
                file.concurrency());
        int runs = (int) ((items + (long) step - 1) / step);
        int parts = Math.min(lanes, runs);
        AtomicInteger next = new AtomicInteger();
        List<Callable<Void>> calls = new ArrayList<>(parts);
        for (int p = 0; p < parts; p++) {
            calls.add(() -> {
                try (ChunkLane lane = new ChunkLane(this, meta)) {
                    for (int r = next.getAndIncrement(); r < runs; r = next.getAndIncrement()) {
                        task.run(lane, r * step, (int) Math.min(items, (long) (r + 1) * step));
                    }
                } catch (RuntimeException | Error e) {
                    next.set(runs); // the read fails: the other lanes stop taking runs
                    throw e;
                }
                return null;
            });
        }
        return calls;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
        copyBuffers.clear();
        runBuffers.clear();
        ChunkSource file = source;
        if (file != null) {
            file.close();
        }
    }

    MemorySegment takeCopyBuffer(long bytes) {
        MemorySegment b = copyBuffers.poll();
        if (b == null || b.byteSize() < bytes) {
            // Ciphertext is not secret: GC-managed memory. A lane needs one chunk and its tag.
            b = Arena.ofAuto().allocate(Math.max(bytes, TensorMeta.DEFAULT_CHUNK_BYTES + DataKey.TAG_BYTES), 64);
        }
        return b;
    }

    MemorySegment takeRunBuffer(long bytes) {
        MemorySegment b = runBuffers.poll();
        // Ciphertext is not secret: GC-managed memory, sized for the largest run.
        return b != null && b.byteSize() >= bytes ? b : Arena.ofAuto().allocate(bytes, 64);
    }

    void giveBackRunBuffer(MemorySegment b) {
        ChunkSource file = source;
        if (b != null && runBuffers.size() <= Math.max(parallelism, file == null ? 1 : file.concurrency())) {
            runBuffers.offer(b);
        }
    }

    void giveBackCopyBuffer(MemorySegment b) {
        if (copyBuffers.size() <= parallelism) {
            copyBuffers.offer(b);
        }
    }
}
