package dev.tensorseal.onnxruntime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.tensorseal.KeySource;
import dev.tensorseal.SealedFile;
import dev.tensorseal.TensorInfo;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * ONNX Runtime sessions over sealed models, in one call:
 *
 * <pre>{@code
 * try (SealedSession s = SealedOnnx.createSession(env, Path.of("minilm.tseal"), key, null)) {
 *     OrtSession.Result r = s.session().run(inputs);
 * }
 * }</pre>
 *
 * <p>Every weight is handed to ONNX Runtime from a decrypted view ({@code addInitializer} over the view's direct
 * buffer: no copy on the Java heap, {@code ownsBuffer()} false), with {@value #DISABLE_PREPACKING} set so that ONNX
 * Runtime does not keep re-laid-out private copies of them. The graph of a file sealed from {@code .onnx} is passed
 * as the direct buffer of its view, closed (zeroed) once the session is built. The returned {@link SealedSession}
 * owns the session, the tensors and the views (and the store when this class opened the file) and closes them in
 * the right order.
 *
 * <p>A file this class opens gets a plaintext budget of its total plaintext ({@link SealedFile#totalPlaintextBytes}),
 * so a model of any size fits; to choose the budget, engine or parallelism, open the store yourself
 * ({@link SealedFile#open(Path, TensorStore.Builder)}) and pass it. {@code options} (may be null) gets the
 * initializers and the prepacking entry; it stays the caller's to close, and may be closed once this returns.
 */
public final class SealedOnnx {
    /** The session option that stops ONNX Runtime from copying weights into prepacked private buffers. */
    public static final String DISABLE_PREPACKING = "session.disable_prepacking";

    private SealedOnnx() {}

    /** A session for a {@code .tseal} file sealed from an {@code .onnx} model ({@link SealedFile#importOnnx}). */
    public static SealedSession createSession(OrtEnvironment env, Path sealedModel, KeySource key, OrtSession.SessionOptions options)
            throws IOException, OrtException {
        TensorStore store = openWhole(sealedModel, key);
        return owning(store, () -> fromStore(env, null, store, options, true));
    }

    /** A session for a store opened from a file sealed from {@code .onnx}; the store stays the caller's to close. */
    public static SealedSession createSession(OrtEnvironment env, TensorStore store, OrtSession.SessionOptions options)
            throws OrtException {
        return fromStore(env, null, store, options, false);
    }

    /**
     * A session for the graph in {@code graph} (an {@code .onnx} file whose initializers are external or absent) with
     * every tensor of {@code weights} (sealed from safetensors, say) as an initializer of its name; {@code weights}
     * stays the caller's to close.
     */
    public static SealedSession createSession(OrtEnvironment env, Path graph, TensorStore weights, OrtSession.SessionOptions options)
            throws OrtException {
        return fromStore(env, graph, weights, options, false);
    }

    /** As {@link #createSession(OrtEnvironment, Path, TensorStore, OrtSession.SessionOptions)}, opening {@code sealedWeights}. */
    public static SealedSession createSession(OrtEnvironment env, Path graph, Path sealedWeights, KeySource key,
            OrtSession.SessionOptions options) throws IOException, OrtException {
        TensorStore store = openWhole(sealedWeights, key);
        return owning(store, () -> fromStore(env, graph, store, options, true));
    }

    /** Opens {@code file} with a plaintext budget that holds every tensor in it at once. */
    static TensorStore openWhole(Path file, KeySource key) throws IOException {
        return SealedFile.open(file, TensorStore.builder().keySource(key).plaintextBudgetBytes(SealedFile.totalPlaintextBytes(file)));
    }

    private interface SessionStep {
        SealedSession build() throws OrtException;
    }

    /** Runs {@code step}; closes {@code store} if it fails (the session would have owned it). */
    private static SealedSession owning(TensorStore store, SessionStep step) throws OrtException {
        try {
            return step.build();
        } catch (OrtException | RuntimeException | Error e) {
            store.close();
            throw e;
        }
    }

    private static SealedSession fromStore(OrtEnvironment env, Path graph, TensorStore store, OrtSession.SessionOptions options,
            boolean ownsStore) throws OrtException {
        boolean hasGraph = store.info(SealedFile.ONNX_GRAPH_TENSOR).isPresent();
        if (graph == null && !hasGraph) {
            throw new IllegalArgumentException("the store holds no ONNX graph (it was not sealed from an .onnx model):"
                    + " pass the graph's .onnx file too");
        }
        List<String> names = store.list().stream().map(TensorInfo::name).filter(n -> !n.equals(SealedFile.ONNX_GRAPH_TENSOR)).toList();
        SealedWeights weights = SealedWeights.open(env, store, names);
        OrtSession.SessionOptions own = options == null ? new OrtSession.SessionOptions() : null;
        OrtSession.SessionOptions opts = options == null ? own : options;
        try {
            opts.addConfigEntry(DISABLE_PREPACKING, "1");
            weights.addTo(opts);
            OrtSession session;
            if (graph != null) {
                session = env.createSession(graph.toString(), opts);
            } else {
                try (TensorView g = store.read(SealedFile.ONNX_GRAPH_TENSOR)) {
                    session = env.createSession(g.asByteBuffer(), opts); // ONNX Runtime parses it now; the view is zeroed after
                }
            }
            return new SealedSession(session, weights, store, ownsStore);
        } catch (OrtException | RuntimeException | Error e) {
            weights.close();
            throw e;
        } finally {
            if (own != null) {
                own.close();
            }
        }
    }
}
