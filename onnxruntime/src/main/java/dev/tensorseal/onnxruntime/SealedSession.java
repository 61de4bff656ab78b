package dev.tensorseal.onnxruntime;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.tensorseal.TensorStore;

/**
 * An ONNX Runtime session over sealed weights, with everything it depends on: the session, the
 * {@link SealedWeights} (OnnxTensors and decrypted views) and, when {@link SealedOnnx} opened the file, the store.
 * {@link #close()} closes them in that order (the session first: it holds pointers into the views), so the caller
 * never has to; it is idempotent and thread-safe.
 */
public final class SealedSession implements AutoCloseable {
    private final OrtSession session;
    private final SealedWeights weights;
    private final TensorStore store;
    private final TensorStore ownedStore;
    private boolean closed;

    SealedSession(OrtSession session, SealedWeights weights, TensorStore store, boolean ownsStore) {
        this.session = session;
        this.weights = weights;
        this.store = store;
        this.ownedStore = ownsStore ? store : null;
    }

    /** The session; run it as any other. Valid until {@link #close()}. */
    public OrtSession session() {
        requireOpen();
        return session;
    }

    /** The weights handed to the session (their OnnxTensors do not own their buffers: no copy was made). */
    public SealedWeights weights() {
        requireOpen();
        return weights;
    }

    /** The store the weights come from (closed with this session when {@link SealedOnnx} opened it). */
    public TensorStore store() {
        requireOpen();
        return store;
    }

    /** Whether {@link #close()} has run. */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** Closes the session, then the OnnxTensors, then the views (zeroing them), then an owned store. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing the ONNX Runtime session failed: " + e.getMessage(), e);
        } finally {
            try {
                weights.close();
            } finally {
                if (ownedStore != null) {
                    ownedStore.close();
                }
            }
        }
    }

    private synchronized void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this sealed session is closed");
        }
    }
}
