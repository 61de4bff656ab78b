package dev.tensorseal.onnxruntime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.tensorseal.CapacityException;
import dev.tensorseal.TensorInfo;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import java.util.ArrayList;
import java.util.List;

/**
 * Decrypted views of a store's tensors and the {@link OnnxTensor}s over them, handed to a session as initializers.
 * ONNX Runtime keeps pointers into the buffers given to {@code addInitializer} (the tensors do not own them:
 * {@code ownsBuffer()} is false, nothing is copied), so these must outlive the session. {@link #close()} closes the
 * tensors, then the views (zeroing the plaintext); it is idempotent. Not thread-safe to close concurrently.
 */
public final class SealedWeights implements AutoCloseable {
    private final List<TensorView> views = new ArrayList<>();
    private final List<OnnxTensor> tensors = new ArrayList<>();
    private boolean closed;

    private SealedWeights() {}

    /**
     * Opens a view of each tensor in {@code names} and wraps it in an OnnxTensor (dtype mapped, no copy). Fails with a
     * {@link CapacityException} before opening anything when the store's free plaintext budget cannot hold them all.
     */
    public static SealedWeights open(OrtEnvironment env, TensorStore store, List<String> names) throws OrtException {
        List<TensorInfo> infos = names.stream().map(n -> store.info(n)
                .orElseThrow(() -> new IllegalArgumentException("no tensor named '" + n + "' in the store"))).toList();
        requireBudget(store, infos);
        SealedWeights w = new SealedWeights();
        try {
            for (TensorInfo info : infos) {
                TensorView v = store.read(info.name());
                w.views.add(v);
                w.tensors.add(OnnxTensor.createTensor(env, v.asByteBuffer(), info.shape(), OnnxTypes.of(info)));
            }
            return w;
        } catch (OrtException | RuntimeException e) {
            w.close();
            throw e;
        }
    }

    /** Adds every tensor as an initializer of its name. */
    public void addTo(OrtSession.SessionOptions options) throws OrtException {
        requireOpen();
        for (int i = 0; i < tensors.size(); i++) {
            options.addInitializer(views.get(i).info().name(), tensors.get(i));
        }
    }

    /** The tensors' names, in the order given. */
    public List<String> names() {
        return views.stream().map(v -> v.info().name()).toList();
    }

    /** The OnnxTensors over the views (for checks such as {@code ownsBuffer()}); valid until {@link #close()}. */
    public List<OnnxTensor> tensors() {
        requireOpen();
        return List.copyOf(tensors);
    }

    /** Closes the tensors, then zeroes and closes the views. Close the session that uses them first. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            tensors.forEach(OnnxTensor::close);
        } finally {
            views.forEach(TensorView::close);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("these sealed weights are closed");
        }
    }

    private static void requireBudget(TensorStore store, List<TensorInfo> infos) {
        long needed = 0;
        for (TensorInfo i : infos) {
            needed = Math.addExact(needed, i.byteSize());
        }
        var stats = store.stats();
        long free = stats.plaintextBudgetBytes() - stats.plaintextBytesInUse();
        if (needed > free) {
            throw new CapacityException("the model's " + infos.size() + " tensors need " + needed + " bytes of plaintext budget, the"
                    + " store has " + free + " free of " + stats.plaintextBudgetBytes() + ": open the file with"
                    + " TensorStore.builder().plaintextBudgetBytes(" + needed + ") or more, or let SealedOnnx open it");
        }
    }
}
