package dev.tensorseal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class GpuInfoCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void withoutADriverItSaysUnavailableAndExitsZero() {
        boolean driver = Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libcuda.so.1"))
                || Files.exists(Path.of("/usr/lib64/libcuda.so.1"));
        assertEquals(0, run("gpu-info"), err.toString(StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        if (driver) {
            System.out.println("NOTE: a CUDA driver is installed here; the no-driver line cannot be checked");
            assertTrue(text.startsWith("gpu: "), text);
            return;
        }
        assertTrue(text.startsWith("gpu: unavailable (libcuda.so.1 not found"), text);
        assertTrue(text.contains("attestation: unavailable"), text);
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void extraArgumentsAreAUsageError() {
        assertEquals(2, run("gpu-info", "--all"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("tensorseal gpu-info: gpu-info takes no arguments"));
    }
}
