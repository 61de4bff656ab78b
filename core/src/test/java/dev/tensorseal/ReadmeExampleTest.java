package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "Use it as a Maven dependency" sample, compiled and run as it is printed there. */
class ReadmeExampleTest {
    @TempDir
    Path dir;

    @Test
    void readmeSampleRunsAndTheViewIsClosedAfterwards() throws IOException {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Path keyFile = Files.write(dir.resolve("model.key"), key);
        Wipe.wipe(key);

        float seen;
        TensorView escaped;
        // --- README sample begins ---
        try (TensorStore store = TensorStore.builder()
                .keySource(KeySource.file(keyFile))         // 32 raw bytes, e.g. from `tensorseal keygen`
                .build()) {
            float[] weights = {0.5f, -1.25f, 2.0f, 4.0f};
            store.put("layer0.weight", weights, 2, 2);      // sealed off-heap with AES-256-GCM
            Wipe.wipe(weights);                             // the caller's copy is the caller's to wipe
            try (TensorView view = store.read("layer0.weight")) {
                MemorySegment plain = view.segment();       // or view.asByteBuffer() for ONNX Runtime, DJL
                seen = plain.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, 1);
                escaped = view;
            }                                               // zeroed and returned to the budget here
        }
        // --- README sample ends ---
        assertEquals(-1.25f, seen);
        assertThrows(IllegalStateException.class, escaped::segment);
    }
}
