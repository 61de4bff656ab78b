package dev.tensorseal.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.tensorseal.KeySource;
import dev.tensorseal.SealedFile;
import dev.tensorseal.TensorStore;
import dev.tensorseal.testing.MiniLm;
import dev.tensorseal.testing.ReadmeSnippet;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SealedEmbeddingModelTest {
    /** Sealing changes no weight byte, so the embeddings are the plaintext model's. */
    private static final double TOLERANCE = 1e-6;
    private static final List<TextSegment> SEGMENTS = List.of(
            TextSegment.from("The cat sits on the mat."),
            TextSegment.from("A kitten is resting on a rug."),
            TextSegment.from("Encryption keeps model weights confidential."));

    private static MiniLm minilm;
    private static KeySource key;
    private static Path sealed;

    @BeforeAll
    static void seal() throws Exception {
        minilm = MiniLm.extract();
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        key = KeySource.bytes(k);
        sealed = minilm.dir().resolve("minilm.tseal");
        SealedFile.importOnnx(minilm.model(), key, sealed);
    }

    @AfterAll
    static void cleanUp() {
        key.close();
        minilm.close();
    }

    @Test
    void embedsLikeTheInProcessMiniLmWithoutCopyingAWeight() throws Exception {
        Path tokenizer = minilm.tokenizer();
        List<TextSegment> segments = SEGMENTS;
        // README "Frameworks", LangChain4j:
        try (SealedEmbeddingModel model = new SealedEmbeddingModel(sealed, tokenizer, key)) {
            List<Embedding> embeddings = model.embedAll(segments).content();
            EmbeddingModel plain = new AllMiniLmL6V2QuantizedEmbeddingModel();
            List<Embedding> a = embeddings;
            List<Embedding> b = plain.embedAll(segments).content();
            assertEquals(segments.size(), a.size());
            double diff = 0;
            for (int i = 0; i < a.size(); i++) {
                float[] x = a.get(i).vector();
                float[] y = b.get(i).vector();
                assertEquals(y.length, x.length);
                for (int d = 0; d < x.length; d++) {
                    diff = Math.max(diff, Math.abs(x[d] - y[d]));
                }
            }
            System.out.println("langchain4j: sealed vs in-process MiniLM embeddings, max abs diff " + diff);
            assertTrue(diff <= TOLERANCE, "max abs diff " + diff);
            assertEquals(plain.dimension(), model.dimension());
            assertTrue(model.weights().tensors().size() > 100);
            model.weights().tensors().forEach(t -> assertFalse(t.ownsBuffer(), "a weight was copied"));
        }
    }

    @Test
    void theReadmeSnippetIsWhatThisTestRuns() throws Exception {
        List<String> snippet = ReadmeSnippet.lines(Path.of(""), "langchain4j");
        assertTrue(snippet.size() >= 2, snippet.toString());
        assertNull(ReadmeSnippet.firstMissing(snippet,
                Path.of("src/test/java/dev/tensorseal/langchain4j/SealedEmbeddingModelTest.java")));
    }

    @Test
    void aCallersStoreStaysOpenWithNoViewLeftWhenTheModelCloses() throws Exception {
        try (TensorStore store = SealedFile.open(sealed, TensorStore.builder().keySource(key)
                .plaintextBudgetBytes(SealedFile.totalPlaintextBytes(sealed)))) {
            try (SealedEmbeddingModel model = new SealedEmbeddingModel(store, minilm.tokenizer())) {
                assertEquals(384, model.embed("a sealed model").content().vector().length);
                assertTrue(store.stats().openViews() > 100);
            }
            assertEquals(0, store.stats().openViews());
            assertFalse(store.list().isEmpty(), "the caller's store is still open");
        }
    }

    @Test
    void aClosedModelRefusesToEmbedAndClosesOnce() throws Exception {
        SealedEmbeddingModel model = new SealedEmbeddingModel(sealed, minilm.tokenizer(), key);
        var first = model.weights().tensors().getFirst();
        model.embed("warm").content();
        model.close();
        model.close();
        assertTrue(first.isClosed());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> model.embed("after close"));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
}
