package dev.tensorseal.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tensorseal.DType;
import dev.tensorseal.KeySource;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import dev.tensorseal.UnsupportedParameterException;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SealedNDList on DJL's PyTorch engine: {@code ./mvnw -pl djl -am verify -Ppytorch} brings the engine (111 MB, 432 MB
 * unpacked) and runs this; the default build excludes it. Named explicitly without the engine, it skips with the reason
 * outside CI and fails under CI.
 */
class PyTorchNDListTest {
    @BeforeAll
    static void requireEngine() {
        if (Engine.hasEngine(DjlTypes.PYTORCH)) {
            return;
        }
        String reason = "DJL's PyTorch engine is not on the class path: run with -Ppytorch";
        if (Boolean.getBoolean("tensorseal.ci") || "true".equals(System.getenv("CI"))) {
            throw new AssertionError(reason);
        }
        System.out.println("PyTorchNDListTest skipped: " + reason);
        Assumptions.abort(reason);
    }

    @Test
    void f32TensorsBecomePyTorchArraysWithTheirPlaintext() {
        float[] w = new float[4096];
        for (int i = 0; i < w.length; i++) {
            w[i] = i * 0.25f - 3;
        }
        try (KeySource key = randomKey();
                TensorStore store = TensorStore.builder().keySource(key).build();
                NDManager manager = NDManager.newBaseManager(DjlTypes.PYTORCH)) {
            store.put("w", w, 64, 64);
            try (SealedNDList list = SealedNDList.load(manager, store, List.of("w"))) {
                NDArray a = list.list().getFirst();
                assertEquals(DjlTypes.PYTORCH, a.getManager().getEngine().getEngineName());
                assertArrayEquals(new long[] {64, 64}, a.getShape().getShape());
                assertArrayEquals(w, a.toFloatArray());
            }
            assertEquals(0, store.stats().openViews());
        }
    }

    @Test
    void bf16IsRefusedOnThePyTorchEngineInsteadOfAbortingTheJvm() {
        try (KeySource key = randomKey();
                TensorStore store = TensorStore.builder().keySource(key).build();
                NDManager manager = NDManager.newBaseManager(DjlTypes.PYTORCH)) {
            store.put("f", new float[] {1, 2}, 2);
            store.put("b", DType.BF16, new long[] {2}, new short[] {0x3f80, 0x4000});
            UnsupportedParameterException e = assertThrows(UnsupportedParameterException.class,
                    () -> SealedNDList.load(manager, store, List.of("f", "b")));
            assertTrue(e.getMessage().contains("'b' is BF16"), e.getMessage());
            assertEquals(0, store.stats().openViews(), "refused before any view opened");
            try (TensorView v = store.read("b")) {
                assertEquals(4, v.segment().byteSize());
            }
        }
    }

    private static KeySource randomKey() {
        byte[] k = new byte[32];
        new java.security.SecureRandom().nextBytes(k);
        return KeySource.bytes(k);
    }
}
