package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.internal.crypto.GcmEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link TensorStore#protection()} and the one warning when the library falls back to weaker protection. */
class ProtectionTest {
    private static final String WARNING = "tensorseal fell back to weaker protection";

    @Test
    void withNativeAccessTheDefaultStoreIsHardenedAndLockedOrSaysWhyNot() {
        try (KeySource key = StoreFixtures.key(1); TensorStore store = TensorStore.builder().keySource(key).build()) {
            store.put("w", new float[] {1, 2}, 2);
            try (TensorView v = store.read("w")) {
                assertEquals(2f, v.getFloat(1));
            }
            Protection p = store.protection();
            System.out.println("protection here: " + p.summary());
            assertEquals(store.engine(), p.engine());
            assertTrue(p.hardenedMemory(), "the test JVM has native access: " + p.summary());
            assertEquals(p.engine().equals("vaes") || p.engine().equals("ossl"), p.engineOffHeap());
            assertEquals(p.reasons().isEmpty(), p.full());
            if (!p.locked()) {
                assertTrue(p.reasons().stream().anyMatch(r -> r.contains("not locked")), p.summary());
            }
        }
    }

    @Test
    void aHeapEngineTheCallerChoseIsReportedAsChosen() {
        try (KeySource key = StoreFixtures.key(2); TensorStore store = TensorStore.builder().keySource(key).engine("bc").build()) {
            Protection p = store.protection();
            assertEquals("bc", p.engine());
            assertFalse(p.engineOffHeap());
            assertFalse(p.full());
            assertTrue(p.reasons().getFirst().startsWith("engine bc stages each chunk through a Java heap buffer"), p.summary());
            assertTrue(p.reasons().getFirst().contains("chosen by the caller"), p.summary());
        }
    }

    @Test
    void underDeniedNativeAccessStoresFallBackToJceOnPlainMemoryAndWarnOnce() throws Exception {
        Child c = child("--illegal-native-access=deny");
        assertEquals(0, c.exit, c.output);
        assertEquals(2, count(c.output, "protection: engine=jce offHeap=false hardened=false locked=false reasons=2"), c.output);
        assertEquals(1, count(c.output, WARNING), "one warning for two stores: " + c.output);
        assertTrue(c.output.contains("--enable-native-access"), "the warning names the flag: " + c.output);
    }

    @Test
    void withNativeAccessNothingFallsBackAndNothingIsWarned() throws Exception {
        Child c = child("--enable-native-access=ALL-UNNAMED");
        assertEquals(0, c.exit, c.output);
        assertEquals(2, count(c.output, "hardened=true"), c.output);
        assertEquals(0, count(c.output, WARNING), c.output);
        if (GcmEngine.names().contains("vaes")) {
            assertEquals(2, count(c.output, "protection: engine=vaes offHeap=true"), c.output);
        }
    }

    private record Child(int exit, String output) {}

    /** Runs {@link ProtectionProbe} in a JVM started with {@code flag}; stdout and stderr together. */
    private static Child child(String flag) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), flag,
                "-cp", System.getProperty("java.class.path"), ProtectionProbe.class.getName()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes(); // until the child exits
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "hang guard: the child did not exit");
        return new Child(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            n++;
        }
        return n;
    }
}
