package dev.tensorseal.djl;

import ai.djl.Model;
import ai.djl.onnxruntime.engine.OrtNDManager;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.tensorseal.KeySource;
import dev.tensorseal.TensorSealException;
import dev.tensorseal.TensorStore;
import dev.tensorseal.onnxruntime.SealedOnnx;
import dev.tensorseal.onnxruntime.SealedSession;
import dev.tensorseal.onnxruntime.SealedWeights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A DJL {@link Model} on the OnnxRuntime engine over a {@code .tseal} file sealed from {@code .onnx}:
 *
 * <pre>{@code
 * try (SealedModel m = SealedModel.load(Path.of("minilm.tseal"), key)) {
 *     NDList out = m.model().getBlock().forward(new ParameterStore(), inputs, false);
 * }
 * }</pre>
 *
 * <p>The session is built by {@link SealedOnnx} (weights from decrypted views, no copy; the graph from a direct
 * buffer; the plaintext budget sized from the file). {@link #close()} closes the DJL model (its manager and the arrays
 * on it), then the session, the OnnxTensors, the views and the store it opened, once: a second call does nothing (DJL's own
 * {@code Model.close()} fails when called twice). Not for concurrent closing.
 */
public final class SealedModel implements AutoCloseable {
    /** DJL's name of its ONNX Runtime engine. */
    public static final String ENGINE = "OnnxRuntime";

    private final Model model;
    private final SealedSession session;
    private boolean closed;

    private SealedModel(Model model, SealedSession session) {
        this.model = model;
        this.session = session;
    }

    /** Loads the model sealed in {@code file} under {@code key} on DJL's OnnxRuntime engine. */
    public static SealedModel load(Path file, KeySource key) throws IOException {
        return load(modelName(file), file.getFileName().toString(), env -> SealedOnnx.createSession(env, file, key, null));
    }

    /**
     * Loads the model in {@code store} (opened by the caller from a file sealed from {@code .onnx}, with the budget,
     * engine and settings the caller chose); the store stays the caller's to close, after this model.
     */
    public static SealedModel load(TensorStore store, String name) {
        try {
            return load(name, name, env -> SealedOnnx.createSession(env, store, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not reached: a store is already open
        }
    }

    private interface SessionFactory {
        SealedSession create(OrtEnvironment env) throws IOException, OrtException;
    }

    private static SealedModel load(String name, String source, SessionFactory sessions) throws IOException {
        // The model first: DJL's engine creates the process's OrtEnvironment (with its thread pool) and refuses to
        // start once another exists; the session is then built in that environment.
        Model m = Model.newInstance(name, ENGINE);
        SealedSession s = null;
        try {
            s = sessions.create(OrtEnvironment.getEnvironment());
            m.setBlock(new BorrowedSessionBlock(s.session(), (OrtNDManager) m.getNDManager()));
            return new SealedModel(m, s);
        } catch (OrtException e) {
            close(m, s);
            throw new TensorSealException(source + ": ONNX Runtime refused the sealed model: " + e.getMessage(), e);
        } catch (IOException | RuntimeException | Error e) {
            close(m, s);
            throw e;
        }
    }

    private static void close(Model m, SealedSession s) {
        try {
            m.close();
        } finally {
            if (s != null) {
                s.close();
            }
        }
    }

    private static String modelName(Path file) {
        String n = file.getFileName().toString();
        return n.endsWith(".tseal") ? n.substring(0, n.length() - ".tseal".length()) : n;
    }

    /** The DJL model; valid until {@link #close()}. */
    public Model model() {
        requireOpen();
        return model;
    }

    /** The weights the session runs on (their OnnxTensors do not own their buffers). */
    public SealedWeights weights() {
        requireOpen();
        return session.weights();
    }

    /** Closes the model, then the session, tensors, views and store. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            model.close();
        } finally {
            session.close();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this sealed model is closed");
        }
    }
}
