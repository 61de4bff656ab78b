package dev.tensorseal.onnxruntime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.tensorseal.CapacityException;
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

class SealedOnnxTest {
    /** Sealing changes no weight byte, so the sealed model's outputs are the plaintext model's. */
    private static final double TOLERANCE = 1e-6;

    private static MiniLm minilm;
    private static KeySource key;
    private static Path sealed;
    private static OrtEnvironment env;
    private static OrtSession plain;

    @BeforeAll
    static void seal() throws Exception {
        minilm = MiniLm.extract();
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        key = KeySource.bytes(k);
        sealed = minilm.dir().resolve("minilm.tseal");
        SealedFile.importOnnx(minilm.model(), key, sealed);
        env = OrtEnvironment.getEnvironment();
        plain = env.createSession(minilm.model().toString(), new OrtSession.SessionOptions());
    }

    @AfterAll
    static void cleanUp() throws Exception {
        plain.close();
        key.close();
        minilm.close();
    }

    @Test
    void sealedMiniLmRunsLikeThePlaintextModelWithoutCopyingAWeight() throws Exception {
        // README "Frameworks", ONNX Runtime:
        try (SealedSession s = SealedOnnx.createSession(env, sealed, key, null)) {
            OrtSession session = s.session();

            double diff = Math.max(MiniLmRuns.maxAbsDiff(env, session, plain, MiniLm.HELLO_WORLD_IDS),
                    MiniLmRuns.maxAbsDiff(env, session, plain, MiniLm.OTHER_IDS));
            System.out.println("onnxruntime: sealed vs plaintext MiniLM, max abs diff " + diff);
            assertTrue(diff <= TOLERANCE, "max abs diff " + diff);
            int weights = s.store().list().size() - 1; // every tensor but the graph
            assertEquals(weights, s.weights().tensors().size());
            assertTrue(weights > 100, "MiniLM has " + weights + " initializers");
            for (OnnxTensor t : s.weights().tensors()) {
                assertFalse(t.ownsBuffer(), "ONNX Runtime copied a weight into a buffer of its own");
            }
            assertEquals(SealedFile.totalPlaintextBytes(sealed), s.store().stats().plaintextBudgetBytes(),
                    "the budget is sized from the file");
        }
    }

    @Test
    void theReadmeSnippetIsWhatThisTestRuns() throws Exception {
        List<String> snippet = ReadmeSnippet.lines(Path.of(""), "onnxruntime");
        assertTrue(snippet.size() >= 2, snippet.toString());
        assertNull(ReadmeSnippet.firstMissing(snippet, Path.of("src/test/java/dev/tensorseal/onnxruntime/SealedOnnxTest.java")));
    }

    @Test
    void closesSessionTensorsViewsThenStoreAndASecondCloseDoesNothing() throws Exception {
        SealedSession s = SealedOnnx.createSession(env, sealed, key, null);
        TensorStore store = s.store();
        assertTrue(store.stats().openViews() > 100);
        OnnxTensor first = s.weights().tensors().getFirst();
        s.close();
        s.close();
        assertTrue(s.isClosed());
        assertThrows(IllegalStateException.class, s::session);
        assertThrows(IllegalStateException.class, store::list, "the owned store is closed with the session");
        assertTrue(first.isClosed());
    }

    @Test
    void aCallersStoreStaysOpenAndHoldsNoViewAfterTheSessionCloses() throws Exception {
        try (TensorStore store = SealedFile.open(sealed, TensorStore.builder().keySource(key)
                .plaintextBudgetBytes(SealedFile.totalPlaintextBytes(sealed)))) {
            try (SealedSession s = SealedOnnx.createSession(env, store, null)) {
                assertTrue(MiniLmRuns.maxAbsDiff(env, s.session(), plain, MiniLm.HELLO_WORLD_IDS) <= TOLERANCE);
            }
            assertEquals(0, store.stats().openViews());
            assertEquals(0, store.stats().plaintextBytesInUse());
            assertFalse(store.list().isEmpty(), "the caller's store is still open");
        } // closing it throws if a view was left open
    }

    @Test
    void aBudgetTooSmallForTheModelIsRefusedBeforeAnyViewOpens() throws Exception {
        try (TensorStore store = SealedFile.open(sealed, TensorStore.builder().keySource(key).plaintextBudgetBytes(1 << 20))) {
            CapacityException e = assertThrows(CapacityException.class, () -> SealedOnnx.createSession(env, store, null));
            assertTrue(e.getMessage().contains("plaintextBudgetBytes("), e.getMessage());
            assertEquals(0, store.stats().openViews());
        }
    }

    @Test
    void safetensorsSealedWeightsRunWithASeparateGraph() throws Exception {
        Path graph = minilm.dir().resolve("graph.onnx");
        Path weights = minilm.dir().resolve("weights.tseal");
        try (TensorStore store = SealedFile.open(sealed, key)) {
            SafetensorsFixture.writeGraph(store, graph);
            Path st = minilm.dir().resolve("weights.safetensors");
            SafetensorsFixture.writeWeights(store, st);
            SealedFile.importSafetensors(st, key, weights);
        }
        try (SealedSession s = SealedOnnx.createSession(env, graph, weights, key, null)) {
            double diff = MiniLmRuns.maxAbsDiff(env, s.session(), plain, MiniLm.HELLO_WORLD_IDS);
            System.out.println("onnxruntime: safetensors weights + separate graph, max abs diff " + diff);
            assertTrue(diff <= TOLERANCE, "max abs diff " + diff);
            assertEquals(s.store().list().size(), s.weights().tensors().size());
        }
    }

    @Test
    void aStoreWithoutAGraphNeedsTheGraphFile() throws Exception {
        Path st = minilm.dir().resolve("nograph.safetensors");
        Path weights = minilm.dir().resolve("nograph.tseal");
        try (TensorStore store = SealedFile.open(sealed, key)) {
            SafetensorsFixture.writeWeights(store, st);
        }
        SealedFile.importSafetensors(st, key, weights);
        try (TensorStore store = SealedFile.open(weights, key)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SealedOnnx.createSession(env, store, null));
            assertTrue(e.getMessage().contains("pass the graph"), e.getMessage());
            assertEquals(0, store.stats().openViews());
        }
    }
}
