package dev.tensorseal.devtools.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.nativebridge.HostAesGcm;
import dev.tensorseal.testing.Prerequisites;
import dev.tensorseal.vectors.VectorFiles;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gpu-check.sh's host half, so the script and its Java entry point cannot rot where CI has no GPU. The core and
 * examples parts of the script, and its bundle class path, are exercised by examples' GpuCheckScriptTest.
 */
class GpuCheckHostOnlyTest {
    private static void requireHostLibrary() {
        Prerequisites.require(HostAesGcm.availability().isAvailable(), "host GCM library unavailable: "
                + HostAesGcm.availability());
    }

    private static void requireNistGcm(String name) {
        String relative = "ciphers/AES/GCM/" + name;
        Prerequisites.require(VectorFiles.find(relative).isPresent(), "NIST GCM vectors: " + VectorFiles.missingReason(relative));
    }

    /** This JVM's class path without core's classes: what the script sees from native-bridge and this module alone. */
    private static String classPathWithoutCore() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !Path.of(e).endsWith(Path.of("core", "target", "classes"))
                        && !Path.of(e).getFileName().toString().startsWith("tensorseal-core-"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    @Test
    void hostHalfPassesAndSkipsTheDeviceHalf() {
        requireHostLibrary();
        requireNistGcm("gcmEncryptExtIV256.rsp");
        requireNistGcm("gcmDecrypt256.rsp");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int rc = GpuCheck.run(new String[] {"--host-only"}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, out);
        assertTrue(out.contains("NIST GCM-256 vectors, host build (batched path)      ok  (750 cases, 0 wrong)"), out);
        assertTrue(out.contains("device half: skipped (--host-only)"), out);
        assertTrue(out.endsWith("gpu-check: PASS" + System.lineSeparator()), out);
    }

    @Test
    void theScriptRunsTheHostHalfWithThisBuildsClasses() throws Exception {
        requireHostLibrary();
        Path script = Path.of("gpu-check.sh").toAbsolutePath();
        Prerequisites.require(Files.isReadable(script), "run from the dev-tools module folder");
        requireNistGcm("gcmEncryptExtIV256.rsp");
        requireNistGcm("gcmDecrypt256.rsp");
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), "--host-only").redirectErrorStream(true);
        pb.environment().put("TENSORSEAL_GPU_CHECK_CP", classPathWithoutCore());
        pb.environment().put("TENSORSEAL_GPU_CHECK_BUNDLE", "/nonexistent");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // The script's JVM sees no -D of this one: hand it the vector folder this test checked.
        pb.environment().put(GpuCheck.VECTORS_ENV, VectorFiles.root().toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "gpu-check.sh did not finish");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("gpu driver: "), out);
        assertTrue(out.contains("gpu-check: PASS"), out);
        // A class path with neither core nor examples: the script says so and passes on what ran.
        assertTrue(out.contains("native-bridge kernel (GpuCheck)              PASS"), out);
        assertTrue(out.contains("core device tensors (DeviceTensorChecks)     not run (core not on the class path)"), out);
        assertTrue(out.contains("gpu example (GpuSealedWeights)               not run (examples not on the class path)"), out);
        assertTrue(out.contains("gpu-check.sh: PASS in "), out);
    }

    @Test
    void missingVectorsFailTheHostHalfNamingThePackage(@TempDir Path empty) {
        requireHostLibrary();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int rc = GpuCheck.run(new String[] {"--host-only", "--vectors", empty.toString()},
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(1, rc, out);
        assertTrue(out.contains("NIST GCM-256 vectors, host build                     FAILED  (cannot read " + empty), out);
        assertTrue(out.contains("install Debian's python3-cryptography-vectors or set TENSORSEAL_VECTORS_DIR"), out);
    }

    @Test
    void theVectorFolderFollowsTheSameOverrideAsTheVectorTests() {
        String old = System.getProperty(GpuCheck.VECTORS_PROPERTY);
        try {
            System.setProperty(GpuCheck.VECTORS_PROPERTY, "/tmp/elsewhere");
            assertEquals(Path.of("/tmp/elsewhere/ciphers/AES/GCM"), GpuCheck.nistGcmDir());
        } finally {
            if (old == null) {
                System.clearProperty(GpuCheck.VECTORS_PROPERTY);
            } else {
                System.setProperty(GpuCheck.VECTORS_PROPERTY, old);
            }
        }
    }

    @Test
    void unknownArgumentsGiveUsage() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertEquals(2, GpuCheck.run(new String[] {"--bogus"}, new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        assertTrue(bytes.toString(StandardCharsets.UTF_8).startsWith("usage: gpu-check"));
    }
}
