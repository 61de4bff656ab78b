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
    private volatile boolean closed;

    /** @param range the address range that stands for the object (its slices are the chunks); may be null until known */
    public RemoteSource(RemoteObject object, MemorySegment range, RemoteOptions options) {
        this.object = object;
        this.range = range;
        this.options = options;
        this.permits = new Semaphore(options.concurrency());
        this.retrier = new Retrier(options, () -> closed);
    }

    /** This source over {@code range}, sharing the object (and its closing). */
    RemoteSource over(MemorySegment reserved) {
        return new RemoteSource(object, reserved, options);
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
        } catch (IntegrityException e) {
            throw tensor == null ? e : new IntegrityException(tensor, chunk, e.getMessage());
        } finally {
            permits.release();
        }
        if (dst != slice) {
            slice.copyFrom(dst);
        }
        bytesRead.add(bytes);
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
        closed = true;
        object.close();
    }
}
