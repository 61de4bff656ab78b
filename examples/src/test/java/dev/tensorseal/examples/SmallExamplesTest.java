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

    @Test
    void gpuExampleArguments() {
        Object[] r = new Object[1];
        String usage = capture(out -> GpuSealedWeights.run(new String[] {"--bogus"}, out), r);
        assertEquals(2, r[0], usage);
        assertTrue(usage.startsWith("usage: GpuSealedWeights [--probe-only | --require-gpu]"), usage);
        java.util.Optional<String> why = GpuSealedWeights.whyNoGpu(Gpus.probe());
        String probe = capture(out -> GpuSealedWeights.run(new String[] {"--probe-only"}, out), r);
        assertEquals(0, r[0], probe);
        String required = capture(out -> GpuSealedWeights.run(new String[] {"--require-gpu"}, out), r);
        if (why.isPresent()) {
            assertEquals("gpu example: skipped, no usable GPU: " + why.get() + System.lineSeparator(), probe);
            assertEquals(1, r[0], required); // gpu-check.sh on a GPU machine must not pass on a skip
        } else {
            assertTrue(probe.endsWith("usable; device path not run (--probe-only)" + System.lineSeparator()), probe);
            assertEquals(0, r[0], required);
        }
    }
}
