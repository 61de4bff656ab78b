package dev.tensorseal.examples;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.tensorseal.TensorInfo;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import java.util.ArrayList;
import java.util.List;

/**
 * Ties decrypted views to an ONNX Runtime session: ONNX Runtime keeps pointers to the buffers handed to
 * {@code addInitializer}, so the views (and the OnnxTensors over them) must stay open for the session's whole
 * life. {@link #close()} closes the session first, then the tensors, then the views (which zeroes them).
 */
public final class SessionWeights implements AutoCloseable {
    private final List<TensorView> views = new ArrayList<>();
    private final List<OnnxTensor> tensors = new ArrayList<>();
    private OrtSession session;

    /** Builds a session for {@code graph} with every initializer in {@code names} taken from {@code store}. */
    public static SessionWeights open(OrtEnvironment env, byte[] graph, TensorStore store, List<String> names)
            throws OrtException {
        SessionWeights w = new SessionWeights();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            // Prepacking makes ONNX Runtime keep private re-laid-out copies of weights; off, it uses our buffers.
            options.addConfigEntry("session.disable_prepacking", "1");
            for (String name : names) {
                TensorInfo info = store.info(name).orElseThrow();
                TensorView v = store.read(name);
                w.views.add(v);
                OnnxTensor t = OnnxTensor.createTensor(env, v.asByteBuffer(), info.shape(), typeOf(info));
                w.tensors.add(t);
                options.addInitializer(name, t);
            }
            w.session = env.createSession(graph, options);
            return w;
        } catch (OrtException | RuntimeException e) {
            w.close();
            throw e;
        }
    }

    private static OnnxJavaType typeOf(TensorInfo info) {
        return switch (info.dtype()) {
            case F32 -> OnnxJavaType.FLOAT;
            case F64 -> OnnxJavaType.DOUBLE;
            case I8 -> OnnxJavaType.INT8;
            case U8 -> OnnxJavaType.UINT8;
            case I16 -> OnnxJavaType.INT16;
            case I32 -> OnnxJavaType.INT32;
            case I64 -> OnnxJavaType.INT64;
            case BOOL -> OnnxJavaType.BOOL;
            case F16 -> OnnxJavaType.FLOAT16;
            case BF16 -> OnnxJavaType.BFLOAT16;
            default -> throw new IllegalArgumentException("no ONNX Runtime type for " + info.dtype());
        };
    }

    public OrtSession session() {
        return session;
    }

    @Override
    public void close() {
        try {
            if (session != null) {
                session.close();
            }
        } catch (OrtException e) {
            throw new IllegalStateException("closing the ONNX Runtime session failed: " + e.getMessage(), e);
        } finally {
            tensors.forEach(OnnxTensor::close);
            views.forEach(TensorView::close);
        }
    }
}
