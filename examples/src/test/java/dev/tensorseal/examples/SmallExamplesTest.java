package dev.tensorseal.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.nativebridge.Gpus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The MLP and GPU examples' mains, run in process. */
class SmallExamplesTest {
    private static String capture(java.util.function.Function<PrintStream, Object> main, Object[] result) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        result[0] = main.apply(new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        System.out.print(out);
        return out;
    }

    @Test
    void sealedMlpEqualsThePlainComputationExactly() {
        Object[] r = new Object[1];
        String out = capture(SealedMlp::run, r);
        assertEquals(Boolean.TRUE, r[0], out);
        assertTrue(out.contains("mlp: sealed output equals plain output exactly"), out);
    }

    @Test
    void gpuExampleExitsZeroAndSaysWhyWithoutAGpu() {
        Object[] r = new Object[1];
        String out = capture(GpuSealedWeights::run, r);
        assertEquals(0, r[0], out);
        if (!Gpus.probe().driver().isAvailable()) {
            assertTrue(out.startsWith("gpu example: skipped, no usable GPU: "), out);
        } else {
            assertTrue(out.startsWith("gpu example: "), out);
        }
    }
}
