package dev.tensorseal.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.nativebridge.Gpus;
import dev.tensorseal.testing.Prerequisites;
import dev.tensorseal.vectors.VectorFiles;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dev-tools/gpu-check.sh's host half from a bundle laid out as gpu-check-prepare.sh lays it out (lib/ with the
 * dev-tools, native-bridge, core, test-vectors and examples jars and their runtime dependencies; this JDK instead of the jlink'ed runtime),
 * so the bundle's class path assembly, the core and example parts and the summary cannot rot where CI has no GPU.
 */
class GpuCheckScriptTest {
    private static final Path SCRIPT = Path.of("../dev-tools/gpu-check.sh").toAbsolutePath().normalize();
    /** The files GpuCheck's host half reads, under the vector root (VectorFiles: -Dtensorseal.vectors.dir, TENSORSEAL_VECTORS_DIR). */
    private static final List<String> NIST_GCM_256 = List.of("ciphers/AES/GCM/gcmEncryptExtIV256.rsp", "ciphers/AES/GCM/gcmDecrypt256.rsp");
    private static final List<String> DEPENDENCIES = List.of("bcprov-", "jackson-core-", "jna-");

    @BeforeAll
    static void prerequisites() {
        String missing = !Files.isReadable(SCRIPT) ? SCRIPT + " not found (run from the examples module folder)"
                : NIST_GCM_256.stream().filter(f -> VectorFiles.find(f).isEmpty()).map(VectorFiles::missingReason)
                        .findFirst().orElse(null);
        Prerequisites.require(missing == null, "GpuCheckScriptTest: " + missing);
    }

    /** lib/ as gpu-check-prepare.sh makes it: this build's classes as jars, plus the runtime dependency jars. */
    private static Path bundle(Path dir) throws IOException {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        ToolProvider jar = ToolProvider.findFirst("jar").orElseThrow();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            String name = p.getFileName().toString();
            if (Files.isDirectory(p) && p.endsWith(Path.of("target", "classes"))) {
                String module = p.getParent().getParent().getFileName().toString();
                int rc = jar.run(System.out, System.err, "--create", "--file",
                        lib.resolve("tensorseal-" + module + "-classes.jar").toString(), "-C", p.toString(), ".");
                assertEquals(0, rc, "jar of " + p);
            } else if (name.endsWith(".jar") && (name.startsWith("tensorseal-")
                    || DEPENDENCIES.stream().anyMatch(name::startsWith))) { // reactor jars under verify, folders under test
                Files.copy(p, lib.resolve(name));
            }
        }
        return lib;
    }

    private static String[] runScript(Path bundle) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString(), "--host-only").redirectErrorStream(true);
        pb.environment().remove("TENSORSEAL_GPU_CHECK_CP");
        pb.environment().put("TENSORSEAL_GPU_CHECK_BUNDLE", bundle.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put(VectorFiles.ENV, VectorFiles.root().toString()); // the folder prerequisites() checked
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "gpu-check.sh did not finish");
        System.out.print(out);
        return new String[] {String.valueOf(p.exitValue()), out};
    }

    @Test
    void allThreePartsRunFromTheBundle(@TempDir Path dir) throws Exception {
        Path lib = bundle(dir);
        List<String> jars = new ArrayList<>();
        try (var s = Files.list(lib)) {
            s.forEach(f -> jars.add(f.getFileName().toString()));
        }
        for (String module : List.of("dev-tools", "native-bridge", "core", "test-vectors", "examples")) {
            assertEquals(1, jars.stream().filter(j -> j.startsWith("tensorseal-" + module + "-")).count(), jars.toString());
        }
        assertEquals(DEPENDENCIES.size(), jars.stream().filter(j -> DEPENDENCIES.stream().anyMatch(j::startsWith)).count(),
                jars.toString());
        String[] r = runScript(dir);
        String out = r[1];
        assertEquals("0", r[0], out);
        assertTrue(out.contains("NIST GCM-256 vectors, host build (batched path)      ok  (750 cases, 0 wrong)"), out);
        assertTrue(out.contains("tamper fixture rejected by the CPU store             ok  (tensor w, chunk 5)"), out);
        assertTrue(out.contains("core device half: skipped (--host-only)"), out);
        if (!Gpus.probe().driver().isAvailable()) {
            assertTrue(out.contains("gpu example: skipped, no usable GPU: " + Gpus.probe().driver().reason()), out);
        } else {
            assertTrue(out.contains("gpu example: "), out);
        }
        assertTrue(out.contains("== gpu-check.sh summary (host only) =="), out);
        assertTrue(out.contains("native-bridge kernel (GpuCheck)              PASS"), out);
        assertTrue(out.contains("core device tensors (DeviceTensorChecks)     PASS"), out);
        assertTrue(out.contains("gpu example (GpuSealedWeights)               PASS"), out);
        assertTrue(out.contains("gpu-check.sh: PASS in "), out);
    }

    @Test
    void aBundleWithoutTheCoreJarFails(@TempDir Path dir) throws Exception {
        Path lib = bundle(dir);
        try (var s = Files.list(lib)) {
            for (Path core : s.filter(f -> f.getFileName().toString().startsWith("tensorseal-core-")).toList()) {
                Files.delete(core);
            }
        }
        String[] r = runScript(dir);
        assertEquals("1", r[0], r[1]);
        assertTrue(r[1].contains("core device tensors (DeviceTensorChecks)     FAIL (exit 1)"), r[1]);
        assertTrue(r[1].contains("gpu-check.sh: FAIL (1 of 3 parts)"), r[1]);
    }
}
