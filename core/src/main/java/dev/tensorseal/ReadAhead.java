package dev.tensorseal;

import dev.tensorseal.internal.remote.RemoteSource;
import java.util.List;

/**
 * A whole-model load from a store opened by URI, with its range requests kept in flight across tensor
 * boundaries: while this is open, the chunks of the planned tensors are fetched ahead, in the planned order,
 * with the store's {@link RemoteOptions#concurrency()} and at most a window of bytes fetched and not yet read.
 * Without it each tensor's read waits for its slowest request before the next tensor's requests start.
 *
 * <p>Nothing changes about what is released: every chunk is still authenticated when a read takes it, from the
 * store's private copy of it. Reading tensors out of the planned order, or only parts of them, is allowed and
 * correct; it only wastes the read-ahead. For a store not opened by URI this does nothing.
 *
 * <pre>{@code
 * try (TensorStore store = SealedFile.open(uri, settings);
 *      ReadAhead ahead = ReadAhead.all(store)) {
 *     for (String name : ahead.order()) {
 *         try (TensorView v = store.read(name)) {
 *             load(name, v.segment());
 *         }
 *     }
 * }
 * }</pre>
 */
public final class ReadAhead implements AutoCloseable {
    /** The smallest window: 1 MiB. */
    public static final long MIN_WINDOW_BYTES = 1L << 20;
    /** The largest window: 16 GiB. */
    public static final long MAX_WINDOW_BYTES = 16L << 30;

    private final List<String> order;
    private final Runnable stop;

    private ReadAhead(List<String> order, Runnable stop) {
        this.order = order;
        this.stop = stop;
    }

    /** Reads every tensor of the file ahead, in the order they lie in it ({@link #order()}), with the default window. */
    public static ReadAhead all(TensorStore store) {
        RemoteSource remote = remoteOf(store);
        List<String> order = remote == null ? store.list().stream().map(TensorInfo::name).toList() : remote.fileOrder();
        return of(store, order, remote == null ? MIN_WINDOW_BYTES : remote.defaultWindowBytes());
    }

    /** Reads {@code tensors} ahead in that order, with the default window of {@link #all}. */
    public static ReadAhead of(TensorStore store, List<String> tensors) {
        RemoteSource remote = remoteOf(store);
        return of(store, tensors, remote == null ? MIN_WINDOW_BYTES : remote.defaultWindowBytes());
    }

    /**
     * Reads {@code tensors} ahead in that order, with at most {@code windowBytes} (1 MiB to 16 GiB) fetched ahead of
     * the reads; the default of {@link #all} is two requests per request in flight (64 MiB with the default options).
     */
    public static ReadAhead of(TensorStore store, List<String> tensors, long windowBytes) {
        if (windowBytes < MIN_WINDOW_BYTES || windowBytes > MAX_WINDOW_BYTES) {
            throw new UnsupportedParameterException("read-ahead window " + windowBytes + " bytes is outside [" + MIN_WINDOW_BYTES
                    + ", " + MAX_WINDOW_BYTES + "]");
        }
        List<String> order = List.copyOf(tensors);
        RemoteSource remote = remoteOf(store);
        return new ReadAhead(order, remote == null ? () -> { } : remote.readAhead(order, windowBytes));
    }

    private static RemoteSource remoteOf(TensorStore store) {
        return store.sealed().source() instanceof RemoteSource r ? r : null;
    }

    /** The tensors read ahead, in order. */
    public List<String> order() {
        return order;
    }

    /** Stops reading ahead (requests in flight are cancelled); the store stays open. Idempotent. */
    @Override
    public void close() {
        stop.run();
    }
}
