package dev.tensorseal;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * One object in remote storage, pinned to the version that was current when it was opened, read by byte range.
 * Implementations come from a {@link RemoteStorage}; tensorseal retries their failures and authenticates every
 * byte they return, so an implementation needs to be correct about lengths and versions, not trusted.
 */
public interface RemoteObject extends AutoCloseable {
    /** What to call the object in messages: its URI without credentials or query. */
    String name();

    /** The object's length in bytes, from the response that pinned its version. */
    long sizeBytes();

    /** The pinned version (an ETag or version id), sent with every read so a changed object is refused. */
    String version();

    /** The first bytes of the object, fetched by the request that pinned its version (at most the bytes asked for). */
    byte[] head();

    /**
     * Fills {@code target} with the object's bytes from {@code offset} (one range request, of the pinned version).
     *
     * @throws IOException for a failure worth retrying: a timeout, a reset connection, a 5xx, a response of the
     *         wrong length or status; {@link java.io.InterruptedIOException} with the thread's interrupt flag set
     *         when it was interrupted
     * @throws IntegrityException when the object is no longer the pinned version
     */
    void read(long offset, MemorySegment target) throws IOException;

    /** Cancels reads in flight (they fail) and releases connections. Idempotent. */
    @Override
    void close();
}
