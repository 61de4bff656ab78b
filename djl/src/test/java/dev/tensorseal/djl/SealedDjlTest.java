package dev.tensorseal.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.onnxruntime.engine.OrtNDArray;
import ai.djl.training.ParameterStore;
import dev.tensorseal.DType;
import dev.tensorseal.KeySource;
import dev.tensorseal.SealedFile;
import dev.tensorseal.TensorInfo;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import dev.tensorseal.UnsupportedParameterException;
import dev.tensorseal.testing.MiniLm;
import dev.tensorseal.testing.ReadmeSnippet;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SealedDjlTest {
    /** Sealing changes no weight byte, so the sealed model's outputs are the plaintext model's. */
    private static final double TOLERANCE = 1e-6;

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
    void sealedModelRunsLikeThePlaintextModelOnTheOnnxRuntimeEngine() throws Exception {
        try (Model plain = Model.newInstance("plain", SealedModel.ENGINE)) {
            plain.load(minilm.dir(), "all-minilm-l6-v2-q");
            // README "Frameworks", DJL:
            try (SealedModel m = SealedModel.load(sealed, key)) {
                Model model = m.model();
                double diff = Math.max(maxAbsDiff(model, plain, MiniLm.HELLO_WORLD_IDS), maxAbsDiff(model, plain, MiniLm.OTHER_IDS));
                System.out.println("djl: sealed vs plaintext MiniLM on OnnxRuntime, max abs diff " + diff);
                assertTrue(diff <= TOLERANCE, "max abs diff " + diff);
                assertTrue(m.weights().tensors().size() > 100);
                m.weights().tensors().forEach(t -> assertFalse(t.ownsBuffer(), "a weight was copied"));
            }
        }
    }

    @Test
    void theReadmeSnippetIsWhatThisTestRuns() throws Exception {
        List<String> snippet = ReadmeSnippet.lines(Path.of(""), "djl");
        assertTrue(snippet.size() >= 4, snippet.toString());
        assertNull(ReadmeSnippet.firstMissing(snippet, Path.of("src/test/java/dev/tensorseal/djl/SealedDjlTest.java")));
    }

    @Test
    void aSecondCloseDoesNothingAndTheModelIsUnusableAfterTheFirst() throws Exception {
        SealedModel m = SealedModel.load(sealed, key);
        var first = m.weights().tensors().getFirst();
        m.close();
        m.close(); // DJL's Model.close() twice throws; ours closes it once
        assertThrows(IllegalStateException.class, m::model);
        assertTrue(first.isClosed(), "the OnnxTensors are closed with the model");
    }

    @Test
    void aCallersStoreStaysOpenWithNoViewLeftWhenTheModelCloses() throws Exception {
        try (TensorStore store = SealedFile.open(sealed, TensorStore.builder().keySource(key)
                .plaintextBudgetBytes(SealedFile.totalPlaintextBytes(sealed)))) {
            try (SealedModel m = SealedModel.load(store, "minilm")) {
                assertEquals(384, hidden(m.model(), MiniLm.HELLO_WORLD_IDS).length / MiniLm.HELLO_WORLD_IDS.length);
                assertTrue(store.stats().openViews() > 100);
            }
            assertEquals(0, store.stats().openViews());
            assertFalse(store.list().isEmpty(), "the caller's store is still open");
        }
    }

    @Test
    void ndListArraysWrapTheViewsWithoutACopy() throws Exception {
        try (NDManager manager = NDManager.newBaseManager(SealedModel.ENGINE); TensorStore store = SealedFile.open(sealed, key)) {
            // README "Frameworks", DJL NDList:
            try (SealedNDList weights = SealedNDList.load(manager, sealed, key)) {
                NDList list = weights.list();
                assertEquals(store.list().size() - 1, list.size());
                for (NDArray a : list) {
                    assertFalse(((OrtNDArray) a).getTensor().ownsBuffer(), a.getName() + " was copied");
                    TensorInfo info = store.info(a.getName()).orElseThrow();
                    assertTrue(Arrays.equals(info.shape(), a.getShape().getShape()), a.getName());
                }
                NDArray a = list.getFirst();
                try (TensorView v = store.read(a.getName())) {
                    assertEquals(v.asByteBuffer(), a.toByteBuffer(), "the array holds the tensor's plaintext");
                }
            }
        }
    }

    @Test
    void closingTheNdListClosesItsArraysOnce() throws Exception {
        try (NDManager manager = NDManager.newBaseManager(SealedModel.ENGINE)) {
            SealedNDList weights = SealedNDList.load(manager, sealed, key);
            var tensor = ((OrtNDArray) weights.list().getFirst()).getTensor();
            weights.close();
            weights.close();
            assertThrows(IllegalStateException.class, weights::list);
            assertTrue(tensor.isClosed(), "the arrays are closed with the list");
        }
    }

    @Test
    void bf16IsRefusedForThePyTorchEngineBeforeAnyArrayIsMade() {
        TensorInfo bf16 = TensorInfo.of("w", DType.BF16, new long[] {2});
        UnsupportedParameterException e = assertThrows(UnsupportedParameterException.class,
                () -> DjlTypes.requireSupported(DjlTypes.PYTORCH, bf16));
        assertTrue(e.getMessage().contains("'w' is BF16"), e.getMessage());
        DjlTypes.requireSupported(SealedModel.ENGINE, bf16); // other engines take BF16
    }

    private static double maxAbsDiff(Model sealed, Model plain, long[] ids) {
        float[] x = hidden(sealed, ids);
        float[] y = hidden(plain, ids);
        assertEquals(x.length, y.length);
        double max = 0;
        for (int i = 0; i < x.length; i++) {
            max = Math.max(max, Math.abs(x[i] - y[i]));
        }
        return max;
    }

    private static float[] hidden(Model model, long[] ids) {
        try (NDManager m = model.getNDManager().newSubManager()) {
            long[] ones = new long[ids.length];
            Arrays.fill(ones, 1);
            NDArray inputIds = m.create(new long[][] {ids});
            inputIds.setName("input_ids");
            NDArray mask = m.create(new long[][] {ones});
            mask.setName("attention_mask");
            NDArray types = m.create(new long[][] {new long[ids.length]});
            types.setName("token_type_ids");
            NDList out = model.getBlock().forward(new ParameterStore(m, false), new NDList(inputIds, mask, types), false);
            return out.getFirst().toFloatArray();
        }
    }
}
