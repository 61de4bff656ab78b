package dev.tensorseal.internal.store;

import java.lang.foreign.MemorySegment;

/**
 * Where a store's file-backed chunks come from, and the one way their bytes are read. The store's chunk table
 * holds slices of an address range that stands for the file (its mapping, or for a remote object a reservation
 * that is never touched); every read of a chunk goes through {@link #read} by file offset, once, into private
 * memory that the engines then authenticate and decrypt. Nothing else may read those slices.
 */
public interface ChunkSource extends AutoCloseable {
    /** What to call the file or object in messages (never a credential). */
    String name();

    /** The address range the chunk slices are cut from; file offset 0 is its first byte. */
    MemorySegment range();

    /**
     * Copies {@code bytes} of the file from offset {@code fileOffset} into {@code target} (native memory) at
     * {@code targetOffset}.
     *
     * @throws dev.tensorseal.IntegrityException naming the file, {@code tensor} (may be null) and {@code chunk}
     *         when the bytes are not those of the file that was opened (it shrank, or the object changed)
     */
    void read(long fileOffset, long bytes, MemorySegment target, long targetOffset, String tensor, long chunk);

    /**
     * The most bytes worth reading at once across adjacent chunks (one round trip for a remote object), or 0
     * where each chunk is best read on its own (a local file: pread is as fast per chunk).
     */
    default long runBytes() {
        return 0;
    }

    /**
     * How many chunks of {@code strideBytes} (chunk and tag) one read of {@code chunks} adjacent ones takes at a time:
     * as many whole chunks as {@code runBytes} holds, or fewer where that spreads the read over {@code concurrency}
     * requests; at least one. A whole-tensor read cuts its chunks into runs of this many from the first, and a
     * read-ahead cuts its blocks the same way, so each run a lane reads is exactly one block.
     */
    static int chunksPerRun(long runBytes, long strideBytes, long chunks, int concurrency) {
        long whole = runBytes / Math.max(1, strideBytes);
        long spread = (chunks + Math.max(1, concurrency) - 1) / Math.max(1, concurrency);
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.min(whole, spread)));
    }

    /** How many reads are worth having in flight at once (more lanes than cores for a remote object). */
    default int concurrency() {
        return 1;
    }

    /** True when {@code segment} is a slice of {@link #range()}. */
    default boolean covers(MemorySegment segment) {
        MemorySegment range = range();
        long at = segment.address() - range.address();
        return segment.isNative() && at >= 0 && at <= range.byteSize() - segment.byteSize();
    }

    /** The file offset of {@code segment}, a slice of {@link #range()}. */
    default long offsetOf(MemorySegment segment) {
        return segment.address() - range().address();
    }

    /**
     * Bytes {@code fileOffset..fileOffset+bytes} into {@code run} from its byte 0, as {@link #read}, and returns
     * {@code run}; or returns another buffer, at least as large and the caller's alone from then on, that already
     * holds them, keeping {@code run} in exchange (a remote read-ahead's block: the lane's private copy without a
     * copy).
     */
    default MemorySegment readRun(long fileOffset, long bytes, MemorySegment run, String tensor, long chunk) {
        read(fileOffset, bytes, run, 0, tensor, chunk);
        return run;
    }

    /** Copies {@code chunk}, a slice of {@link #range()}, into {@code target} at {@code targetOffset}. */
    default void copy(MemorySegment chunk, MemorySegment target, long targetOffset, String tensor, long chunkIndex) {
        read(offsetOf(chunk), chunk.byteSize(), target, targetOffset, tensor, chunkIndex);
    }

    /**
     * Makes reads in flight fail soon, and later ones at once; called when the store starts closing, before it
     * waits for reads to finish. A no-op where a read cannot block for long (a local file).
     */
    default void cancel() {}

    /** Releases what the source holds (a descriptor, connections; in-flight reads are cancelled). Idempotent. */
    @Override
    void close();
}
