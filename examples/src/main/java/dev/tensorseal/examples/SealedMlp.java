package dev.tensorseal.examples;

import dev.tensorseal.KeySource;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import dev.tensorseal.WritableView;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Random;

/**
 * A pure-Java MLP whose weights and activations live sealed in a {@link TensorStore}. Each layer opens the views
 * it needs (weight, bias, input activation), writes its output activation into a sealed tensor, and closes the
 * views before the next layer, so at most one layer's plaintext exists at a time. The result equals the same
 * computation on plain float arrays bit for bit (same operations in the same order).
 */
public final class SealedMlp {
    static final int[] WIDTHS = {64, 128, 128, 10};

    private SealedMlp() {}

    public static void main(String[] args) {
        if (!run(System.out)) {
            System.exit(1);
        }
    }

    /** Runs the sealed and the plain network on one input; true when the outputs are identical. */
    public static boolean run(PrintStream out) {
        Random random = new Random(42);
        float[][] weights = new float[WIDTHS.length - 1][];
        float[][] biases = new float[WIDTHS.length - 1][];
        for (int l = 0; l < weights.length; l++) {
            weights[l] = gaussian(random, WIDTHS[l + 1] * WIDTHS[l], (float) Math.sqrt(2.0 / WIDTHS[l]));
            biases[l] = gaussian(random, WIDTHS[l + 1], 0.1f);
        }
        float[] input = gaussian(random, WIDTHS[0], 1f);
        float[] plain = plain(weights, biases, input);

        byte[] keyBytes = new byte[KeySource.KEY_BYTES];
        new java.security.SecureRandom().nextBytes(keyBytes);
        float[] sealed;
        try (KeySource key = KeySource.bytes(keyBytes); TensorStore store = TensorStore.builder().keySource(key).build()) {
            Arrays.fill(keyBytes, (byte) 0);
            for (int l = 0; l < weights.length; l++) {
                store.put("layer" + l + ".weight", weights[l], WIDTHS[l + 1], WIDTHS[l]);
                store.put("layer" + l + ".bias", biases[l], WIDTHS[l + 1]);
                Arrays.fill(weights[l], 0f); // from here on the weights exist only sealed (and in `plain`'s result)
            }
            store.put("act0", input, WIDTHS[0]);
            for (int l = 0; l < weights.length; l++) {
                layer(store, l);
            }
            try (TensorView y = store.read("act" + weights.length)) {
                sealed = new float[WIDTHS[WIDTHS.length - 1]];
                for (int i = 0; i < sealed.length; i++) {
                    sealed[i] = y.getFloat(i);
                }
            }
            out.println("mlp: " + store.list().size() + " sealed tensors, layers " + Arrays.toString(WIDTHS));
        }
        boolean same = Arrays.equals(plain, sealed); // bitwise float equality (NaN-aware), not a tolerance
        out.println("mlp: output " + Arrays.toString(Arrays.copyOf(sealed, 4)) + " ...");
        out.println(same ? "mlp: sealed output equals plain output exactly" : "mlp: MISMATCH between sealed and plain output");
        return same;
    }

    /** out = relu(W x + b) (no relu on the last layer), with the plaintext views open only inside this call. */
    private static void layer(TensorStore store, int l) {
        int in = WIDTHS[l];
        int outWidth = WIDTHS[l + 1];
        boolean last = l == WIDTHS.length - 2;
        store.put("act" + (l + 1), new float[outWidth], outWidth);
        try (TensorView w = store.read("layer" + l + ".weight"); TensorView b = store.read("layer" + l + ".bias");
                TensorView x = store.read("act" + l); WritableView y = store.write("act" + (l + 1))) {
            for (int o = 0; o < outWidth; o++) {
                float acc = b.getFloat(o);
                for (int i = 0; i < in; i++) {
                    acc += w.getFloat((long) o * in + i) * x.getFloat(i);
                }
                y.setFloat(o, last ? acc : Math.max(0f, acc));
            }
            y.commit();
        }
    }

    static float[] plain(float[][] weights, float[][] biases, float[] input) {
        float[] x = input;
        for (int l = 0; l < weights.length; l++) {
            int in = WIDTHS[l];
            int outWidth = WIDTHS[l + 1];
            boolean last = l == WIDTHS.length - 2;
            float[] y = new float[outWidth];
            for (int o = 0; o < outWidth; o++) {
                float acc = biases[l][o];
                for (int i = 0; i < in; i++) {
                    acc += weights[l][o * in + i] * x[i];
                }
                y[o] = last ? acc : Math.max(0f, acc);
            }
            x = y;
        }
        return x;
    }

    private static float[] gaussian(Random r, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian() * scale;
        }
        return a;
    }
}
