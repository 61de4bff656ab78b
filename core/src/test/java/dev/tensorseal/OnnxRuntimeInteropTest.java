package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.ByteArrayOutputStream;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A sealed tensor handed to ONNX Runtime through a view's direct buffer gives the plaintext's output. */
class OnnxRuntimeInteropTest {
    private static final int N = 20_000; // 80 KB: two chunks at the default size

    @Test
    void aViewFedToOnnxRuntimeGivesTheSameOutputAsThePlaintext() throws Exception {
        float[] weights = new float[N];
        float[] x = new float[N];
        Random r = new Random(70);
        for (int i = 0; i < N; i++) {
            weights[i] = r.nextFloat() - 0.5f;
            x[i] = r.nextFloat();
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (KeySource key = StoreFixtures.key(71);
             TensorStore store = TensorStore.builder().keySource(key).build();
             OrtSession session = env.createSession(addModel(N), new OrtSession.SessionOptions())) {
            store.put("w", weights.clone(), N);
            float[] fromPlain = run(env, session, x, OnnxTensor.createTensor(env, FloatBuffer.wrap(weights), new long[] {N}));
            float[] fromView;
            try (TensorView v = store.read("w")) {
                FloatBuffer direct = v.asByteBuffer().asFloatBuffer();
                assertTrue(direct.isDirect());
                // the OnnxTensor points into the view: it is closed (in run) before the view is
                fromView = run(env, session, x, OnnxTensor.createTensor(env, direct, new long[] {N}));
            }
            assertArrayEquals(fromPlain, fromView);
            float[] expected = new float[N];
            for (int i = 0; i < N; i++) {
                expected[i] = x[i] + weights[i];
            }
            assertArrayEquals(expected, fromView, "the graph computes x + w");
        }
    }

    private static float[] run(OrtEnvironment env, OrtSession session, float[] x, OnnxTensor w) throws Exception {
        try (w; OnnxTensor xt = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {N});
             OrtSession.Result out = session.run(Map.of("x", xt, "w", w))) {
            FloatBuffer z = ((OnnxTensor) out.get(0)).getFloatBuffer();
            float[] a = new float[z.remaining()];
            z.get(a);
            return a;
        }
    }

    // ---- a one-node ONNX model (z = Add(x, w), float[n]) written as protobuf wire bytes ----

    private static byte[] addModel(int n) {
        byte[] shape = msg(1, msg(1, varint(1, n)));                          // TensorShapeProto.dim { dim_value }
        byte[] type = msg(1, cat(varint(1, 1), shape));                        // TypeProto.tensor_type { elem_type FLOAT, shape }
        byte[] graph = cat(
                msg(1, cat(str(1, "x"), str(1, "w"), str(2, "z"), str(3, "add"), str(4, "Add"))), // NodeProto
                str(2, "g"),
                msg(11, cat(str(1, "x"), msg(2, type))),
                msg(11, cat(str(1, "w"), msg(2, type))),
                msg(12, cat(str(1, "z"), msg(2, type))));
        return cat(varint(1, 7), msg(7, graph), msg(8, cat(str(1, ""), varint(2, 13)))); // ir_version 7, graph, opset 13
    }

    private static byte[] varint(int field, long v) {
        return cat(rawVarint((long) field << 3), rawVarint(v));
    }

    private static byte[] str(int field, String s) {
        return msg(field, s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] msg(int field, byte[] body) {
        return cat(rawVarint(((long) field << 3) | 2), rawVarint(body.length), body);
    }

    private static byte[] rawVarint(long v) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        while ((v & ~0x7FL) != 0) {
            o.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        o.write((int) v);
        return o.toByteArray();
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }
}
