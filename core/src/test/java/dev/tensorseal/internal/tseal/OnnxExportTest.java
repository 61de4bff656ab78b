package dev.tensorseal.internal.tseal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.KeySource;
import dev.tensorseal.SealedFile;
import dev.tensorseal.internal.onnx.MiniLmModel;
import dev.tensorseal.internal.onnx.OnnxInitializer;
import dev.tensorseal.internal.onnx.OnnxModel;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Export of an ONNX-sourced file restores every initializer inline; the rest of the model is unchanged. */
class OnnxExportTest {
    @TempDir Path dir;

    @Test
    void exportedModelHasTheSameGraphAndInitializerBytes() throws IOException {
        Path original = MiniLmModel.extractTo(dir);
        Path sealed = dir.resolve("m.tseal");
        Path exported = dir.resolve("back.onnx");
        try (KeySource key = SealedFileTest.keyOf(3)) {
            SealedFile.importOnnx(original, key, sealed);
            SealedFile.export(sealed, key, exported);
        }
        try (Arena arena = Arena.ofConfined()) {
            OnnxModel a = OnnxModel.read(map(original, arena));
            OnnxModel b = OnnxModel.read(map(exported, arena));
            List<OnnxInitializer> ia = a.initializers();
            List<OnnxInitializer> ib = b.initializers();
            assertEquals(ia.size(), ib.size());
            assertTrue(ia.size() > 50, "MiniLM has many initializers");
            for (int i = 0; i < ia.size(); i++) {
                assertEquals(ia.get(i).name(), ib.get(i).name());
                assertEquals(ia.get(i).dtype(), ib.get(i).dtype());
                assertArrayEquals(ia.get(i).dims(), ib.get(i).dims());
                assertEquals(-1, ia.get(i).data().mismatch(ib.get(i).data()), ia.get(i).name());
            }
            // Same graph, nodes, opsets and metadata: with the weights taken out again both are byte-identical.
            assertArrayEquals(a.rewriteExternal(), b.rewriteExternal());
        }
    }

    private static MemorySegment map(Path p, Arena arena) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            MemorySegment m = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            m.get(ValueLayout.JAVA_BYTE, 0);
            return m;
        }
    }
}
