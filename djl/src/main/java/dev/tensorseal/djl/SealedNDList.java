package dev.tensorseal.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tensorseal.KeySource;
import dev.tensorseal.SealedFile;
import dev.tensorseal.TensorInfo;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A store's tensors as a DJL {@link NDList}, each {@link NDArray} over a decrypted view's direct buffer (named after
 * its tensor; engines that wrap direct buffers, as OnnxRuntime's and PyTorch's do, copy nothing):
 *
 * <pre>{@code
 * try (SealedNDList weights = SealedNDList.load(manager, Path.of("model.tseal"), key)) {
 *     NDArray w = weights.list().get("encoder.weight");
 * }
 * }</pre>
 *
 * <p>It owns the arrays and the views (and the store when it opened the file, with a plaintext budget of the file's
 * total plaintext); {@link #close()} closes the arrays, then the views (zeroing them), then the store, once. Arrays
 * must not be used after that. Tensors the engine cannot take (BF16 on PyTorch, which aborts the JVM) are refused with
 * {@link dev.tensorseal.UnsupportedParameterException} before any array is made. Not for concurrent closing.
 */
public final class SealedNDList implements AutoCloseable {
    private final NDList list = new NDList();
    private final List<TensorView> views = new ArrayList<>();
    private TensorStore ownedStore;
    private boolean closed;

    private SealedNDList() {}

    /** Every tensor of {@code file} but an ONNX graph, on {@code manager}'s engine; the store is opened and owned here. */
    public static SealedNDList load(NDManager manager, Path file, KeySource key) throws IOException {
        TensorStore store = SealedFile.open(file, TensorStore.builder().keySource(key)
                .plaintextBudgetBytes(SealedFile.totalPlaintextBytes(file)));
        try {
            SealedNDList l = load(manager, store, weightNames(store));
            l.ownedStore = store;
            return l;
        } catch (RuntimeException | Error e) {
            store.close();
            throw e;
        }
    }

    /** The tensors {@code names} of {@code store} (which stays the caller's to close, after this). */
    public static SealedNDList load(NDManager manager, TensorStore store, List<String> names) {
        List<TensorInfo> infos = names.stream().map(n -> store.info(n)
                .orElseThrow(() -> new IllegalArgumentException("no tensor named '" + n + "' in the store"))).toList();
        String engine = manager.getEngine().getEngineName();
        infos.forEach(i -> DjlTypes.requireSupported(engine, i));
        SealedNDList l = new SealedNDList();
        try {
            for (TensorInfo info : infos) {
                TensorView v = store.read(info.name());
                l.views.add(v);
                NDArray a = manager.create(v.asByteBuffer(), new Shape(info.shape()), DjlTypes.of(info));
                a.setName(info.name());
                l.list.add(a);
            }
            return l;
        } catch (RuntimeException | Error e) {
            l.close();
            throw e;
        }
    }

    /** The names of {@code store}'s tensors, without the graph of a file sealed from {@code .onnx}. */
    public static List<String> weightNames(TensorStore store) {
        return store.list().stream().map(TensorInfo::name).filter(n -> !n.equals(SealedFile.ONNX_GRAPH_TENSOR)).toList();
    }

    /** The arrays, in the order loaded; valid until {@link #close()}. */
    public NDList list() {
        if (closed) {
            throw new IllegalStateException("this sealed NDList is closed");
        }
        return list;
    }

    /** Closes the arrays, then zeroes and closes the views, then an owned store. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            list.forEach(NDArray::close);
        } finally {
            try {
                views.forEach(TensorView::close);
            } finally {
                if (ownedStore != null) {
                    ownedStore.close();
                }
            }
        }
    }
}
