package dev.tensorseal.onnxruntime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.Arrays;
import java.util.Map;

/** Runs MiniLM on fixed token ids and compares two sessions' hidden states. */
final class MiniLmRuns {
    private MiniLmRuns() {}

    /** The last hidden state for {@code ids} (one sequence, all tokens attended). */
    static float[][] hidden(OrtEnvironment env, OrtSession session, long[] ids) throws OrtException {
        long[][] mask = {new long[ids.length]};
        Arrays.fill(mask[0], 1);
        try (OnnxTensor a = OnnxTensor.createTensor(env, new long[][] {ids});
                OnnxTensor b = OnnxTensor.createTensor(env, mask);
                OnnxTensor c = OnnxTensor.createTensor(env, new long[][] {new long[ids.length]});
                OrtSession.Result r = session.run(Map.of("input_ids", a, "attention_mask", b, "token_type_ids", c))) {
            return ((float[][][]) r.get(0).getValue())[0];
        }
    }

    /** The largest absolute difference between the two sessions' hidden states for {@code ids}. */
    static double maxAbsDiff(OrtEnvironment env, OrtSession sealed, OrtSession plain, long[] ids) throws OrtException {
        float[][] x = hidden(env, sealed, ids);
        float[][] y = hidden(env, plain, ids);
        double max = 0;
        for (int t = 0; t < x.length; t++) {
            for (int d = 0; d < x[t].length; d++) {
                max = Math.max(max, Math.abs(x[t][d] - y[t][d]));
            }
        }
        return max;
    }
}
