package dev.tensorseal.internal.remote;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.RemoteObject;
import dev.tensorseal.RemoteOptions;
import dev.tensorseal.TensorSealException;
import dev.tensorseal.internal.store.ChunkSource;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;

/**
 * A remote object as the source of a store's chunks: every read is a range request of the pinned version,
 * retried ({@link Retrier}), straight into the reader's private buffer, at most {@link RemoteOptions#concurrency()}
 * of them in flight. The chunk slices are cut from {@link #range()}, an address reservation with no memory
 * behind it. Closing (the store closing) cancels what is in flight.
 */
public final class RemoteSource implements ChunkSource {
    private final RemoteObject object;
    private final MemorySegment range;
    private final RemoteOptions options;
    private final Semaphore permits;
    private final Retrier retrier;
    private final LongAdder bytesRead = new LongAdder();
    private final LongAdder requests = new LongAdder();
    private final java.util.Map<String, long[]> extents;
    private volatile Prefetch prefetch;
    private volatile boolean closed;

    /** @param range the address range that stands for the object (its slices are the chunks); may be null until known */
    public RemoteSource(RemoteObject object, MemorySegment range, RemoteOptions options) {
        this(object, range, options, java.util.Map.of());
    }

    private RemoteSource(RemoteObject object, MemorySegment range, RemoteOptions options, java.util.Map<String, long[]> extents) {
        this.extents = extents;
        this.object = object;
        this.range = range;
        this.options = options;
        this.permits = new Semaphore(options.concurrency());
        this.retrier = new Retrier(options, () -> closed);
    }

    /**
     * This source over {@code reserved}, sharing the object (and its closing); {@code extents} are the file ranges
     * [from, to) of each tensor's chunks as opened and their stride (chunk and tag), what {@link #readAhead} plans with.
     */
    RemoteSource over(MemorySegment reserved, java.util.Map<String, long[]> extents) {
        return new RemoteSource(object, reserved, options, java.util.Map.copyOf(extents));
    }

    /**
     * Reads the chunks of {@code tensors} ahead, in that order, with this source's concurrency and at most
     * {@code windowBytes} fetched ahead of the readers, until the returned scope is closed (or this source). One
     * read-ahead at a time: a new one replaces the last. Names the file did not hold when it was opened are skipped.
     * The returned action stops it (idempotent).
     */
    /** The tensors of the file as opened, in the order their chunks lie in it. */
    public java.util.List<String> fileOrder() {
        return extents.entrySet().stream().sorted(java.util.Comparator.comparingLong(e -> e.getValue()[0]))
                .map(java.util.Map.Entry::getKey).toList();
    }

    /** {@link #readAhead(java.util.List, long)}'s default window: two requests per lane. */
    public long defaultWindowBytes() {
        return 2L * options.concurrency() * options.requestBytes();
    }

    public Runnable readAhead(java.util.List<String> tensors, long windowBytes) {
        java.util.List<long[]> ranges = new java.util.ArrayList<>();
        for (String t : tensors) {
            long[] e = extents.get(t);
            if (e != null) {
                // Blocks of whole chunks, cut from the tensor's first as its lanes cut their runs: one block per run.
                long chunks = (e[1] - e[0] + e[2] - 1) / e[2];
                ranges.add(new long[] {e[0], e[1],
                    e[2] * ChunkSource.chunksPerRun(options.requestBytes(), e[2], chunks, options.concurrency())});
            }
        }
        Prefetch p = new Prefetch(object.name(), ranges, options.requestBytes(), windowBytes, options.concurrency(),
                (offset, dst, what) -> fetch(offset, dst, what));
        Prefetch last;
        synchronized (this) {
            last = prefetch;
            prefetch = closed ? null : p;
        }
        if (last != null) {
            last.close();
        }
        if (closed) {
            p.close();
        }
        return () -> {
            synchronized (this) {
                if (prefetch == p) {
                    prefetch = null;
                }
            }
            p.close();
        };
    }

    @Override
    public String name() {
        return object.name();
    }

    @Override
    public MemorySegment range() {
        return range;
    }

    @Override
    public long runBytes() {
        return options.requestBytes();
    }

    @Override
    public int concurrency() {
        return options.concurrency();
    }

    /** Bytes fetched so far (completed requests only). */
    public long bytesRead() {
        return bytesRead.sum();
    }

    /** Range requests completed so far. */
    public long requests() {
        return requests.sum();
    }

    /** A thread that never runs: a segment it may access is one the HTTP client's threads may write. */
    private static final Thread ANOTHER_THREAD = Thread.ofPlatform().unstarted(() -> { });

    @Override
    public void read(long fileOffset, long bytes, MemorySegment target, long targetOffset, String tensor, long chunk) {
        MemorySegment slice = target.asSlice(targetOffset, bytes);
        // Lane buffers are shared memory: bodies land in them directly. A caller's confined buffer gets a copy.
        MemorySegment dst = slice.isAccessibleBy(ANOTHER_THREAD) ? slice : Arena.ofAuto().allocate(bytes);
        String what = object.name() + ": bytes " + fileOffset + ".." + (fileOffset + bytes)
                + (tensor == null ? "" : " (tensor '" + tensor + "' from chunk " + chunk + ")");
        try {
            Prefetch p = prefetch;
            java.util.List<long[]> rest = p == null ? java.util.List.of(new long[] {fileOffset, fileOffset + bytes})
                    : p.take(fileOffset, dst);
            for (long[] r : rest) {
                fetch(r[0], dst.asSlice(r[0] - fileOffset, r[1] - r[0]), what);
            }
        } catch (IntegrityException e) {
            throw tensor == null ? e : new IntegrityException(tensor, chunk, e.getMessage());
        }
        if (dst != slice) {
            slice.copyFrom(dst);
        }
    }

    @Override
    public MemorySegment readRun(long fileOffset, long bytes, MemorySegment run, String tensor, long chunk) {
        Prefetch p = prefetch;
        MemorySegment block = p == null || !run.isAccessibleBy(ANOTHER_THREAD) ? null
                : p.exchange(fileOffset, fileOffset + bytes, run);
        if (block != null) {
            return block;
        }
        read(fileOffset, bytes, run, 0, tensor, chunk);
        return run;
    }

    /** One range request (retried) of {@code dst.byteSize()} bytes from {@code fileOffset}, within the concurrency. */
    private void fetch(long fileOffset, MemorySegment dst, String what) {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TensorSealException(what + ": interrupted");
        }
        try {
            retrier.call(what, () -> {
                object.read(fileOffset, dst);
                return null;
            });
        } finally {
            permits.release();
        }
        bytesRead.add(dst.byteSize());
        requests.increment();
    }

    /** Retries {@code attempt} under this source's policy (for the open request). */
    <T> T retry(String what, Retrier.Attempt<T> attempt) {
        return retrier.call(what, attempt);
    }

    @Override
    public void cancel() {
        close();
    }

    @Override
    public void close() {
        Prefetch p;
        synchronized (this) {
            closed = true;
            p = prefetch;
            prefetch = null;
        }
        if (p != null) {
            p.close();
        }
        object.close();
    }
}
